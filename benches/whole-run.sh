#!/usr/bin/env bash
# The whole `medsupply run` of one large generated network, sequential against partitioned,
# alternating in one session: the "whole run" table of docs/performance.md.
#
#   benches/whole-run.sh                      # 20,000 nodes, 5 rounds
#   NODES=100000 ROUNDS=3 benches/whole-run.sh
#
# Builds the release binary, generates the network once into target/whole-run/
# (`generate --nodes NODES --regions 31 --days 365 --seed 7`), then runs each mode back to back,
# ROUNDS times:
#   sequential   run FILE --replications 1 --threads 1 --no-plots
#   partitioned  run FILE --replications 1 --threads 2 --partitions auto --no-plots
# It prints every run's wall time and the phases `run` reports (read and built, events,
# outputs written), then the medians and the ratio of the median wall times, and checks that
# the two modes wrote byte-identical outputs. A whole process is timed, so the load and the
# writing count; on a shared machine runs vary by up to a fifth, so compare medians.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
NODES="${NODES:-20000}"
ROUNDS="${ROUNDS:-5}"
DIR="$ROOT/target/whole-run"
FILE="$DIR/g$NODES.toml"
BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/medsupply"

cargo build --release --locked >&2
mkdir -p "$DIR"
if [[ ! -f "$FILE" ]]; then
    "$BIN" generate --nodes "$NODES" --regions 31 --days 365 --seed 7 --out "$FILE" >&2
fi

# One run: prints "wall load events written" (seconds).
run_once() {
    local mode=$1 out="$DIR/out-$1" log="$DIR/log-$1"
    local args=(--threads 1)
    [[ $mode == partitioned ]] && args=(--threads 2 --partitions auto)
    rm -rf "$out"
    local start end
    start=$(date +%s.%N)
    if ! "$BIN" run "$FILE" --replications 1 "${args[@]}" --no-plots --out "$out" 2> "$log" >/dev/null; then
        cat "$log" >&2
        return 1
    fi
    end=$(date +%s.%N)
    local load events written
    load=$(sed -n 's/.*read and built in \([0-9.]*\) s.*/\1/p' "$log")
    events=$(sed -n 's/.* events in \([0-9.]*\) s.*/\1/p' "$log")
    written=$(sed -n 's/^outputs written in \([0-9.]*\) s.*/\1/p' "$log")
    echo "$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }') $load $events $written"
}

median() {
    sort -n | awk '{ v[NR] = $1 } END { printf "%.2f", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

declare -A walls
printf '%-12s %5s %8s %8s %8s %8s\n' mode round wall load events written
for round in $(seq "$ROUNDS"); do
    for mode in sequential partitioned; do
        # An assignment, so that a failed run stops the script (`set -e`).
        line=$(run_once "$mode")
        read -r wall load events written <<< "$line"
        walls[$mode]+="$wall "
        printf '%-12s %5d %8.2f %8s %8s %8s\n' "$mode" "$round" "$wall" "$load" "$events" "$written"
    done
done
diff -r "$DIR/out-sequential" "$DIR/out-partitioned" >/dev/null \
    || { echo "the two modes' outputs differ" >&2; exit 1; }
seq_median=$(tr ' ' '\n' <<< "${walls[sequential]}" | grep . | median)
par_median=$(tr ' ' '\n' <<< "${walls[partitioned]}" | grep . | median)
echo "median wall: sequential ${seq_median} s, partitioned ${par_median} s," \
    "ratio $(awk -v s="$seq_median" -v p="$par_median" 'BEGIN { printf "%.2f", s / p }')x" \
    "(outputs byte-identical)"
