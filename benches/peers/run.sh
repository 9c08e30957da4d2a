#!/usr/bin/env bash
# Side-by-side benchmarks of medsupply against its Python peers, in one session.
#
#   benches/peers/run.sh            # everything
#   benches/peers/run.sh phold      # one section (phold | supplynetpy)
#
# Creates (once) a virtual environment in target/peers-venv with the peers' pip packages, runs
# each comparison with the same parameters on both sides, and prints the JSON lines and the
# speed ratios. Environment overrides (defaults in brackets):
#   PHOLD_ARGS   PHOLD parameters for both sides
#                [--lps 1024 --events-per-lp 16 --remote 0.25 --lookahead 0.1 --mean 1.0 --seed 1]
#   PHOLD_END    simulated end time for medsupply [100]
#   SIMPY_END    simulated end time for SimPy, shorter because it is slow; the comparison is
#                of events per second, which does not depend on it [20]
#   RUNS         repetitions of each PHOLD run and of each medsupply layered run; the medians
#                are compared [3]
#   LAYERED_REPS replications (seeds) of the N=50 layered network on each side [30]
#   LAYERED_BIG  also run the N=2000 layered network, 1 replication per side (1) or not (0) [1]
#   PYTHON       interpreter that creates the virtual environment [python3]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
VENV="$ROOT/target/peers-venv"
PY="$VENV/bin/python"
SIMPY_VERSION="4.1.2"
SUPPLYNETPY_VERSION="0.5.1"

PHOLD_ARGS="${PHOLD_ARGS:---lps 1024 --events-per-lp 16 --remote 0.25 --lookahead 0.1 --mean 1.0 --seed 1}"
PHOLD_END="${PHOLD_END:-100}"
SIMPY_END="${SIMPY_END:-20}"
RUNS="${RUNS:-3}"

# The virtual environment with the peers' packages (add a package here when a section needs it).
setup_venv() {
    if [[ ! -x "$PY" ]]; then
        echo "== creating $VENV" >&2
        "${PYTHON:-python3}" -m venv "$VENV"
    fi
    if ! "$PY" -c "import simpy, sys; sys.exit(simpy.__version__ != '$SIMPY_VERSION')" 2>/dev/null; then
        "$PY" -m pip install --quiet --disable-pip-version-check "simpy==$SIMPY_VERSION"
    fi
    if ! "$PY" -c "import importlib.metadata as m, sys; sys.exit(m.version('supplynetpy') != '$SUPPLYNETPY_VERSION')" 2>/dev/null; then
        "$PY" -m pip install --quiet --disable-pip-version-check "supplynetpy==$SUPPLYNETPY_VERSION" "simpy==$SIMPY_VERSION"
    fi
}

# Median of the "events_per_s" field of JSON lines on stdin (optionally only one "variant").
median_rate() {
    "$PY" -c '
import json, statistics, sys
variant = sys.argv[1] if len(sys.argv) > 1 else None
rates = [json.loads(l)["events_per_s"] for l in sys.stdin if l.startswith("{")
         and (variant is None or json.loads(l).get("variant") == variant)]
print(statistics.median(rates))' "$@"
}

# ---------------------------------------------------------------------------------------------
# PHOLD: medsupply's event engine (benches/phold.rs) against SimPy (benches/peers/phold_simpy.py)
# ---------------------------------------------------------------------------------------------
phold() {
    echo "== PHOLD: $PHOLD_ARGS; medsupply --end $PHOLD_END, SimPy --end $SIMPY_END; median of $RUNS runs"
    cargo bench --locked --quiet --bench phold --no-run
    local ours="" simpy=""
    # Interleaved, so that both sides see the same machine load.
    for _ in $(seq "$RUNS"); do
        # shellcheck disable=SC2086
        ours+="$(cargo bench --locked --quiet --bench phold -- $PHOLD_ARGS --end "$PHOLD_END")"$'\n'
        # shellcheck disable=SC2086
        simpy+="$("$PY" benches/peers/phold_simpy.py --variant both $PHOLD_ARGS --end "$SIMPY_END")"$'\n'
    done
    printf '%s' "$ours" | sed 's/^/medsupply   /'
    printf '%s' "$simpy" | sed 's/^/simpy       /'
    local r_ours r_process r_raw
    r_ours="$(printf '%s' "$ours" | median_rate)"
    r_process="$(printf '%s' "$simpy" | median_rate process)"
    r_raw="$(printf '%s' "$simpy" | median_rate raw)"
    "$PY" - "$r_ours" "$r_process" "$r_raw" <<'EOF'
import sys
ours, process, raw = map(float, sys.argv[1:])
print(f"PHOLD events/s (median): medsupply {ours:,.0f}; SimPy processes {process:,.0f}; "
      f"SimPy raw events {raw:,.0f}")
print(f"PHOLD ratio: medsupply / SimPy processes = {ours / process:.1f}x; "
      f"medsupply / SimPy raw events (fastest SimPy) = {ours / raw:.1f}x")
EOF
}

