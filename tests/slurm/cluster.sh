#!/bin/bash
# A throw-away single-node SLURM cluster on localhost for the tests (hpc-conventions.md §5.3):
# munged, slurmctld and slurmd started as root by hand (no init system), non-default ports
# picked at random among free ones, every file (config, keys, sockets, state, spool, logs) in
# one temporary folder, so several checkouts on one machine can test at the same time.
#
# Sourced by run.sh. Functions:
#   slurm_cluster_start DIR  start the daemons, wait until the node is idle; returns 77 (skip)
#                            with a message when this machine cannot run them
#   slurm_cluster_stop       cancel every job of the cluster, stop the daemons (idempotent)
#   slurm_wait_gone JOB SECS wait until a job (all its array tasks) left the queue
#   slurm_job_field JOB KEY  one field of `scontrol show job` (e.g. JobState, ExitCode)

SLURM_SKIP=77

slurm_log() { printf '[slurm-harness] %s\n' "$*" >&2; }

# A TCP port nobody listens on, in [20000, 60000).
slurm_free_port() {
  local p used
  used=$(ss -Htln 2>/dev/null | awk '{print $4}' | sed 's/.*://')
  for _ in $(seq 1 200); do
    p=$((20000 + RANDOM % 40000))
    if ! grep -qx "$p" <<<"$used" && [[ "$p" != "${SLURM_CTLD_PORT:-}" ]]; then
      echo "$p"
      return 0
    fi
  done
  return 1
}

slurm_cluster_start() {
  local dir=$1
  export SLURM_TEST_HOME=$dir
  local tool
  for tool in munged slurmctld slurmd sbatch squeue scontrol scancel sinfo srun ss; do
    if ! command -v "$tool" >/dev/null 2>&1 && [[ ! -x /usr/sbin/$tool ]]; then
      slurm_log "SKIP: '$tool' is not installed (run 'make deps': Debian slurm-wlm, munge)"
      return "$SLURM_SKIP"
    fi
  done
  if [[ $(id -u) -ne 0 ]]; then
    slurm_log "SKIP: the test cluster runs its daemons as root; this user is $(id -un)"
    return "$SLURM_SKIP"
  fi
  mkdir -p "$dir"/{munge,state,spool,log,jobs}
  chmod 700 "$dir/munge"
  chmod 755 "$dir"

  # munge: an own key, socket and daemon, so a site munged (or another test) is left alone.
  if ! dd if=/dev/urandom of="$dir/munge/key" bs=1 count=1024 status=none; then
    slurm_log "SKIP: cannot create a munge key"
    return "$SLURM_SKIP"
  fi
  chmod 400 "$dir/munge/key"
  # munged checks that every folder above its socket is reachable (execute bit for all).
  if ! /usr/sbin/munged --force --socket="$dir/munge/socket" --key-file="$dir/munge/key" \
    --log-file="$dir/log/munged.log" --pid-file="$dir/munge/munged.pid" \
    --seed-file="$dir/munge/seed" 2>"$dir/log/munged.err"; then
    slurm_log "SKIP: munged does not start here:"
    cat "$dir/log/munged.err" "$dir/log/munged.log" >&2 2>/dev/null
    return "$SLURM_SKIP"
  fi

  SLURM_CTLD_PORT=$(slurm_free_port) || return "$SLURM_SKIP"
  SLURM_D_PORT=$(slurm_free_port) || return "$SLURM_SKIP"
  local cpus first_job
  cpus=$(nproc)
  # Job ids (and so PMIx step directories) differ between concurrent test clusters.
  first_job=$((1000 + RANDOM % 30000 * 100))
  mkdir -p "$dir/pmix"
  # PMIx's per-step client folders (default /tmp/spmix_appdir_<uid>_<job>.<step>) go here too.
  echo "PMIxCliTmpDirBase=$dir/pmix" >"$dir/mpi.conf"
  cat >"$dir/slurm.conf" <<EOF
ClusterName=streamtest
SlurmctldHost=localhost
SlurmctldPort=$SLURM_CTLD_PORT
SlurmdPort=$SLURM_D_PORT
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/socket
SlurmUser=root
SlurmdUser=root
ProctrackType=proctrack/linuxproc
TaskPlugin=task/affinity
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
MpiDefault=none
JobRequeue=1
ReturnToService=2
KillWait=5
MinJobAge=600
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmdSpoolDir=$dir/spool
StateSaveLocation=$dir/state
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
FirstJobId=$first_job
JobCompType=jobcomp/filetxt
JobCompLoc=$dir/log/jobcomp.txt
NodeName=localhost CPUs=$cpus RealMemory=1000 State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
  export SLURM_CONF=$dir/slurm.conf
  # Never let a user's or site's defaults leak into the test jobs.
  unset SBATCH_ACCOUNT SBATCH_PARTITION SBATCH_QOS SLURM_JOB_ID SLURM_JOBID

  if ! slurmctld -f "$SLURM_CONF" -i 2>"$dir/log/slurmctld.err"; then
    slurm_log "SKIP: slurmctld cannot start on this machine:"
    tail -n 20 "$dir/log/slurmctld.err" "$dir/log/slurmctld.log" >&2 2>/dev/null
    return "$SLURM_SKIP"
  fi
  if ! slurmd -f "$SLURM_CONF" -N localhost 2>"$dir/log/slurmd.err"; then
    slurm_log "SKIP: slurmd cannot start on this machine:"
    tail -n 20 "$dir/log/slurmd.err" "$dir/log/slurmd.log" >&2 2>/dev/null
    return "$SLURM_SKIP"
  fi
  local state="" i
  for i in $(seq 1 120); do
    state=$(sinfo -h -n localhost -o %t 2>/dev/null | head -n1)
    [[ $state == idle ]] && break
    sleep 0.5
  done
  if [[ $state != idle ]]; then
    slurm_log "SKIP: the node did not become idle within 60 s (state '$state'):"
    tail -n 20 "$dir/log/slurmctld.log" "$dir/log/slurmd.log" >&2 2>/dev/null
    return "$SLURM_SKIP"
  fi
  slurm_log "cluster up after $((i / 2)) s: slurmctld port $SLURM_CTLD_PORT, slurmd port" \
    "$SLURM_D_PORT, $cpus CPUs, state in $dir"
  return 0
}

