#!/usr/bin/env bash
# A one-node Slurm cluster on this host, for trying docs/cluster.md's job array for real
# (test/integration/slurm-shards.test.ts). Debian's slurm-wlm + munge; needs root.
#
#   scripts/slurm-local.sh start DIR   munged, slurmctld, slurmd; returns once sinfo shows
#                                      the node idle. Prints `export SLURM_CONF=DIR/slurm.conf`.
#   scripts/slurm-local.sh stop DIR    stops the daemons started in DIR (by their pid files)
#
# Everything lives in DIR (config, munge key and socket, state, logs) and the daemons use
# their own ports and socket, so a system Slurm or munge on the same machine is left alone.
# Cgroups are not used (proctrack/linuxproc, task/none): they rarely work in a container.
set -euo pipefail

cmd=${1:-}
dir=${2:-}
if [ -z "$cmd" ] || [ -z "$dir" ]; then
  echo "usage: $0 start|stop DIR" >&2
  exit 2
fi
dir=$(realpath -m "$dir")
ctld_port=${SLURM_LOCAL_PORT:-16817}
node=$(hostname -s)

fail() {
  # Name the problem, then the daemons' own last words: they say why they stopped.
  echo "slurm-local: $*" >&2
  for log in "$dir"/log/*.log; do
    [ -s "$log" ] || continue
    echo "--- $log (last 15 lines)" >&2
    tail -n 15 "$log" >&2
  done
  exit 1
}

stop_pidfile() {
  local f=$1 pid
  [ -s "$f" ] || return 0
  pid=$(cat "$f")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$f"
}

if [ "$cmd" = stop ]; then
  stop_pidfile "$dir/slurmd.pid"
  stop_pidfile "$dir/slurmctld.pid"
  stop_pidfile "$dir/munge/munged.pid"
  exit 0
fi
[ "$cmd" = start ] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }

[ "$(id -u)" = 0 ] || { echo "slurm-local: needs root (slurmd runs jobs as their user)" >&2; exit 3; }
for b in munged slurmctld slurmd sinfo sbatch; do
  command -v "$b" >/dev/null || { echo "slurm-local: $b not found: apt-get install slurm-wlm munge" >&2; exit 3; }
done

mkdir -p "$dir"/munge "$dir"/state "$dir"/spool "$dir"/log
# Clients must reach the socket in it (execute for all); the key itself stays 0400.
chmod 711 "$dir"/munge
# munged refuses a key that others can read; 1 KiB of random bytes as mungekey makes.
if [ ! -s "$dir/munge/munge.key" ]; then
  head -c 1024 /dev/urandom >"$dir/munge/munge.key"
  chmod 400 "$dir/munge/munge.key"
fi
socket="$dir/munge/munge.socket"
munged --force --socket="$socket" --key-file="$dir/munge/munge.key" \
  --pid-file="$dir/munge/munged.pid" --log-file="$dir/log/munged.log" \
  --seed-file="$dir/munge/munged.seed" || fail "munged did not start"

# The node as slurmd sees it (CPUs, sockets, cores, memory), so the node registers as valid.
hw=$(slurmd -C | head -n 1) || fail "slurmd -C failed"
case "$hw" in NodeName=*) ;; *) fail "slurmd -C printed no NodeName line: $hw" ;; esac
hw=${hw#NodeName=* }

cat >"$dir/slurm.conf" <<EOF
# written by scripts/slurm-local.sh
ClusterName=skysense-local
SlurmctldHost=$node
SlurmctldPort=$ctld_port
SlurmdPort=$((ctld_port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$socket
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
PlugStackConfig=$dir/plugstack.conf
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
MailProg=/bin/true
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
SchedulerType=sched/backfill
ReturnToService=2
NodeName=$node $hw State=UNKNOWN
PartitionName=local Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
: >"$dir/plugstack.conf"
export SLURM_CONF="$dir/slurm.conf"

slurmctld -f "$SLURM_CONF" || fail "slurmctld did not start"
slurmd -f "$SLURM_CONF" || fail "slurmd did not start"

# Up to 30 s for the node to register and become schedulable.
state=""
for _ in $(seq 60); do
  for d in slurmctld slurmd; do
    kill -0 "$(cat "$dir/$d.pid" 2>/dev/null || echo 0)" 2>/dev/null || fail "$d exited"
  done
  state=$(sinfo -h -n "$node" -o %T 2>/dev/null || true)
  [ "$state" = idle ] && break
  sleep 0.5
done
[ "$state" = idle ] || fail "node $node is '${state:-not listed}' after 30 s, not idle"
echo "export SLURM_CONF=$SLURM_CONF"
