#!/usr/bin/env bash
# Single-node REAL Slurm for CI: Debian 12 packages (slurm-wlm 22.05.8), as root, no systemd.
# The project's copy of ../shared/recipes/slurm-single-node.sh; changes: SLURM_CI_MEM (the node's
# RealMemory, MB, default 16000: shards ask for their memory).
# Measured on a 2-core Debian 12 machine of the kind CI runs on (cgroup v1, no systemd), 2026-12-03.
#
#   bash slurm-single-node.sh start             # install if missing, configure, start, wait for the node to be idle
#   bash slurm-single-node.sh start --accounting # also MariaDB + slurmdbd, so `sacct` works (submitit needs it to see dead jobs)
#   bash slurm-single-node.sh selftest          # array %4, fake-GPU job, scancel, requeue, sacct
#   bash slurm-single-node.sh stop              # cancel jobs, stop every daemon this script started (by PID)
#
# Measured: packages absent -> 'start' 15.3 s (apt 14.0 s), 'start --accounting'
#   35.3 s (apt 30.0 s, daemons 5.1 s); packages present -> 0.5 s / 2.0-2.9 s; 'stop' 2-5 s; 'selftest' ~15 s.
#   Not counted: 'apt-get update' (1.9 s here, lists already fresh; longer on a machine with stale lists).
# In a CI script (root), e.g. the project's own copy of this recipe:
#   bash slurm-single-node.sh start --accounting   # accounting: submitit sees cancelled / dead jobs
#   trap 'bash slurm-single-node.sh stop' EXIT
#   then the tests submit with submitit.AutoExecutor(folder, cluster="slurm") to partition "debug"
# The machine had no systemd (PID 1 is not init) and a Docker-style /usr/sbin/policy-rc.d that stops
# apt from starting services, so every daemon is started here by hand.
# Knobs (environment):
#   SLURM_CI_CPUS   CPUs to declare for the node (default: nproc). More than the real count is allowed
#                   (SlurmdParameters=config_overrides), e.g. 8 to run 4 array tasks at once on 2 cores.
#   SLURM_CI_GPUS   fake GPUs (default 4): gres gpu:N backed by symlinks to /dev/null;
#                   `--gres=gpu:1` / `--gpus-per-node=1` then set CUDA_VISIBLE_DEVICES=0..N-1.
#   SLURM_CI_ACCOUNTING=1  same as --accounting.
#   SLURM_CI_APT_UPDATE=0  skip 'apt-get update' (when the caller already ran it).
# All traffic stays on 127.0.0.1 (SlurmctldHost=<host>(127.0.0.1), NodeAddr=127.0.0.1, MariaDB --skip-networking).
# The daemons still *listen* on 0.0.0.0:6817/6818/6819 (Slurm 22.05 has no bind-address knob for them).
set -euo pipefail

CMD=${1:-start}
ACCT=${SLURM_CI_ACCOUNTING:-0}
[ "${2:-}" = "--accounting" ] && ACCT=1
H=$(hostname -s)
CPUS=${SLURM_CI_CPUS:-$(nproc)}
NGPU=${SLURM_CI_GPUS:-4}
MEM=${SLURM_CI_MEM:-16000}
FAKEGPU=/var/lib/slurm-ci/fakegpu
LOG=/var/log/slurm
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.2f", b-a}'; }
wait_pids_gone() { # pids... ; bounded 40 s
    local i p alive
    for i in $(seq 1 400); do
        alive=0; for p in "$@"; do kill -0 "$p" 2>/dev/null && alive=1; done
        [ $alive = 0 ] && return 0; sleep 0.1
    done
    echo "still alive after 40 s: $*" >&2; return 1
}