slurm_pid_stop() {
  local pidfile=$1 pid i
  [[ -f $pidfile ]] || return 0
  pid=$(cat "$pidfile" 2>/dev/null)
  [[ -n $pid ]] || return 0
  kill "$pid" 2>/dev/null || return 0
  for i in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.2
  done
  kill -9 "$pid" 2>/dev/null
  return 0
}

slurm_cluster_stop() {
  local dir=${SLURM_TEST_HOME:-}
  [[ -n $dir && -d $dir ]] || return 0
  if [[ -f $dir/slurmctld.pid ]] && kill -0 "$(cat "$dir/slurmctld.pid")" 2>/dev/null; then
    scancel --full --quiet --user=root 2>/dev/null
    local i
    for i in $(seq 1 30); do
      [[ -z $(squeue -h -o %i 2>/dev/null) ]] && break
      sleep 0.5
    done
  fi
  slurm_pid_stop "$dir/slurmd.pid"
  slurm_pid_stop "$dir/slurmctld.pid"
  slurm_pid_stop "$dir/munge/munged.pid"
  rm -f "$dir/slurmd.pid" "$dir/slurmctld.pid" "$dir/munge/munged.pid"
}

slurm_job_field() {
  scontrol show job "$1" 2>/dev/null | tr ' ' '\n' | sed -n "s/^$2=//p" | head -n1
}

# Waits until no task of JOB is pending or running any more; 1 on timeout.
slurm_wait_gone() {
  local job=$1 secs=$2 i
  for i in $(seq 1 $((secs * 2))); do
    if [[ -z $(squeue -h -j "$job" -t PD,R,CG,CF,RQ,RS,S 2>/dev/null) ]]; then
      return 0
    fi
    sleep 0.5
  done
  slurm_log "job $job still queued after $secs s:"
  squeue -j "$job" >&2
  return 1
}
