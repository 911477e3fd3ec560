#!/usr/bin/env bash
# A one-node Slurm on localhost for the sweep's cluster test (SlurmSweepTest): munged, slurmctld and
# slurmd in the foreground under $BASE, no systemd. Needs Debian's slurmctld slurmd slurm-client munge.
#   .ci/slurm.sh start BASE     starts the daemons, waits for the node, prints SLURM_CONF=...
#   .ci/slurm.sh stop BASE      stops the daemons it started (by their pid files)
set -euo pipefail
cmd=${1:?start or stop}
BASE=${2:?base directory}

if [[ $cmd == stop ]]; then
  for f in "$BASE"/run/*.pid; do
    [[ -f $f ]] && kill "$(cat "$f")" 2>/dev/null || true
  done
  exit 0
fi

mkdir -p "$BASE"/{etc,munge,run,state,spool,log}
chmod 700 "$BASE/munge"
chmod 755 "$(dirname "$BASE")" "$BASE" "$BASE/run"   # munged wants every directory to its socket traversable
user=$(id -un)

mungekey -c -f -k "$BASE/munge/munge.key" >/dev/null 2>&1
munged -F --key-file="$BASE/munge/munge.key" --socket="$BASE/run/munge.sock" --pid-file="$BASE/run/munged.pid" \
  --seed-file="$BASE/munge/seed" --log-file="$BASE/log/munged.log" >/dev/null 2>&1 &
for _ in $(seq 1 100); do [[ -S $BASE/run/munge.sock ]] && break; sleep 0.1; done
[[ -S $BASE/run/munge.sock ]] || { echo "slurm: munged did not start" >&2; cat "$BASE/log/munged.log" >&2 || true; exit 1; }

node_line=$(slurmd -C | head -n1)          # NodeName=... CPUs=... RealMemory=... from this machine
node=$(sed -E 's/^NodeName=([^ ]+).*/\1/' <<<"$node_line")
conf="$BASE/etc/slurm.conf"
cat >"$conf" <<CONF
ClusterName=decaf-ci
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=${SLURMCTLD_PORT:-16817}
SlurmdPort=${SLURMD_PORT:-16818}
SlurmUser=$user
SlurmdUser=$user
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$BASE/run/munge.sock
StateSaveLocation=$BASE/state
SlurmdSpoolDir=$BASE/spool/slurmd-%n
SlurmctldPidFile=$BASE/run/slurmctld.pid
SlurmdPidFile=$BASE/run/slurmd.pid
SlurmctldLogFile=$BASE/log/slurmctld.log
SlurmdLogFile=$BASE/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
MailProg=/bin/true
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
SlurmdParameters=config_overrides
$node_line NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$conf
slurmctld -D -f "$conf" >"$BASE/log/slurmctld.out" 2>&1 &
slurmd -D -f "$conf" >"$BASE/log/slurmd.out" 2>&1 &
deadline=$((SECONDS + 60))
while (( SECONDS < deadline )); do
  [[ $(timeout 5 sinfo -h -n "$node" -o %t 2>/dev/null || true) == idle ]] && { echo "SLURM_CONF=$conf"; exit 0; }
  sleep 0.2
done
echo "slurm: node $node did not become idle" >&2
tail -n 20 "$BASE"/log/*.log >&2 || true
exit 1
