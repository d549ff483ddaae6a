#!/usr/bin/env bash
# scale: a tree of N services, each with a logger (2N service directories,
# about 4N processes), under our svscan and under s6-svscan, side by side.
# Prints numbers; asserts nothing.
#   BIN=bin HELPERS=build/helpers [NS="1000 3000 10000"] [SUITES="ours s6"]
#   [IDLE=30] [SECS=5] bash bench/scale.sh
# For each N and each suite:
#   up        seconds from the scanner's start until every service and every
#             logger runs its program (counted in /proc by their comm: the
#             run scripts exec copies of sleep and cat named scale-svc and
#             scale-log); for ours, svstat then confirms every one is up
#   pss       the whole tree's PSS (smaps_rollup of the scanner and all its
#             descendants, the same for both), and the supervisors' share
#             (without scale-svc and scale-log)
#   idle      the supervisors' CPU (schedstat) over IDLE s of the idle tree,
#             as % of one core
#   shutdown  TERM to the scanner until the last process of the tree is gone
#             (s6-svscan: its default SIGTERM, the same orderly teardown):
#             the scanner starts in a pids cgroup of its own (v1 or v2, when
#             root may make one) whose pids.current is polled; without one,
#             the scanner's exit and then the /proc walk every 0.25 s (40,000
#             processes make that walk a noticeable load of its own)
# and for ours only (s6 has no such operation over a whole tree, or its tool
# is one process per service):
#   svstat -j the N services, and the whole tree (2N dirs), median of 5 runs
#   svwait    `svwait -u -a` on the N services: they are taken down, svwait
#             started, svc -u sent to all; from the latest up in their
#             status files to svwait's exit
#   svweb     GET /api/services (2N rows) on one keep-alive connection for
#             SECS s (tests/helpers/httpload): p50, p99, requests a second
#
# The tree lives on tmpfs (/dev/shm). About 4N processes and 2N+ pipe ends
# in the scanner: the bench raises its own file limit (hard too, as root)
# and kernel.pid_max when it may (root), restoring pid_max at exit;
# otherwise it runs the largest N that fits, and says so. Every process is
# ended by the scanner's pid and then by its descendants' pids; every wait
# is bounded.
#
# Measured 2026-12-07, this 2-core machine quiet (hard file limit 20,000,
# not raisable here: 10,000 ran as 9,968), NS="1000 3000 10000":
#   N      up ours/s6    PSS tree ours/s6   supervisors ours/s6  TERM ours/s6
#   1,000  3.1/3.8 s     336/461 MB         118/244 MB           0.6/1.1 s
#   3,000  11.0/13.9 s   1,005/1,383 MB     355/732 MB           1.8/3.0 s
#   9,968  26.3/67.6 s   3,339/4,595 MB     1,179/2,434 MB       4.2/7.9 s
# idle: under 0.001% of a core for both. Ours at 1,000/3,000/9,968: svstat
# -j of N 11/45/125 ms (of 2N 24/84/260); svwait 5/5/244 ms after the last
# up (10-15 ms in 3 of 4 later runs at 9,968, one 212 ms, after svwait
# stopped watching its own readings); svweb GET /api/services p50 0.3/1.0/5.1 ms,
# 3,168/893/151 req/s. TERM of ours at 9,968 in other runs: 3.6-5.8 s.
set -u
: "${BIN:?BIN must name the folder of the built programs}"
NS=${NS:-"1000 3000 10000"}
SUITES=${SUITES:-"ours s6"}
IDLE=${IDLE:-30}
SECS=${SECS:-5}
HELPERS=${HELPERS:-}
here=$(cd "$(dirname "$0")" && pwd)
probe() { python3 "$here/scale_probe.py" "$@"; }

