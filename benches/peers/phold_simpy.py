#!/usr/bin/env python3
"""PHOLD in SimPy, the peer of `cargo bench --bench phold` (benches/phold.rs).

N logical processes (LPs) each start with E0 events sent to themselves at time
L + Exp(mean mu - L). Handling an event at LP i, time t, draws u ~ U(0,1); if u < p_remote
the destination is uniform over 0..N-1 (self allowed), otherwise i; it schedules exactly one
new event there at t + L + Exp(mean mu - L). Events before `end` are handled. Every LP has its
own random stream (`random.Random`, seeded from the seed and the LP index), drawn in the same
order as the Rust version (u, then the destination if remote, then the delay). Time is
SimPy's float time (the Rust version uses integer ticks of 1e-6 time units).

Two variants, same parameters:

- `process`: as an ordinary SimPy user would write it: every one of the N*E0 circulating events
  is a process that waits with `env.timeout(delay)`, is handled at its LP, and moves on to the
  destination;
- `raw`: the fastest SimPy way: bare `simpy.Event`s scheduled with `env.schedule`, handled
  by a callback that schedules the next one.

Prints one JSON line per variant:
{"variant": ..., "events": ..., "wall_s": ..., "events_per_s": ...}
(wall_s covers building and running the model, as in the Rust version).

Usage: phold_simpy.py [--variant process|raw|both] --lps 1024 --events-per-lp 16
       --remote 0.25 --lookahead 0.1 --mean 1.0 --end 100 --seed 1
"""

import argparse
import json
import random
import sys
import time

import simpy
from simpy.events import NORMAL, Event


def streams(lps, seed):
    """One independent generator per LP, seeded from (seed, LP index)."""
    return [random.Random(f"phold:{seed}:{lp}") for lp in range(lps)]


def phold_process(lps, events_per_lp, remote, lookahead, mean, end, seed):
    """PHOLD with processes and timeouts; returns the number of events handled."""
    env = simpy.Environment()
    rngs = streams(lps, seed)
    rate = 1.0 / (mean - lookahead)
    handled = 0

    def job(lp, first_delay):
        nonlocal handled
        yield env.timeout(first_delay)
        while True:
            handled += 1
            rng = rngs[lp]
            if rng.random() < remote:
                lp = rng.randrange(lps)
            yield env.timeout(lookahead + rng.expovariate(rate))

    for lp in range(lps):
        rng = rngs[lp]
        for _ in range(events_per_lp):
            env.process(job(lp, lookahead + rng.expovariate(rate)))
    env.run(until=end)
    return handled


def phold_raw(lps, events_per_lp, remote, lookahead, mean, end, seed):
    """PHOLD with raw events and `env.schedule`; returns the number of events handled."""
    env = simpy.Environment()
    rngs = streams(lps, seed)
    rate = 1.0 / (mean - lookahead)
    schedule = env.schedule
    new_event = Event.__new__
    handled = 0

    def handle(ev):
        # An already-triggered bare event carrying its destination LP, built without
        # Event.__init__ (the fastest way to put an event on SimPy's queue).
        nonlocal handled
        handled += 1
        lp = ev._value
        rng = rngs[lp]
        nxt = new_event(Event)
        nxt.env = env
        nxt.callbacks = [handle]
        nxt._ok = True
        nxt._value = rng.randrange(lps) if rng.random() < remote else lp
        schedule(nxt, NORMAL, lookahead + rng.expovariate(rate))

    for lp in range(lps):
        rng = rngs[lp]
        for _ in range(events_per_lp):
            ev = Event(env)
            ev._ok = True
            ev._value = lp
            ev.callbacks.append(handle)
            schedule(ev, NORMAL, lookahead + rng.expovariate(rate))
    env.run(until=end)
    return handled


VARIANTS = {"process": phold_process, "raw": phold_raw}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--variant", choices=[*VARIANTS, "both"], default="both")
    p.add_argument("--lps", type=int, default=1024)
    p.add_argument("--events-per-lp", type=int, default=16)
    p.add_argument("--remote", type=float, default=0.25)
    p.add_argument("--lookahead", type=float, default=0.1)
    p.add_argument("--mean", type=float, default=1.0)
    p.add_argument("--end", type=float, default=100.0)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args(argv)
    if a.lps < 1 or not 0.0 <= a.remote <= 1.0 or not 0.0 <= a.lookahead < a.mean:
        p.error("need --lps >= 1, 0 <= --remote <= 1 and 0 <= --lookahead < --mean")
    names = list(VARIANTS) if a.variant == "both" else [a.variant]
    for name in names:
        start = time.perf_counter()
        events = VARIANTS[name](
            a.lps, a.events_per_lp, a.remote, a.lookahead, a.mean, a.end, a.seed
        )
        wall = time.perf_counter() - start
        line = {"variant": name, "events": events, "wall_s": wall, "events_per_s": events / wall}
        print(json.dumps(line), flush=True)
        expected = a.lps * a.events_per_lp * a.end / a.mean
        print(
            f"phold_simpy {name}: {events} events (expected ~ {expected:.0f}) "
            f"in {wall:.3f} s, simpy {simpy.__version__}",
            file=sys.stderr,
        )


if __name__ == "__main__":
    main()
