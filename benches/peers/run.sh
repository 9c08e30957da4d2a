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
#   RUNS         repetitions of each PHOLD run; the median events/s is compared [3]
#   PYTHON       interpreter that creates the virtual environment [python3]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
VENV="$ROOT/target/peers-venv"
PY="$VENV/bin/python"
SIMPY_VERSION="4.1.2"

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
# SupplyNetPy network (issue 6): medsupply on benches/scenarios/layered-*.toml against
# SupplyNetPy's own model of the same network. Hook for that comparison: install its packages
# in setup_venv, run both sides here and print the ratios like phold() does.
# ---------------------------------------------------------------------------------------------
supplynetpy() {
    echo "== SupplyNetPy network: not yet part of this script"
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