# ---------------------------------------------------------------------------------------------
# SupplyNetPy's layered network (issue 6): medsupply on benches/scenarios/layered-*.toml against
# SupplyNetPy's own model of the same network (benches/peers/layered_supplynetpy.py). Wall time
# and peak memory (/usr/bin/time -v) of each whole process, SupplyNetPy's simulate calls alone,
# and the agreement check: share of customer orders filled and mean stock per node of each
# echelon, with 95 % CIs over replications.
# ---------------------------------------------------------------------------------------------
LAYERED_REPS="${LAYERED_REPS:-30}"
LAYERED_BIG="${LAYERED_BIG:-1}"

# Runs a command under /usr/bin/time -v with its stdout on fd 4; prints
# "<wall seconds> <max RSS MB>" on fd 3. The wall time is taken with the nanosecond clock:
# /usr/bin/time's own is in hundredths, too coarse for a run of a few hundredths.
timed() {
    local log t0 t1
    log="$(mktemp)"
    t0="$(date +%s%N)"
    /usr/bin/time -v "$@" 2>"$log" >&4 || { cat "$log" >&2; return 1; }
    t1="$(date +%s%N)"
    awk -v ns="$((t1 - t0))" -F': ' '/Maximum resident set size/ { rss = $2 / 1024 }
                END { printf "%.4f %.1f\n", ns / 1e9, rss }' "$log" >&3
    rm -f "$log"
}

# `timed`, RUNS times: prints the median wall time and the largest peak memory on fd 3.
timed_median() {
    local i out=""
    for ((i = 0; i < RUNS; i++)); do
        out+="$(timed "$@" 3>&1)"$'\n'
    done
    printf '%s' "$out" | "$PY" -c 'import statistics, sys
rows = [tuple(map(float, l.split())) for l in sys.stdin if l.strip()]
print(f"{statistics.median(w for w, _ in rows):.4f} {max(r for _, r in rows):.1f}")' >&3
}

# medsupply's per-replication figures (customer_orders.csv, national rows) as JSON lines.
medsupply_rows() {
    "$PY" - "$1" <<'PYEOF'
import csv, json, sys
for r in csv.DictReader(open(sys.argv[1])):
    if r["region"] != "national":
        continue
    print(json.dumps({"tool": "medsupply", "seed": int(r["replication"]),
                      "orders": int(r["orders"]), "orders_filled": int(r["orders_filled"]),
                      "filled_share": float(r["filled_share"]),
                      "mean_stock": {"manufacturer": float(r["mean_stock_per_factory"]),
                                     "distributor": float(r["mean_stock_per_warehouse"]),
                                     "retailer": float(r["mean_stock_per_hospital"])}}))
PYEOF
}

# Side-by-side table with 95 % CIs (Student t); they agree when each CI overlaps the other and
# the Welch 95 % CI of the difference holds 0.
agreement() {
    "$PY" - "$1" "$2" <<'PYEOF'
import json, math, sys
from statistics import mean, stdev
def load(path):
    return [json.loads(l) for l in open(path) if l.startswith("{")]
ours, theirs = load(sys.argv[1]), load(sys.argv[2])
T = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262,
     10: 2.228, 14: 2.145, 19: 2.093, 29: 2.045, 60: 2.000}
def t(df):
    return T[max(k for k in T if k <= df)]
def ci(xs):
    m = mean(xs)
    if len(xs) < 2:
        return m, float("nan"), float("nan"), 0.0
    v = stdev(xs) ** 2 / len(xs)
    h = t(len(xs) - 1) * math.sqrt(v)
    return m, m - h, m + h, v
