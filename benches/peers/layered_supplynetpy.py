#!/usr/bin/env python3
"""SupplyNetPy's layered network (its scaling study), built with SupplyNetPy's own API, for the
side-by-side comparison with medsupply on benches/scenarios/layered-*.toml.

    python layered_supplynetpy.py --nodes 50 --days 500 --seeds 1 2 3

Nodes per echelon for N: suppliers N//5 (infinite), manufacturers N//10 (capacity 1000, start
200, (s, S) = (200, 800), batches of 100 taking 1 day, 1 raw unit per unit), distributors N//7
(capacity 500, start 150, (s, S) = (100, 400)), retailers the rest (capacity 200, start 80,
(s, S) = (40, 150)). Links all-to-all between consecutive
echelons, lead time Exp(mean 3) per shipment; every node orders from its first supplier
(SupplyNetPy's default SelectFirst); at each retailer, customer orders of 10 units every
Exp(mean 1) days from t = 0, lost when they cannot be filled at once (tolerance 0).

Prints one JSON line per replication: build and simulate wall times, the share of customer
orders filled, and the mean end-of-day stock per node of each echelon (sampled one minute before
the end of each day, as medsupply records its daily stock).
"""

import argparse
import json
import random
import resource
import sys
import time
import warnings

import simpy
import SupplyNetPy.Components as scm


def counts(n):
    s, m, d = n // 5, n // 10, n // 7
    return s, m, d, n - s - m - d


def build(env, n, seed):
    rng = random.Random(seed)
    scm.set_seed(seed)
    quiet = dict(logging=False)
    raw = scm.RawMaterial(ID="raw", name="raw", extraction_quantity=1000, extraction_time=1,
                          mining_cost=0, cost=1)
    product = scm.Product(ID="product", name="product", manufacturing_cost=1, manufacturing_time=1,
                          sell_price=10, raw_materials=[(raw, 1)], batch_size=100)
    ns, nm, nd, nr = counts(n)
    suppliers = [scm.Supplier(env, ID=f"S{k}", name=f"S{k}", node_type="infinite_supplier",
                              raw_material=raw, **quiet) for k in range(ns)]
    manufacturers = [scm.Manufacturer(env, ID=f"M{k}", name=f"M{k}", capacity=1000, initial_level=200,
                                      inventory_holding_cost=0, product_sell_price=10,
                                      replenishment_policy=scm.SSReplenishment,
                                      policy_param={"s": 200, "S": 800}, product=product, **quiet)
                     for k in range(nm)]
    distributors = [scm.InventoryNode(env, ID=f"D{k}", name=f"D{k}", node_type="distributor", capacity=500,
                                      initial_level=150, inventory_holding_cost=0,
                                      replenishment_policy=scm.SSReplenishment,
                                      policy_param={"s": 100, "S": 400}, product_sell_price=10,
                                      product_buy_price=5, **quiet) for k in range(nd)]
    retailers = [scm.InventoryNode(env, ID=f"R{k}", name=f"R{k}", node_type="retailer", capacity=200,
                                   initial_level=80, inventory_holding_cost=0,
                                   replenishment_policy=scm.SSReplenishment,
                                   policy_param={"s": 40, "S": 150}, product_sell_price=10,
                                   product_buy_price=5, **quiet) for k in range(nr)]

    def lead():
        return rng.expovariate(1 / 3)

    links = 0
    for ups, downs in ((suppliers, manufacturers), (manufacturers, distributors), (distributors, retailers)):
        for u in ups:
            for d in downs:
                scm.Link(env, ID=f"{u.ID}->{d.ID}", source=u, sink=d, cost=0, lead_time=lead)
                links += 1
    demands = [scm.Demand(env, ID=f"C{k}", name=f"C{k}", order_arrival_model=lambda: rng.expovariate(1.0),
                          order_quantity_model=lambda: 10, demand_node=r, **quiet)
               for k, r in enumerate(retailers)]
    return {"manufacturer": manufacturers, "distributor": distributors, "retailer": retailers}, demands, links


def sampler(env, echelons, days, sums):
    """Adds each echelon's total stock one minute before the end of every day."""
    t = 1 - 1 / 1440
    for _ in range(days):
        yield env.timeout(t - env.now)
        for name, nodes in echelons.items():
            sums[name] += sum(x.inventory.level for x in nodes)
        t += 1


def replicate(n, days, seed):
    warnings.simplefilter("ignore")
    scm.global_logger.disable_logging()
    env = simpy.Environment()
    t0 = time.perf_counter()
    echelons, demands, links = build(env, n, seed)
    sums = {name: 0.0 for name in echelons}
    env.process(sampler(env, echelons, days, sums))
    t1 = time.perf_counter()
    env.run(until=days)
    t2 = time.perf_counter()
    placed = sum(d.stats.demand_placed[0] for d in demands)
    filled = sum(d.stats.fulfillment_received[0] for d in demands)
    return {
        "tool": "supplynetpy",
        "nodes": n,
        "links": links,
        "days": days,
        "seed": seed,
        "build_s": round(t1 - t0, 3),
        "simulate_s": round(t2 - t1, 3),
        "orders": placed,
        "orders_filled": filled,
        "filled_share": filled / placed if placed else None,
        "mean_stock": {name: sums[name] / days / len(nodes) for name, nodes in echelons.items()},
        "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--nodes", type=int, required=True)
    ap.add_argument("--days", type=int, default=500)
    ap.add_argument("--seeds", type=int, nargs="+", default=[1])
    a = ap.parse_args()
    sys.setrecursionlimit(10000)
    for seed in a.seeds:
        print(json.dumps(replicate(a.nodes, a.days, seed)), flush=True)


if __name__ == "__main__":
    main()