W=$(mktemp -d /dev/shm/suite-bench-scale-XXXXXX)
root=""
pid_max_saved=""
# cg: a pids cgroup for the tree, "" when none may be made.
cg=""
for c in /sys/fs/cgroup/pids /sys/fs/cgroup/unified /sys/fs/cgroup; do
  if [ -d "$c" ] && mkdir "$c/${W##*/}" 2>/dev/null; then
    if [ -r "$c/${W##*/}/pids.current" ]; then cg=$c/${W##*/}; break; fi
    rmdir "$c/${W##*/}"
  fi
done
cleanup() {
  [ -z "$root" ] || end_tree
  [ -z "$pid_max_saved" ] || echo "$pid_max_saved" >/proc/sys/kernel/pid_max
  [ -z "$cg" ] || rmdir "$cg"
  rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now() { date +%s.%N; }
since() { printf '%.2f' "$(echo "$(now) - $1" | bc)"; }

# end_tree: KILLs the scanner and every process working in the tree, by
# pid, until none is left (read again each round: supervisors restart
# things).
end_tree() {
  local i pids
  for i in $(seq 50); do
    pids=$( (kill -0 "$root" 2>/dev/null && echo "$root"; probe under "$W/tree") | tr '\n' ' ')
    [ -n "${pids// /}" ] || break
    kill -KILL $pids 2>/dev/null
    sleep 0.2
  done
  wait "$root" 2>/dev/null
  root=""
}

# Room: file descriptors (the scanner holds 2 per logged service) and pids.
fits() {  # fits N: true when 4N processes more fit under pid_max
  local used
  used=$(ls -d /proc/[0-9]* | wc -l)
  [ $((used + 4 * $1 + 2000)) -le "$(cat /proc/sys/kernel/pid_max)" ]
}
biggest=0
for n in $NS; do [ "$n" -gt "$biggest" ] && biggest=$n; done
ulimit -n $((4 * biggest + 1000)) 2>/dev/null || ulimit -n "$(ulimit -Hn)"
if ! fits "$biggest" && [ -w /proc/sys/kernel/pid_max ]; then
  pid_max_saved=$(cat /proc/sys/kernel/pid_max)
  echo $((4 * biggest + 65536)) >/proc/sys/kernel/pid_max
  echo "(kernel.pid_max raised from $pid_max_saved to $(cat /proc/sys/kernel/pid_max) for the run; restored at exit)"
fi
fd_limit=$(ulimit -n)

cp "$(command -v sleep)" "$W/scale-svc"
cp "$(command -v cat)" "$W/scale-log"
printf '#!/bin/sh\nexec %s 1000000\n' "$W/scale-svc" >"$W/run.svc"
printf '#!/bin/sh\nexec %s >/dev/null\n' "$W/scale-log" >"$W/run.log"
chmod 755 "$W/run.svc" "$W/run.log"

# mktree DIR N: N services s1..sN, each with log/; the run files are hard
# links of two scripts (10,000 services in a few seconds).
mktree() {
  local i
  mkdir -p "$1"
  for i in $(seq "$2"); do
    mkdir -p "$1/s$i/log"
    ln "$W/run.svc" "$1/s$i/run"
    ln "$W/run.log" "$1/s$i/log/run"
  done
}

# start SUITE DIR N: the scanner, in a session of its own (and in the
# cgroup, joined before it execs, so every descendant is counted); sets root.
start() {
  local join='[ -z "$1" ] || echo $$ >"$1/cgroup.procs"; shift; exec "$@"'
  case $1 in
    ours) PATH="$BIN:/usr/bin:/bin" sh -c "$join" sh "$cg" setsid "$BIN/svscan" "$2" </dev/null >/dev/null 2>"$W/err.$1" & ;;
    s6) (ulimit -s 65536; exec sh -c "$join" sh "$cg" setsid s6-svscan -c $((2 * $3 + 16)) "$2") </dev/null >/dev/null 2>"$W/err.$1" & ;;
  esac
  root=$!
}