metrics = [("share of customer orders filled", lambda r: r["filled_share"])] + [
    (f"mean stock per {e}", (lambda e: lambda r: r["mean_stock"][e])(e))
    for e in ("manufacturer", "distributor", "retailer")]
print(f"{'':34} {'medsupply [95 % CI]':>32} {'SupplyNetPy [95 % CI]':>32}  agree")
ok = True
for name, f in metrics:
    a, b = [f(r) for r in ours], [f(r) for r in theirs]
    ma, la, ha, va = ci(a)
    mb, lb, hb, vb = ci(b)
    if len(a) > 1 and len(b) > 1:
        if va + vb > 0:
            dfw = (va + vb) ** 2 / (va ** 2 / (len(a) - 1) + vb ** 2 / (len(b) - 1))
        else:
            dfw = 1
        h = t(max(1, int(dfw))) * math.sqrt(va + vb)
        agree = la <= hb and lb <= ha and abs(ma - mb) <= h + 1e-12
        verdict = "yes" if agree else "NO"
        ok = ok and agree
    else:
        verdict = "n/a (1 replication)"
    print(f"{name:34} {ma:10.4f} [{la:9.4f}, {ha:9.4f}] {mb:10.4f} [{lb:9.4f}, {hb:9.4f}]  {verdict}")
print("agreement:", "all within CIs" if ok else "DIFFERENT")
PYEOF
}

layered_one() {
    local n="$1" reps="$2" dir ours_t theirs_t
    dir="$(mktemp -d)"
    echo "== SupplyNetPy layered network N=$n, 500 days, $reps replication(s) per side"
    [[ -f "benches/scenarios/layered-$n.toml" ]] || { echo "missing benches/scenarios/layered-$n.toml" >&2; return 1; }
    # medsupply: replications in parallel on all cores (the whole process timed, median of RUNS).
    ours_t="$(timed_median target/release/medsupply run "benches/scenarios/layered-$n.toml" --replications "$reps" \
        --no-plots --out "$dir/out" 3>&1 4>/dev/null)"
    medsupply_rows "$dir/out/layered-$n/base/customer_orders.csv" >"$dir/ours.jsonl"
    # SupplyNetPy: one process, replications one after another (seeds 0..reps-1).
    # shellcheck disable=SC2046
    theirs_t="$(timed "$PY" benches/peers/layered_supplynetpy.py --nodes "$n" --days 500 \
        --seeds $(seq 0 $((reps - 1))) 3>&1 4>"$dir/theirs.jsonl")"
    sed 's/^/medsupply   /' "$dir/ours.jsonl"
    sed 's/^/supplynetpy /' "$dir/theirs.jsonl"
    "$PY" - "$ours_t" "$theirs_t" "$dir/theirs.jsonl" "$reps" "$RUNS" <<'PYEOF'
import json, sys
ow, orss = map(float, sys.argv[1].split())
tw, trss = map(float, sys.argv[2].split())
sim = sum(json.loads(l)["simulate_s"] for l in open(sys.argv[3]) if l.startswith("{"))
reps = int(sys.argv[4])
print(f"wall (whole process): medsupply {ow:.4f} s (median of {sys.argv[5]} runs), SupplyNetPy {tw:.3f} s; "
      f"SupplyNetPy simulate calls alone {sim:.3f} s ({reps} replication(s))")
print(f"peak memory (max RSS): medsupply {orss:.1f} MB, SupplyNetPy {trss:.1f} MB")
print(f"speed ratio: SupplyNetPy wall / medsupply wall = {tw / ow:.1f}x; "
      f"SupplyNetPy simulate alone / medsupply wall = {sim / ow:.1f}x")
PYEOF
    agreement "$dir/ours.jsonl" "$dir/theirs.jsonl"
    rm -rf "$dir"
}

supplynetpy() {
    cargo build --release --locked --quiet
    layered_one 50 "$LAYERED_REPS"
    if [[ "$LAYERED_BIG" == 1 ]]; then
        layered_one 2000 1
    fi
}

main() {
    local sections=("$@")
    [[ ${#sections[@]} -gt 0 ]] || sections=(phold supplynetpy)
    setup_venv
    for s in "${sections[@]}"; do
        case "$s" in
            phold | supplynetpy) "$s" ;;
            *) echo "unknown section '$s' (phold | supplynetpy)" >&2; exit 2 ;;
        esac
    done
}

main "$@"
