#!/usr/bin/env bash
# supervise: memory of idle supervise processes and control latency, ours
# beside the reference. Prints numbers, asserts nothing.
#   memory: VmRSS and Pss of one idle supervise; Pss per process in a tree
#           of $TREE (1000) idle supervise (shared pages divide among them)
#   latency: svc -t until status shows the new pid, svc -d until it shows
#           down, median and p95 over $CYCLES (50) cycles, microseconds;
#           and the cost of fork + exec + exit of the ./run script alone.
#   setting files (service-dir(5)): CPU used by a tree of $TREE idle, up
#           services over $IDLE (10) seconds, with every setting file
#           present and without (target: no more with them); svc -d until
#           down for a TERM-ignoring service with timeout-kill 100 ms,
#           $KCYCLES (10) cycles (target: timeout-kill + under 5 ms).
#           Measured on the shared 2-core machine (load ~2): 0 ticks both
#           ways for 1000 services over 10 s; timeout-kill 100 ms gave a
#           median of 102.7 ms (p95 103.8), i.e. 2.7 ms over the timeout,
#           svc's own exec included.
# SECTIONS (default "memory latency files") picks parts.
# Targets (issue 3): tree Pss <= 70% of the reference's; svc -t -> up
# within 1.5x the cost of exec'ing ./run.
set -u
: "${BIN:?}" "${HELPERS:?}"
REF=${REF:-/usr/bin}
TREE=${TREE:-1000}
CYCLES=${CYCLES:-50}
IDLE=${IDLE:-10}
KCYCLES=${KCYCLES:-10}
SECTIONS=${SECTIONS:-memory latency files}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
T=$(mktemp -d /tmp/suite-bench-XXXXXX)
pids=""
cleanup() { term_pids; rm -rf "$T"; }
trap cleanup EXIT
have_ref=0
[ -x "$REF/supervise" ] && [ "$REF" != "$BIN" ] && have_ref=1

kb() { awk -v k="$2" '$1 == k":" { print $2 }' "$1"; }

# tree IMPL N: starts N idle supervise (down files), prints "rss pss" of
# the first and the mean Pss over all, then makes them leave.
tree() {
  local impl=$1 n=$2 i d list="" p
  for i in $(seq 1 "$n"); do
    d=$T/t$i
    mkdir -p "$d"; touch "$d/down"
    printf '#!/bin/sh\nexec sleep 1000\n' >"$d/run"; chmod 755 "$d/run"
    "$impl/supervise" "$d" </dev/null >/dev/null 2>&1 &
    list="$list $!"
  done
  pids="$pids $list"
  for i in $(seq 1 "$n"); do wait_ok "$BIN/svok" "$T/t$i" || echo "  ($T/t$i did not start)"; done
  sleep 0.5
  local total=0 first_rss="" first_pss=""
  for p in $list; do
    total=$((total + $(kb "/proc/$p/smaps_rollup" Pss)))
    [ -n "$first_rss" ] || { first_rss=$(kb "/proc/$p/status" VmRSS); first_pss=$(kb "/proc/$p/smaps_rollup" Pss); }
  done
  echo "$first_rss $first_pss $((total / n))"
  for i in $(seq 1 "$n"); do "$BIN/svc" -x "$T/t$i"; done
  end_pids $list
  rm -rf "$T"/t*
}

if want memory; then
echo "memory (kB)              ours      reference"
set -- $(tree "$BIN" 1); o_rss=$1 o_pss=$2
r_rss=- r_pss=-
[ $have_ref = 1 ] && { set -- $(tree "$REF" 1); r_rss=$1 r_pss=$2; }
printf '  idle VmRSS          %8s  %8s\n' "$o_rss" "$r_rss"
printf '  idle Pss (alone)    %8s  %8s\n' "$o_pss" "$r_pss"
set -- $(tree "$BIN" "$TREE"); o_tree=$3
r_tree=-
[ $have_ref = 1 ] && { set -- $(tree "$REF" "$TREE"); r_tree=$3; }
printf '  Pss in a tree of %-4s %7s  %8s' "$TREE" "$o_tree" "$r_tree"
[ "$r_tree" != - ] && printf '   (ours = %d%% of the reference; target <= 70%%)' $((o_tree * 100 / r_tree))
echo
fi