# gone DIR LIMIT: waits (bounded by LIMIT s) until no process of the tree
# is left: the cgroup counts none, or (without one) the scanner has exited
# and no process works under DIR.
gone() {
  local d=$1 limit=$2 t0=$EPOCHREALTIME
  if [ -n "$cg" ]; then
    while [ "$(cat "$cg/pids.current")" != 0 ]; do
      [ "$(echo "$EPOCHREALTIME - $t0 > $limit" | bc)" = 1 ] && return
      sleep 0.02
    done
    return
  fi
  while kill -0 "$root" 2>/dev/null && [ "$(echo "$EPOCHREALTIME - $t0 > $limit" | bc)" = 0 ]; do
    sleep 0.02
  done
  while [ -n "$(probe under "$d")" ] && [ "$(echo "$EPOCHREALTIME - $t0 > $limit" | bc)" = 0 ]; do
    sleep 0.25
  done
}

# bringup N LIMIT: seconds until N scale-svc and N scale-log run, or
# "timeout(svc log)". One count walks /proc: at 40,000 processes that
# takes 2 s of a core, a load of its own on the bring-up it measures. With
# the cgroup, its pids.current (cheap) is polled until the tree has its
# 4N+1 processes, and the count then confirms that each has exec'd its
# program (the moment the count first agrees is the one reported; the
# cgroup's is reported beside it).
bringup() {
  local t0=$1 n=$2 limit=$3 c t_pids=""
  if [ -n "$cg" ]; then
    while [ "$(cat "$cg/pids.current")" -lt $((4 * n + 1)) ]; do
      if [ "$(echo "$(now) - $t0 > $limit" | bc)" = 1 ]; then echo "timeout(pids $(cat "$cg/pids.current"))"; return; fi
      sleep 0.05
    done
    t_pids=$(since "$t0")
  fi
  while :; do
    c=$(probe count "$root" scale-svc scale-log)
    [ "$c" = "$n $n" ] && { echo "$(since "$t0") s${t_pids:+ (all $((4 * n + 1)) processes at $t_pids s)}"; return; }
    if [ "$(echo "$(now) - $t0 > $limit" | bc)" = 1 ]; then echo "timeout(${c// //})"; return; fi
    sleep 0.25
  done
}

median5() {  # median5 CMD...: the median wall time of 5 runs, in ms
  local i a z
  for i in 1 2 3 4 5; do
    a=$EPOCHREALTIME; "$@" >/dev/null 2>&1; z=$EPOCHREALTIME
    awk -v a="$a" -v z="$z" 'BEGIN { printf "%.1f\n", (z - a) * 1000 }'
  done | sort -n | sed -n 3p
}

