#!/usr/bin/env bash
# svscan's orderly shutdown: time from SIGTERM to svscan's exit for a tree
# of N idle services (run = sleep), each with a logger (our multilog, which
# fsyncs its current file when its input ends), the tree on tmpfs
# (/dev/shm) and on disk (a folder beside this script's temp dir, under
# /var/tmp); and how soon svscan reaps a burst of orphans (N exiting at
# once): median and p95 of exit -> reaped, svscan as subreaper and as PID 1
# of a PID namespace (the latter only as root). Ours only: 0.76's svscan
# dies on TERM without stopping anything, and is no subreaper.
# Prints numbers; asserts nothing.
#   BIN=bin HELPERS=build/helpers [NS="100 1000"] [BURST=200] bash bench/svscan-shutdown.sh
set -u
: "${BIN:?BIN must name the folder of the built programs}"
: "${HELPERS:?HELPERS must name the folder of the test helpers}"
NS=${NS:-"100 1000"}
BURST=${BURST:-200}
DIRS="/dev/shm /var/tmp"
W=""
svpid=""
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
cleanup() {
  [ -z "$svpid" ] || kill -KILL "$svpid" 2>/dev/null
  if [ -n "$W" ]; then kill_under "$W"; rm -rf "$W"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
now_us() { local t=${EPOCHREALTIME/./}; echo "$t"; }

mktree() {  # mktree DIR N
  local i
  for i in $(seq "$2"); do
    mkdir -p "$1/s$i/log"
    printf '#!/bin/sh\nexec sleep 99999.25\n' >"$1/s$i/run"
    printf '#!/bin/sh\nexec multilog ./main\n' >"$1/s$i/log/run"
    chmod 755 "$1/s$i/run" "$1/s$i/log/run"
  done
}
count_up() {  # count_up DIR: services whose run and logger both run
  local n=0 d
  for d in "$1"/s*; do
    [ -s "$d/supervise/status" ] && [ -e "$d/log/main/current" ] || continue
    n=$((n + 1))
  done
  echo $n
}

echo "TERM -> exit, N idle services with loggers (multilog)"
for base in $DIRS; do
  for n in $NS; do
    W=$(mktemp -d "$base/suite-bench-stop-XXXXXX")
    mktree "$W/s" "$n"
    PATH="$BIN:$PATH" "$BIN/svscan" "$W/s" 2>"$W/err" &
    svpid=$!
    i=0
    while [ "$(count_up "$W/s")" -lt "$n" ] && [ $i -lt 600 ]; do sleep 0.2; i=$((i + 1)); done
    # Every run is the sleep, not the shell that execs it.
    while [ "$(pgrep -c -f '^sleep 99999.25$')" -lt "$n" ] && [ $i -lt 600 ]; do sleep 0.2; i=$((i + 1)); done
    sleep 1
    t0=$(now_us)
    kill -TERM "$svpid"
    wait "$svpid"
    rc=$?
    t1=$(now_us)
    svpid=""
    left=$(procs_under "$W" | wc -l)
    printf '  %-9s N=%-5s %8.1f ms  (exit %s, processes left %s, warnings %s)\n' "$base" "$n" \
      "$(echo "($t1 - $t0) / 1000" | bc -l)" "$rc" "$left" "$(wc -l <"$W/err")"
    kill_under "$W"
    rm -rf "$W"
    W=""
  done
done

# burst_stats FILE: median and p95 of the latencies (us) in FILE, in ms.
burst_stats() {
  sort -n "$1" | awk '{ v[NR] = $1 } END {
    m = v[int((NR + 1) / 2)]; p = v[int(NR * 0.95 + 0.999)]; miss = 0
    for (i = 1; i <= NR; i++) if (v[i] < 0) miss++
    printf "median %.3f ms, p95 %.3f ms, max %.3f ms (%d orphans, %d not reaped in 10 s)\n", m / 1000, p / 1000, v[NR] / 1000, NR, miss }'
}
echo "orphan burst: $BURST orphans exit at once, exit -> reaped"
for mode in subreaper pid1; do
  W=$(mktemp -d /dev/shm/suite-bench-reap-XXXXXX)
  mkdir -p "$W/s/burst"
  printf '#!/bin/sh\nexec %s %s %s\n' "$HELPERS/orphan_burst" "$BURST" "$W/lat" >"$W/s/burst/run"
  chmod 755 "$W/s/burst/run"
  if [ $mode = pid1 ]; then
    if [ "$(id -u)" != 0 ] || ! unshare --pid --fork --mount-proc true 2>/dev/null; then
      echo "  pid1: skipped (needs root and unshare)"
      rm -rf "$W"; W=""; continue
    fi
    PATH="$BIN:$PATH" unshare --pid --fork --mount-proc "$BIN/svscan" "$W/s" 2>"$W/err" &
  else
    PATH="$BIN:$PATH" "$BIN/svscan" "$W/s" 2>"$W/err" &
  fi
  svpid=$!
  i=0
  while [ ! -s "$W/lat" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
  sleep 0.2
  printf '  %-9s ' "$mode"
  if [ -s "$W/lat" ]; then burst_stats "$W/lat"; else echo "no result"; fi
  if [ $mode = pid1 ]; then kill -TERM "$(pgrep -P "$svpid" | head -1)"; else kill -TERM "$svpid"; fi
  wait "$svpid"
  svpid=""
  kill_under "$W"
  rm -rf "$W"
  W=""
done