# Latency. ./run is a shell script that execs the daemon, as in real
# services; the baseline runs the same chain to completion ("exec sleep 0"),
# timed in each cycle right before svc so that it meets the same conditions
# (after 1.1 s idle, caches cool); the warm back-to-back figure is printed
# too.
lat() {  # lat IMPL MODE: median p95 exec_median (baseline interleaved)
  local d=$T/lat.$RANDOM sp
  mkdir -p "$d"
  printf '#!/bin/sh\nexec sleep 1000\n' >"$d/run"; chmod 755 "$d/run"
  "$1/supervise" "$d" </dev/null >/dev/null 2>&1 &
  sp=$!
  pids="$pids $sp"
  wait_ok "$BIN/svok" "$d"
  "$HELPERS/svlatency" "$2" "$1/svc" "$d" "$CYCLES" 1100 "$T/run-exit" | awk '{ print $2, $4, $6 }'
  "$BIN/svc" -dx "$d"
  local i=0
  while kill -0 "$sp" 2>/dev/null && [ $i -lt 200 ]; do sleep 0.02; i=$((i + 1)); done
  kill -KILL "$sp" 2>/dev/null; wait "$sp" 2>/dev/null
}
printf '#!/bin/sh\nexec sleep 0\n' >"$T/run-exit"; chmod 755 "$T/run-exit"
if want latency; then
echo "latency (us, $CYCLES cycles)  ours median/p95   reference median/p95"
set -- $(lat "$BIN" t); ot=$1 ot95=$2 oe=$3
rt=- rt95=- re=-
[ $have_ref = 1 ] && { set -- $(lat "$REF" t); rt=$1 rt95=$2 re=$3; }
printf '  svc -t -> new pid up   %7s / %-7s   %7s / %-7s\n' "$ot" "$ot95" "$rt" "$rt95"
set -- $(lat "$BIN" d); od=$1 od95=$2
rd=- rd95=-
[ $have_ref = 1 ] && { set -- $(lat "$REF" d); rd=$1 rd95=$2; }
printf '  svc -d -> down         %7s / %-7s   %7s / %-7s\n' "$od" "$od95" "$rd" "$rd95"
printf '  exec of ./run (sh, exec sleep 0), median, timed in the same cycles: %s (ours'"'"' run), %s (reference'"'"'s run)\n' "$oe" "$re"
set -- $("$HELPERS/svlatency" exec "$T/run-exit" 200 | awk '{ print $2 }')
printf '  exec of ./run back to back (warm caches, 200 runs), median: %s\n' "$1"
awk -v o="$ot" -v e="$oe" -v r="$rt" -v f="$re" 'BEGIN {
  printf "  svc -t -> up is %.2fx the cost of exec-ing ./run (target <= 1.5x)", o / e
  if (r != "-") printf "; reference %.2fx", r / f
  print "" }'
fi

# idle_cpu FILES: starts $TREE supervise of ours on services that are up
# (exec sleep), with every setting file (FILES=1) or none; prints the
# clock ticks all of them used over $IDLE seconds of idleness.
idle_cpu() {
  local i d list="" p t0=0 t1=0
  for i in $(seq 1 "$TREE"); do
    d=$T/i$i
    mkdir -p "$d"
    printf '#!/bin/sh\nexec sleep 100000\n' >"$d/run"; chmod 755 "$d/run"
    if [ "$1" = 1 ]; then
      echo TERM >"$d/down-signal"; echo 1000 >"$d/timeout-kill"; : >"$d/setsid"
      printf '#!/bin/sh\nexit 0\n' >"$d/finish"; chmod 755 "$d/finish"
      echo 5000 >"$d/timeout-finish"; echo 60000 >"$d/restart-delay-max"
      echo 10000 >"$d/restart-stable"; echo '5 60' >"$d/give-up"; echo 0 >"$d/no-restart"
    fi
    "$BIN/supervise" "$d" </dev/null >/dev/null 2>&1 &
    list="$list $!"
  done
  pids="$pids $list"
  for i in $(seq 1 "$TREE"); do wait_ok "$BIN/svok" "$T/i$i" || echo "  ($T/i$i did not start)"; done
  sleep 1
  for p in $list; do t0=$((t0 + $(awk '{ print $14 + $15 }' "/proc/$p/stat"))); done
  sleep "$IDLE"
  for p in $list; do t1=$((t1 + $(awk '{ print $14 + $15 }' "/proc/$p/stat"))); done
  echo $((t1 - t0))
  for i in $(seq 1 "$TREE"); do "$BIN/svc" -dx "$T/i$i"; done
  end_pids $list
  rm -rf "$T"/i*
}

if want files; then
  echo "setting files (service-dir(5)), ours"
  without=$(idle_cpu 0)
  with=$(idle_cpu 1)
  printf '  idle CPU of %s up services over %s s, clock ticks: %s without the files, %s with them (target: no more)\n' \
    "$TREE" "$IDLE" "$without" "$with"
  d=$T/tk
  mkdir -p "$d"
  printf '#!/bin/sh\ntrap "" TERM\nexec sleep 100000\n' >"$d/run"; chmod 755 "$d/run"
  echo 100 >"$d/timeout-kill"
  "$BIN/supervise" "$d" </dev/null >/dev/null 2>&1 &
  sp=$!
  pids="$pids $sp"
  wait_ok "$BIN/svok" "$d"
  set -- $("$HELPERS/svlatency" d "$BIN/svc" "$d" "$KCYCLES" 1100)
  printf '  svc -d -> down, TERM ignored, timeout-kill 100 ms (us): median %s p95 %s; overhead over the timeout: median %s us (target < 5000)\n' \
    "$2" "$4" $(($2 - 100000))
  "$BIN/svc" -dx "$d"
  i=0
  while kill -0 "$sp" 2>/dev/null && [ $i -lt 200 ]; do sleep 0.02; i=$((i + 1)); done
  kill -KILL "$sp" 2>/dev/null; wait "$sp" 2>/dev/null
fi