# ours_only DIR N: svstat -j, svwait, svweb on the live tree.
ours_only() {
  local d=$1 n=$2 dirs mains ups a sw addr out t_exit last
  mains=$(for i in $(seq "$n"); do echo "$d/s$i"; done)
  dirs=$(for i in $(seq "$n"); do echo "$d/s$i $d/s$i/log"; done)
  printf '    svstat -j of the %s services: %s ms; of all %s dirs (loggers too): %s ms (medians of 5)\n' \
    "$n" "$(median5 "$BIN/svstat" -j $mains)" $((2 * n)) "$(median5 "$BIN/svstat" -j $dirs)"
  if [ -x /usr/bin/svstat ]; then
    printf '    svstat (0.76 lines) of the %s services: ours %s ms, reference %s ms (medians of 5)\n' \
      "$n" "$(median5 "$BIN/svstat" $mains)" "$(median5 /usr/bin/svstat $mains)"
  fi
  # svwait: down, wait until svstat says so, svwait -u -a, then up.
  "$BIN/svc" -d $mains
  for a in $(seq 100); do
    [ "$("$BIN/svstat" $mains | grep -c ': down')" = "$n" ] && break
    sleep 0.2
  done
  "$BIN/svwait" -u -a -t 60000 $mains &
  sw=$!
  sleep 1  # svwait reads every status and sets its watches
  "$BIN/svc" -u $mains
  wait "$sw"
  t_exit=$EPOCHREALTIME
  last=$(probe lastup $mains)
  printf '    svwait -u -a on %s: returned %s ms after the last came up\n' "$n" \
    "$(echo "($t_exit - $last) * 1000" | bc | xargs printf '%.1f')"
  if [ -x "$BIN/svweb" ] && [ -n "$HELPERS" ] && [ -x "$HELPERS/httpload" ]; then
    "$BIN/svweb" -l 127.0.0.1:0 "$d" >"$W/svweb.out" 2>"$W/svweb.err" &
    sw=$!
    for a in $(seq 100); do grep -q ':' "$W/svweb.out" 2>/dev/null && break; sleep 0.05; done
    addr=$(head -1 "$W/svweb.out")
    if out=$("$HELPERS/httpload" "$addr" /api/services 1 "$SECS" 2>&1) && set -- $out && [ $# -eq 14 ]; then
      printf '    svweb GET /api/services (%s rows, %s bytes): p50 %s ms, p99 %s ms, %s req/s on one connection\n' \
        $((2 * n)) "$6" "$(echo "$8 / 1000" | bc -l | xargs printf '%.1f')" \
        "$(echo "${10} / 1000" | bc -l | xargs printf '%.1f')" "$4"
    else
      echo "    svweb: failed: $out $(head -2 "$W/svweb.err")"
    fi
    kill -TERM "$sw"
    wait "$sw" 2>/dev/null
  else
    echo "    svweb: skipped (no $BIN/svweb or no HELPERS/httpload)"
  fi
}

echo "scale: N services with a logger each, on tmpfs; file limit $fd_limit, pid_max $(cat /proc/sys/kernel/pid_max)"
for n in $NS; do
  if ! fits "$n"; then
    m=$(( ($(cat /proc/sys/kernel/pid_max) - $(ls -d /proc/[0-9]* | wc -l) - 2000) / 4 ))
    echo "N=$n does not fit under pid_max $(cat /proc/sys/kernel/pid_max) (not root?): N=$m instead"
    n=$m
  fi
  # The scanner holds both ends of each logger's pipe: 2N descriptors and
  # a few dozen of its own, under a hard limit only CAP_SYS_RESOURCE raises.
  if [ $((2 * n + 64)) -gt "$fd_limit" ]; then
    m=$(( (fd_limit - 64) / 2 ))
    echo "N=$n needs $((2 * n + 64)) descriptors in the scanner, over the file limit $fd_limit (hard; raising it needs CAP_SYS_RESOURCE): N=$m instead"
    n=$m
  fi
  for suite in $SUITES; do
    if [ "$suite" = s6 ] && ! command -v s6-svscan >/dev/null; then
      echo "  N=$n s6: skipped (no s6-svscan; apt-get install s6)"
      continue
    fi
    d=$W/tree
    mktree "$d" "$n"
    t0=$(now)
    start "$suite" "$d" "$n"
    up=$(bringup "$t0" "$n" $((60 + n / 50)))
    line="  N=$n $suite: up $up"
    if [ "$suite" = ours ] && [[ $up != timeout* ]]; then
      ups=$("$BIN/svstat" $(for i in $(seq "$n"); do echo "$d/s$i $d/s$i/log"; done) | grep -c ': up ')
      line="$line (svstat: $ups of $((2 * n)) up)"
    fi
    set -- $(probe pss "$root" scale-svc scale-log)
    line="$line; PSS $(($1 / 1024)) MB, supervisors $(($2 / 1024)) MB"
    sleep 6  # past the next periodic scan
    a=$(probe cpu "$root" scale-svc scale-log)
    sleep "$IDLE"
    z=$(probe cpu "$root" scale-svc scale-log)
    line="$line; idle $(echo "($z - $a) / ($IDLE * 10000000)" | bc -l | xargs printf '%.3f')% of a core"
    echo "$line"
    [ "$suite" = ours ] && [[ $up != timeout* ]] && ours_only "$d" "$n"
    t0=$(now)
    kill -TERM "$root"
    gone "$d" 60
    t_gone=$(since "$t0")
    left=$(probe under "$d" | wc -w)
    echo "    shutdown (TERM): $t_gone s, $left processes left${cg:+ (timed by the pids cgroup)}"
    end_tree
    grep -v '^$' "$W/err.$suite" | sort | uniq -c | sort -rn | head -3 | sed 's/^/    stderr: /'
    rm -rf "$d"
  done
done