install_pkgs() {
    local pkgs="slurmctld slurmd slurm-client munge"
    [ "$ACCT" = 1 ] && pkgs="$pkgs slurmdbd mariadb-server"
    local missing=""
    for p in $pkgs; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"; done
    [ -z "$missing" ] && return 0
    local t0; t0=$(now)
    [ "${SLURM_CI_APT_UPDATE:-1}" = 1 ] && apt-get update -qq   # skip (=0) when .ci/run already ran it
    # postinst scripts try to start the services; without systemd, policy-rc.d denies that (harmless).
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/tmp/slurm-ci-apt.log 2>&1 \
        || { tail -20 /tmp/slurm-ci-apt.log; exit 1; }
    echo "slurm-ci: apt install of$missing took $(since "$t0") s"
}

start_munge() {
    # Debian's munge postinst already made /etc/munge/munge.key (munge:munge 0600); make one if it is missing.
    if [ ! -s /etc/munge/munge.key ]; then
        mungekey --create --keyfile=/etc/munge/munge.key 2>/dev/null || dd if=/dev/urandom of=/etc/munge/munge.key bs=1 count=128 status=none
        chown munge:munge /etc/munge/munge.key; chmod 0600 /etc/munge/munge.key
    fi
    # systemd's RuntimeDirectory= normally creates /run/munge; munged refuses to run as root by default.
    install -d -o munge -g munge -m 0755 /run/munge
    if ! { [ -s /run/munge/munged.pid ] && kill -0 "$(cat /run/munge/munged.pid)" 2>/dev/null; }; then
        runuser -u munge -- /usr/sbin/munged
    fi
    local i; for i in $(seq 1 50); do munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && return 0; sleep 0.1; done
    echo "slurm-ci: munged did not come up" >&2; exit 1
}

start_mariadb_slurmdbd() {
    install -d -o mysql -g mysql -m 0755 /run/mysqld /var/log/mysql
    if ! mariadb-admin --socket=/run/mysqld/mysqld.sock ping >/dev/null 2>&1; then
        # socket only: no TCP listener at all
        /usr/sbin/mariadbd --user=mysql --skip-networking --pid-file=/run/mysqld/mysqld.pid \
            --socket=/run/mysqld/mysqld.sock --log-error=/var/log/mysql/slurm-ci.err >/dev/null 2>&1 &
        disown || true
        local i; for i in $(seq 1 300); do mariadb-admin --socket=/run/mysqld/mysqld.sock ping >/dev/null 2>&1 && break; sleep 0.1; done
    fi
    mariadb --socket=/run/mysqld/mysqld.sock -e "CREATE USER IF NOT EXISTS 'slurm'@'localhost' IDENTIFIED BY 'slurm-ci';
        GRANT ALL ON slurm_acct_db.* TO 'slurm'@'localhost';"
    cat > /etc/slurm/slurmdbd.conf <<EOF
AuthType=auth/munge
DbdHost=localhost
DbdAddr=127.0.0.1
SlurmUser=root
PidFile=/run/slurmdbd.pid
LogFile=$LOG/slurmdbd.log
StorageType=accounting_storage/mysql
StorageHost=localhost
StorageUser=slurm
StoragePass=slurm-ci
StorageLoc=slurm_acct_db
EOF
    chmod 0600 /etc/slurm/slurmdbd.conf   # slurmdbd refuses a config readable by others
    if ! { [ -s /run/slurmdbd.pid ] && kill -0 "$(cat /run/slurmdbd.pid)" 2>/dev/null; }; then slurmdbd; fi
    # slurmdbd answers once its tables exist (~0.3 s on an empty database); sacctmgr reads slurm.conf (written first)
    local i; for i in $(seq 1 100); do sacctmgr -n list cluster >/dev/null 2>&1 && return 0; sleep 0.1; done
    echo "slurm-ci: slurmdbd did not come up"; tail -20 $LOG/slurmdbd.log; exit 1
}

