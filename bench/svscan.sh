#!/usr/bin/env bash
# svscan: time to bring N services up (run = `exec sleep 1000`) and the CPU
# an idle tree of 1,000 services costs (svscan plus every supervise) over
# IDLE seconds, ours beside the reference (Debian's daemontools 0.76: its
# svscan with its supervise). The reference svscan stops at 1000 services,
# so N=10000 is ours only. Prints numbers; asserts nothing.
#   BIN=bin [REF=/usr/bin] [NS="1000 10000"] [IDLE=60] bash bench/svscan.sh
# CPU comes from /proc/PID/schedstat (nanoseconds on a CPU) and, for
# comparison, utime+stime of /proc/PID/stat (clock ticks, 10 ms each).
# Everything it starts works inside a temp dir and is killed by pid at exit.
set -u
: "${BIN:?BIN must name the folder of the built programs}"
REF=${REF:-/usr/bin}
NS=${NS:-"1000 10000"}
IDLE=${IDLE:-60}
W=$(mktemp -d /tmp/suite-bench-svscan-XXXXXX)
TICK=$(getconf CLK_TCK)

here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
svpid=""
cleanup() {
  [ -z "$svpid" ] || kill -KILL "$svpid" 2>/dev/null
  kill_under "$W"
  rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mktree() {  # mktree DIR N
  mkdir -p "$1"
  local i
  for i in $(seq "$2"); do
    mkdir "$1/s$i"
    printf '#!/bin/sh\nexec sleep 1000\n' >"$1/s$i/run"
    chmod 755 "$1/s$i/run"
  done
}
now() { date +%s.%N; }
# running_sleeps DIR: how many `sleep` processes work inside DIR (one find
# over /proc and one awk: cheap enough to poll while 20,000 processes start).
running_sleeps() {
  procs_under "$1" | sed 's|.*|/proc/&/comm|' | xargs -r awk 'FNR == 1 && $0 == "sleep" { n++ } END { print n + 0 }' 2>/dev/null |
    awk '{ s += $1 } END { print s + 0 }'
}

# bringup PROGDIR DIR N: starts PROGDIR/svscan on DIR (PROGDIR first in
# PATH, so its own supervise); RESULT = seconds until N services run
# `sleep`, or "timeout(n)". Not run in $(...): it sets svpid. Also sets
# UPCPU to svscan's CPU (ms) during the bring-up.
bringup() {
  local t0 t1 n limit=$((60 + $3 / 100))
  t0=$(now)
  PATH="$1:/usr/bin:/bin" "$1/svscan" "$2" >/dev/null 2>"$W/err.$$" &
  svpid=$!
  while :; do
    sleep 0.2
    n=$(running_sleeps "$2")
    [ "$n" -ge "$3" ] && break
    if [ "$(echo "$(now) - $t0 > $limit" | bc)" = 1 ]; then RESULT="timeout($n)"; return; fi
  done
  t1=$(now)
  RESULT=$(printf '%.2f' "$(echo "$t1 - $t0" | bc)")
  UPCPU=$(( $(cut -d' ' -f1 "/proc/$svpid/schedstat") / 1000000 ))
}

# cpu_ns PIDS: total schedstat ns; cpu_ticks PIDS: utime+stime ticks.
cpu_ns() { local p s=0 v; for p in "$@"; do [ -n "$p" ] || continue; v=$(cut -d' ' -f1 "/proc/$p/schedstat" 2>/dev/null) && s=$((s + v)); done; echo $s; }
cpu_ticks() { local p s=0 v; for p in "$@"; do [ -n "$p" ] || continue; v=$(awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null) && s=$((s + v)); done; echo $s; }
sup_pids() {  # supervise processes under DIR
  local p
  for p in $(procs_under "$1"); do
    [ "$(cat "/proc/$p/comm" 2>/dev/null)" = supervise ] && echo "$p"
  done
}

# idle PROGDIR DIR N: after bring-up, CPU over IDLE seconds.
idle() {
  sleep 6  # past the first periodic scan after the bring-up
  local sups a0 b0 a1 b1 ta0 tb0 ta1 tb1
  sups=$(sup_pids "$2")
  a0=$(cpu_ns "$svpid"); b0=$(cpu_ns $sups)
  ta0=$(cpu_ticks "$svpid"); tb0=$(cpu_ticks $sups)
  sleep "$IDLE"
  a1=$(cpu_ns "$svpid"); b1=$(cpu_ns $sups)
  ta1=$(cpu_ticks "$svpid"); tb1=$(cpu_ticks $sups)
  printf '%.3f %.3f %d %d' "$(echo "($a1 - $a0) / 1000000" | bc -l)" "$(echo "($b1 - $b0) / 1000000" | bc -l)" \
    $(((ta1 - ta0) * 1000 / TICK)) $(((tb1 - tb0) * 1000 / TICK))
}

stop_tree() {
  kill -KILL "$svpid" 2>/dev/null
  wait "$svpid" 2>/dev/null
  svpid=""
  kill_under "$1"
}

have_ref=0
[ -x "$REF/svscan" ] && [ -x "$REF/supervise" ] && [ "$REF" != "$BIN" ] && have_ref=1
echo "svscan bring-up (seconds until every service's run is sleeping) and idle CPU over ${IDLE}s"
for n in $NS; do
  d=$W/ours$n
  mktree "$d" "$n"
  bringup "$BIN" "$d" "$n"
  t=$RESULT
  printf '  N=%-6s ours: %8s s (svscan CPU %s ms)' "$n" "$t" "$UPCPU"
  if [ "$n" = 1000 ] && [ "$IDLE" -gt 0 ]; then
    set -- $(idle "$BIN" "$d" "$n")
    cpu_ours="idle ${IDLE}s ours: svscan $1 ms, all supervise $2 ms (stat ticks: $3 ms, $4 ms)"
  fi
  stop_tree "$d"
  rm -rf "$d"
  if [ "$have_ref" = 1 ] && [ "$n" -le 1000 ]; then
    d=$W/ref$n
    mktree "$d" "$n"
    bringup "$REF" "$d" "$n"
    t=$RESULT
    printf '   reference: %8s s (svscan CPU %s ms)\n' "$t" "$UPCPU"
    if [ "$n" = 1000 ] && [ "$IDLE" -gt 0 ]; then
      set -- $(idle "$REF" "$d" "$n")
      cpu_ref="idle ${IDLE}s reference: svscan $1 ms, all supervise $2 ms (stat ticks: $3 ms, $4 ms)"
    fi
    stop_tree "$d"
    rm -rf "$d"
  else
    printf '   reference: %8s\n' "n/a (limit 1000)"
  fi
  [ -z "${cpu_ours:-}" ] || { echo "  $cpu_ours"; cpu_ours=""; }
  [ -z "${cpu_ref:-}" ] || { echo "  $cpu_ref"; cpu_ref=""; }
done
