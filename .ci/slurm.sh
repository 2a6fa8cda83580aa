#!/usr/bin/env bash
# A single-node Slurm cluster for CI (no systemd; all state under one temp directory), then
# the tests that drive the pipeline through `-executor slurm`. The daemons are stopped by
# their PIDs when the script exits, also on failure or interrupt.
#
#   .ci/slurm.sh              run the Slurm tests of ./pipeline
#   .ci/slurm.sh CMD ARGS...  run CMD instead, with SLURM_CONF pointing at the cluster
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" != 0 ]; then
	echo "slurm.sh: needs root (it starts munged, slurmctld and slurmd)" >&2
	exit 1
fi
if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get -o DPkg::Lock::Timeout=600 update -qq
	apt-get -o DPkg::Lock::Timeout=600 install -y -qq slurm-wlm munge >/dev/null
fi

DIR=$(mktemp -d /tmp/compdiff-slurm.XXXXXX)
teardown() {
	local rc=$?
	# Only daemons this script started: their pid files are under $DIR.
	for f in "$DIR/slurmd.pid" "$DIR/slurmctld.pid" "$DIR/munged.pid"; do
		[ -s "$f" ] || continue
		pid=$(cat "$f")
		kill "$pid" 2>/dev/null || continue
		for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$pid" 2>/dev/null || true
	done
	if [ $rc != 0 ]; then
		echo "slurm.sh: failed (exit $rc); daemon logs:" >&2
		tail -n 30 "$DIR"/log/*.log >&2 || true
	fi
	rm -rf "$DIR"
	exit $rc
}
trap teardown EXIT
trap 'exit 130' INT TERM

host=$(hostname -s)
hw=$(slurmd -C | head -1 | sed -e 's/^NodeName=[^ ]* //' -e 's/ RealMemory=[0-9]*//')
mem=$(($(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 512))
mkdir -p "$DIR/state" "$DIR/spool/slurmd-$host" "$DIR/log"
export SLURM_CONF=$DIR/slurm.conf
cat >"$SLURM_CONF" <<EOF
ClusterName=ci
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool/slurmd-%n
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/affinity
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$DIR/log/jobcomp.txt
MailProg=/bin/true
MpiDefault=none
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
NodeName=$host NodeAddr=127.0.0.1 $hw RealMemory=$mem State=UNKNOWN
PartitionName=ci Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF

if pgrep -x munged >/dev/null || pgrep -x slurmctld >/dev/null || pgrep -x slurmd >/dev/null; then
	echo "slurm.sh: munged, slurmctld or slurmd is already running here; stop it first" >&2
	exit 1
fi
install -d -o munge -g munge -m 0755 /run/munge
runuser -u munge -- /usr/sbin/munged
cp /run/munge/munged.pid "$DIR/munged.pid"
/usr/sbin/slurmctld -c
/usr/sbin/slurmd
for _ in $(seq 150); do
	[ "$(sinfo -h -o %T 2>/dev/null)" = idle ] && break
	sleep 0.2
done
if [ "$(sinfo -h -o %T 2>/dev/null)" != idle ]; then
	echo "slurm.sh: the node did not become idle: $(sinfo -h -o '%T %E' 2>&1)" >&2
	exit 1
fi
echo "slurm.sh: single-node cluster up ($host, $hw)"

if [ $# -gt 0 ]; then
	"$@"
else
	# COMPDIFF_SLURM_REQUIRED turns the tests' skip (no reachable Slurm) into a failure.
	COMPDIFF_SLURM_REQUIRED=1 go test -count=1 -run Slurm ./pipeline/ ./pipeline/slurm/
fi