write_conf() {
    install -d -m 0755 "$FAKEGPU" /var/spool/slurmctld /var/spool/slurmd $LOG
    local i gres_line="" gres_types=""
    if [ "$NGPU" -gt 0 ]; then
        # gres.conf File= must exist (slurmd waits 20 s then dies on a missing one); /dev/null symlinks do.
        # Count-only "Name=gpu Count=4" is NOT enough: the node registers 0 gpus and goes INVAL.
        for i in $(seq 0 $((NGPU - 1))); do ln -sfn /dev/null "$FAKEGPU/nvidia$i"; done
        gres_line=" Gres=gpu:$NGPU"; gres_types="GresTypes=gpu"
        printf 'AutoDetect=off\nName=gpu File=%s/nvidia[0-%d]\n' "$FAKEGPU" $((NGPU - 1)) > /etc/slurm/gres.conf
    else
        rm -f /etc/slurm/gres.conf
    fi
    local acct="AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none"
    [ "$ACCT" = 1 ] && acct="AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=localhost
JobAcctGatherType=jobacct_gather/linux"
    cat > /etc/slurm/slurm.conf <<EOF
ClusterName=ci
SlurmctldHost=$H(127.0.0.1)
# root everywhere: CI runs as root, no chown of spool dirs, jobs may run as root
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
# requeued jobs wait cred_expire seconds before they may start again (default 120, minimum 5)
AuthInfo=cred_expire=5
MpiDefault=none
# no cgroups needed (proctrack/cgroup also worked on this machine's cgroup v1, but is one more thing to break)
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
ReturnToService=2
KillWait=5
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmdSpoolDir=/var/spool/slurmd
StateSaveLocation=/var/spool/slurmctld
SchedulerType=sched/backfill
# defaults: batch jobs wait up to 3 s, requeued/held jobs wait for the 60 s main loop or 30 s backfill
SchedulerParameters=batch_sched_delay=0,sched_interval=1,bf_interval=1
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
# lets the node declare more CPUs than the machine has (testing only)
SlurmdParameters=config_overrides
$gres_types
$acct
# completion log: 'sacct -c' reads it even without slurmdbd
JobCompType=jobcomp/filetxt
JobCompLoc=$LOG/jobcomp.log
SlurmctldDebug=info
SlurmctldLogFile=$LOG/slurmctld.log
SlurmdDebug=info
SlurmdLogFile=$LOG/slurmd.log
NodeName=$H NodeAddr=127.0.0.1 CPUs=$CPUS RealMemory=$MEM$gres_line State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
}

