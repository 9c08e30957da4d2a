#!/usr/bin/env bash
# A real Slurm test: start a one-node Slurm cluster on loopback, submit the script
# `medsupply slurm` prints (a 4-shard job array plus a merge that depends on it), and check that
# the merged output is byte-identical to the same study run locally.
#
# Usage: tests/slurm/run.sh [path/to/medsupply]    (run as root; installs Debian's Slurm)
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=$(realpath "${1:-target/release/medsupply}")
[ -x "$BIN" ] || { echo "build first: cargo build --release --locked" >&2; exit 1; }

if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y slurmctld slurmd slurm-client munge >/dev/null
fi

WORK=$(mktemp -d /tmp/medsupply-slurm.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 1
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

# slurmctld dies with "Address family not supported" when 127.0.0.1 is the only IPv4 address.
if [ "$(ip -4 -o addr show 2>/dev/null | wc -l)" -le 1 ]; then
  ip addr add 127.0.0.2/8 dev lo 2>/dev/null || true
fi

# munge, started by hand (no systemd), as the munge user.
mkdir -p /etc/munge /var/log/munge /var/lib/munge /run/munge
[ -s /etc/munge/munge.key ] || dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key 2>/dev/null
chown -R munge:munge /etc/munge /var/log/munge /var/lib/munge /run/munge
chmod 700 /etc/munge && chmod 400 /etc/munge/munge.key
runuser -u munge -- /usr/sbin/munged --pid-file "/run/munge/munged.pid" --force
sleep 1
PIDS+=("$(cat /run/munge/munged.pid)")

HOST=$(hostname -s)
NODE_LINE=$(slurmd -C | head -1)       # NodeName=<host> CPUs=... RealMemory=...
mkdir -p "$WORK/state" "$WORK/spool" "$WORK/log"
cat > "$WORK/slurm.conf" <<CONF
ClusterName=medsupply-test
SlurmctldHost=$HOST
SlurmUser=root
AuthType=auth/munge
StateSaveLocation=$WORK/state
SlurmdSpoolDir=$WORK/spool
SlurmctldPidFile=$WORK/slurmctld.pid
SlurmdPidFile=$WORK/slurmd.pid
SlurmctldLogFile=$WORK/log/slurmctld.log
SlurmdLogFile=$WORK/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
MpiDefault=none
ReturnToService=2
SchedulerType=sched/backfill
$NODE_LINE State=UNKNOWN
PartitionName=test Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$WORK/slurm.conf"
slurmctld -D -f "$SLURM_CONF" > "$WORK/log/slurmctld.out" 2>&1 &
PIDS+=($!)
slurmd -D -f "$SLURM_CONF" > "$WORK/log/slurmd.out" 2>&1 &
PIDS+=($!)

for _ in $(seq 60); do
  sinfo -h -o %T 2>/dev/null | grep -qE '^(idle|mixed)' && break
  sleep 1
done
sinfo -h -o %T | grep -qE '^(idle|mixed)' || { echo "Slurm did not come up"; cat "$WORK"/log/*; exit 1; }

SCENARIO=scenarios/minimal.toml
ARGS=(--replications 8 --all-variants)
"$BIN" slurm "$SCENARIO" --shards 4 --cpus-per-task 1 --out "$WORK/study" "${ARGS[@]}" > "$WORK/submit.sh"
bash "$WORK/submit.sh" | tee "$WORK/submit.out"
MERGE=$(sed -n 's/.*the merge as job \([0-9]*\).*/\1/p' "$WORK/submit.out")

# Wait for the merge job to leave the queue.
for _ in $(seq 300); do
  squeue -h -j "$MERGE" 2>/dev/null | grep -q . || break
  sleep 1
done
[ -f "$WORK/study/minimal/base/summary.json" ] || { echo "merge produced nothing"; tail -n 50 "$WORK"/study/logs/* "$WORK"/log/*; exit 1; }

"$BIN" run "$SCENARIO" --out "$WORK/local" --quiet "${ARGS[@]}"
diff -r "$WORK/local/minimal" "$WORK/study/minimal"
echo "slurm: 4-shard array + merge is byte-identical to the local run"
rm -rf "$WORK"