start() {
    local t0 t1; t0=$(now)
    install_pkgs
    t1=$(now)
    if [ -s /run/slurmctld.pid ] && kill -0 "$(cat /run/slurmctld.pid)" 2>/dev/null; then
        echo "slurm-ci: already running"; return 0
    fi
    write_conf
    # fresh controller state: job ids restart at 1 and no DRAIN/INVAL reason survives from an earlier run
    rm -rf /var/spool/slurmctld/* /var/spool/slurmd/*
    rm -f $LOG/slurmctld.log $LOG/slurmd.log $LOG/slurmdbd.log $LOG/jobcomp.log
    start_munge
    local tm; tm=$(now)
    [ "$ACCT" = 1 ] && { start_mariadb_slurmdbd; echo "slurm-ci: mariadb + slurmdbd up in $(since "$tm") s"; }
    tm=$(now)
    slurmctld
    slurmd
    local i st=""
    for i in $(seq 1 300); do
        st=$(sinfo -h -o %t 2>/dev/null || true)
        [ "$st" = idle ] && break; sleep 0.1
    done
    if [ "$st" != idle ]; then
        echo "slurm-ci: node state '$st' after 30 s"; sinfo -R || true
        tail -20 $LOG/slurmctld.log $LOG/slurmd.log; exit 1
    fi
    echo "slurm-ci: up (node $H, CPUs=$CPUS, gpu=$NGPU, accounting=$ACCT): slurmctld+slurmd idle in $(since "$tm") s, all daemons $(since "$t1") s, total $(since "$t0") s"
}

stop() {
    local t0 pids="" f; t0=$(now)
    for f in /run/slurmctld.pid /run/slurmd.pid; do [ -s $f ] && pids="$pids $(cat $f)"; done   # shutdown deletes these files
    if [ -n "$pids" ]; then
        scancel --quiet --full --user=root 2>/dev/null || true
        local i; for i in $(seq 1 100); do [ -z "$(squeue -h 2>/dev/null)" ] && break; sleep 0.2; done
        scontrol shutdown >/dev/null 2>&1 || true   # stops slurmctld and every slurmd
        # shellcheck disable=SC2086
        wait_pids_gone $pids || { for f in $pids; do kill -9 "$f" 2>/dev/null || true; done; }
    fi
    # slurmdbd, mariadbd, munged: SIGTERM together (each takes ~2 s to exit here), then wait for all
    pids=""
    for f in /run/slurmdbd.pid /run/mysqld/mysqld.pid /run/munge/munged.pid; do
        [ -s $f ] && kill -0 "$(cat $f)" 2>/dev/null && { pids="$pids $(cat $f)"; kill "$(cat $f)" 2>/dev/null || true; }
    done
    # shellcheck disable=SC2086
    [ -n "$pids" ] && { wait_pids_gone $pids || true; }
    echo "slurm-ci: stopped in $(since "$t0") s"
}

selftest() {
    local d t0 jid i j
    d=$(mktemp -d /tmp/slurm-ci-selftest.XXXX)
    printf '#!/bin/bash\necho "task=$SLURM_ARRAY_TASK_ID cuda=${CUDA_VISIBLE_DEVICES:-none} restarts=${SLURM_RESTART_COUNT:-0}"\nsleep ${1:-1}\n' > "$d/job.sh"
    t0=$(now)
    jid=$(sbatch --parsable --array=0-7%4 -o "$d/arr_%a.out" "$d/job.sh" 1)
    for i in $(seq 1 600); do [ -z "$(squeue -h -j "$jid" 2>/dev/null)" ] && break; sleep 0.1; done
    echo "selftest: array 0-7%4 of 'sleep 1' finished in $(since "$t0") s ($(cat "$d"/arr_*.out | wc -l) outputs)"
    if [ -f /etc/slurm/gres.conf ]; then
        j=$(sbatch --parsable --gres=gpu:2 -o "$d/gpu.out" "$d/job.sh" 0)
        for i in $(seq 1 100); do [ -z "$(squeue -h -j "$j")" ] && break; sleep 0.1; done
        echo "selftest: --gres=gpu:2 -> $(cat "$d/gpu.out")"
    fi
    j=$(sbatch --parsable -o /dev/null "$d/job.sh" 60); sleep 1; scancel "$j"
    for i in $(seq 1 100); do [ -z "$(squeue -h -j "$j")" ] && break; sleep 0.1; done
    echo "selftest: scancel -> $(scontrol show job "$j" | grep -o 'JobState=[A-Z]*')"
    j=$(sbatch --parsable --requeue --open-mode=append -o "$d/rq.out" "$d/job.sh" 3)
    for i in $(seq 1 100); do [ "$(squeue -h -j "$j" -o %t)" = R ] && break; sleep 0.1; done
    t0=$(now); scontrol requeue "$j"
    for i in $(seq 1 300); do grep -q 'restarts=1' "$d/rq.out" 2>/dev/null && break; sleep 0.1; done
    echo "selftest: requeue -> running again after $(since "$t0") s: $(grep -c "restarts=" "$d/rq.out") starts logged"
    scancel "$j" || true
    if sacct -n -X -j "$jid" -o JobID,State --parsable2 >/dev/null 2>&1; then
        sleep 1; echo "selftest: sacct -> $(sacct -n -X -j "$jid" -o State --parsable2 | sort | uniq -c | tr -s ' ' | tr '\n' ' ')"
    else
        echo "selftest: sacct -> $(sacct 2>&1 | head -1) (start with --accounting for sacct)"
    fi
    rm -rf "$d"
}

case "$CMD" in
    start) start ;;
    stop) stop ;;
    selftest) selftest ;;
    *) echo "usage: $0 start [--accounting] | selftest | stop" >&2; exit 2 ;;
esac
