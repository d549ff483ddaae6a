#!/usr/bin/env bash
# Throughput and CPU cost of multilog, ours beside the reference and
# `cat > file` (the floor: copying the bytes and nothing else), on LINES
# lines of about 100 bytes (default 2000000), read from a file in the page
# cache. Three scripts: stamps (t), plain, and a filter keeping the ~2% of
# lines that are errors; all with s16777215 n10, so that a 200 MB run
# rotates about a dozen times (at the default s99999 both programs spend
# nearly all their time in the fsync before each of 2000 rotations).
# The log directory is on tmpfs (/dev/shm) when there is one, measuring
# multilog's own work; the t script is then run once more on the disk
# under /tmp, where the fsync at each rotation waits for the device, and
# again with nothing removed (n1000), separating the disk's cost of
# removing old files from multilog's.
# Best wall time of RUNS runs (default 3; the reference runs once).
# Prints numbers, asserts nothing.
#
# What these rows showed about writing current back to disk (logdir.cpp,
# start_writeback): with a write-back started every megabyte and not
# waited for, the fsync at a rotation of a 16 MB file on ext4 takes about
# 0.3 ms. Also tried and no better: 256 KB or 4 MB steps; waiting for the
# previous step (SYNC_FILE_RANGE_WAIT_BEFORE: 25% slower, the wait moves
# into the logging loop); fdatasync instead of fsync (no difference, and
# 0.76 uses fsync). What remains on a disk mounted with -o discard is the
# removal of old files (the n1000 row below, and multilog/reaper.hpp).
#
# The table at the end (issue 12, "speed on a real disk"), against the
# same-work floor, 190 MB (LINES=1900000) on this 2-core VM shared with
# other work (load 4-8), median of 7 interleaved rounds, wall ms; base is
# multilog before the change below:
#                 ext4                         tmpfs
#   floor         514  floor-p 393             310  floor-p 296
#   plain         295  (0.75x the floor)       288  (0.97x)
#   t             379  (0.96x)                 316  (1.07x)
#   base plain    395  (1.01x)                 309  (1.04x)
#   base t        508  (1.29x)                 357  (1.21x)
#   reference     2834 plain, 3726 t (7-9x)    2333, 2745 (8-9x)
# Where the time went (perf record, perf stat, strace -c): not in the
# disk. Per 64 KB look at the pipe, 5 system calls (ppoll, tee, read of
# the private pipe, write, splice to /dev/null) and a wake-up of the
# writer: the splice that frees room wakes it and it preempts multilog
# (3,000 context switches per 190 MB; finish_task_switch, behind splice,
# was 12.6% of the profile). Looking at 256 KB at a time with a 1 MB
# pipe once the writer has filled a 64 KB look (multilog.cpp, tee_grow):
# 650 switches, 3.7%; the consumer's CPU 370 -> 270 ms for t; the poll
# is skipped while looks come back full (rare here: cat is slower than
# multilog, 744 polls for 802 looks). Kept, as they pay: the write-back
# every MB (without it t on ext4 went from 410 to 530 ms: the fsync at
# each rotation then waits for 16 MB; the floor spends 190 ms in its 12
# fsyncs, multilog 30 ms in 15). Not worth changing: the reaper thread
# (44 closes per run, off the path), the stamp (one per look), copying
# lines into the output buffer (head_done, memchr, memmove: 16% of the
# profile; the rest is the kernel copying the pipe and writing the
# file). The floor's 64 KB pipe costs it on ext4 (floor-p: 1 MB).
set -u
: "${BIN:?}"
REF=${REF:-/usr/bin}
LINES=${LINES:-2000000}
RUNS=${RUNS:-3}
T=$(mktemp -d /tmp/suite-bench-XXXXXX)
FAST=$T
if [ -d /dev/shm ] && [ -w /dev/shm ]; then FAST=$(mktemp -d /dev/shm/suite-bench-XXXXXX); fi
trap 'rm -rf "$T" "$FAST"' EXIT

awk -v n="$LINES" 'BEGIN {
  srand(42)
  split("info: request handled|debug: cache hit for key|warning: slow upstream|notice: config reloaded", kinds, "|")
  for (i = 1; i <= n; i++) {
    k = (i % 50 == 0) ? "error: upstream reset" : kinds[1 + i % 4]
    s = sprintf("svc[%d]: %s id=%07d took %d ms ", 1000 + i % 97, k, i, int(rand() * 900))
    while (length(s) < 99) s = s "x"
    print s
  }
}' >"$T/in"
BYTES=$(stat -c %s "$T/in")
cat "$T/in" >/dev/null

# measure CMD...: runs CMD with stdin from the input in a fresh directory
# D (under $WHERE); sets NS (wall, best of $2 runs) and CPU (its user+sys
# seconds).
measure() {
  local runs=$1 best="" cpu="" i t0 t1 d c
  shift
  for ((i = 0; i < runs; i++)); do
    rm -rf "$WHERE/d" "$WHERE/o"
    mkdir -p "$WHERE/d"
    t0=$(date +%s%N)
    c=$( { /usr/bin/time -f '%U %S' "$@" <"$T/in" 2>&1 >/dev/null; } | tail -1)
    t1=$(date +%s%N)
    d=$((t1 - t0))
    if [ -z "$best" ] || [ "$d" -lt "$best" ]; then best=$d cpu=$c; fi
  done
  NS=$best
  CPU=$(echo "$cpu" | awk '{ printf "%.3f", $1 + $2 }')
}
mbps() { awk -v b="$BYTES" -v ns="$1" 'BEGIN { printf "%6.0f MB/s", b / 1e6 / (ns / 1e9) }'; }
pergb() { awk -v b="$BYTES" -v c="$1" 'BEGIN { printf "%5.2f s", c / (b / 1e9) }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%5.1fx", b / a }'; }

have_ref=0
[ -x "$REF/multilog" ] && [ "$REF" != "$BIN" ] && have_ref=1
if [ ! -x /usr/bin/time ]; then echo "needs /usr/bin/time (GNU time)"; exit 0; fi

row() {
  local label=$1
  shift
  measure "$RUNS" "$BIN/multilog" "$@" "$WHERE/d"
  local ours=$NS ocpu=$CPU
  local ref="" rcpu=""
  if [ $have_ref = 1 ]; then
    measure 1 "$REF/multilog" "$@" "$WHERE/d"
    ref=$NS rcpu=$CPU
  fi
  measure "$RUNS" sh -c 'exec cat >"$0/o"' "$WHERE"
  local cat=$NS ccpu=$CPU
  printf '  %-26s ours %s  %s/GB' "$label" "$(mbps "$ours")" "$(pergb "$ocpu")"
  if [ -n "$ref" ]; then
    printf ' | reference %s  %s/GB' "$(mbps "$ref")" "$(pergb "$rcpu")"
  fi
  printf ' | cat %s  %s/GB\n' "$(mbps "$cat")" "$(pergb "$ccpu")"
  printf '  %-26s' ""
  [ -n "$ref" ] && printf ' ours/reference: %s throughput, %s less CPU;' "$(ratio "$ours" "$ref")" "$(ratio "$ocpu" "$rcpu")"
  printf ' cat/ours: %s\n' "$(ratio "$cat" "$ours")"
  NS=$ours
}

echo "multilog: $LINES lines, $((BYTES / 1000000)) MB"
# FLOOR_ONLY=1: only the table against the same-work floor (at the end).
if [ "${FLOOR_ONLY:-0}" != 1 ]; then
echo " MB/s of input, CPU (user+sys) per GB of input"
WHERE=$FAST
echo " log directory on $(df --output=fstype "$WHERE" | tail -1) ($WHERE)"
row "t s16777215 n10" t s16777215 n10
row "s16777215 n10" s16777215 n10
row "-* +*error* s16777215 n10" '-*' '+*error*' s16777215 n10
# From a pipe, multilog looks at the input with tee(2) and takes it only
# once written (no line lost on SIGKILL); BASE=dir with a multilog that
# reads the pipe (the commit before that change) gives the cost beside it.
# Input through cat, whose CPU the numbers include. Interleaved runs.
piperow() {
  local label=$1 i best="" bbest="" args
  shift
  for ((i = 0; i < RUNS; i++)); do
    measure 1 sh -c 'cat | exec "$@"' sh "$BIN/multilog" "$@" "$WHERE/d"
    [ -z "$best" ] || [ "$NS" -lt "$best" ] && best=$NS
    if [ -n "${BASE:-}" ]; then
      measure 1 sh -c 'cat | exec "$@"' sh "$BASE/multilog" "$@" "$WHERE/d"
      [ -z "$bbest" ] || [ "$NS" -lt "$bbest" ] && bbest=$NS
    fi
  done
  printf '  %-26s ours %s' "pipe: $label" "$(mbps "$best")"
  [ -z "$bbest" ] || printf ' | BASE (read) %s, BASE/ours: %s' "$(mbps "$bbest")" "$(ratio "$bbest" "$best")"
  printf '\n'
}
piperow "t s16777215 n10" t s16777215 n10
piperow "s16777215 n10" s16777215 n10
if [ "$FAST" != "$T" ]; then
  WHERE=$T
  echo " log directory on $(df --output=fstype "$WHERE" | tail -1) ($WHERE): fsync at each rotation waits for the disk"
  row "t s16777215 n10" t s16777215 n10
  ours_disk=$NS
  measure "$RUNS" sh -c 'cat >"$0/o" && exec sync "$0/o"' "$WHERE"
  printf '  %-26s %s (the disk floor: cat/ours %s)\n' "cat > file, then fsync" "$(mbps "$NS")" "$(ratio "$NS" "$ours_disk")"
  # The same with n large enough that nothing is removed. Removing a file
  # frees its blocks, and a disk mounted with -o discard (as some VMs'
  # are) then discards them synchronously: on a single-queue virtual disk
  # that holds up every write behind it, for both programs alike. This row
  # shows multilog's own cost on the disk, the one above includes the
  # disk's cost of the removals that n10 makes.
  row "t s16777215 n1000" t s16777215 n1000
  head -c 16777215 "$T/in" >"$T/r" && sync "$T/r"
  t0=$(date +%s%N)
  rm -f "$T/r"
  t1=$(date +%s%N)
  printf '  %-26s %5.1f ms (%s)\n' "removing a 16 MB file" "$(awk -v ns=$((t1 - t0)) 'BEGIN { print ns / 1e6 }')" \
    "$(grep -qw discard <(findmnt -no OPTIONS -T "$WHERE" 2>/dev/null) && echo "mounted with discard" || echo "no discard option")"
fi
fi

# The same-work floor (bench/disk_floor.cpp): a program that reads the
# same pipe in 1 MiB requests, writes 16777215-byte files, fsyncs each
# before renaming it, removes the oldest beyond 9 and fsyncs at the end:
# the bytes, files and syncs of s16777215 n10 without lines, stamps or
# the rotation model; floor-p is the same with the pipe enlarged to 1 MB
# first, as multilog does for a fast writer, and the faster of the two is
# the floor. Input through cat into a pipe, as from a service;
# median wall time of ROUNDS interleaved rounds (default 7, the order
# rotated each round; the reference in the first REF_ROUNDS, default 3,
# as it takes ten times as long), on the disk and on tmpfs. BASE=dir adds
# the multilog in dir (an earlier build) as base-plain and base-t.
FLOOR=""
if [ -n "${BENCH_BIN:-}" ] && [ -x "$BENCH_BIN/disk_floor" ]; then
  FLOOR=$BENCH_BIN/disk_floor
elif command -v g++ >/dev/null 2>&1 &&
  g++ -std=c++20 -O2 -o "$T/disk_floor" "$(dirname "$0")/disk_floor.cpp" 2>/dev/null; then
  FLOOR=$T/disk_floor
fi
median() { tr ' ' '\n' | grep . | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
floor_table() {
  local where=$1 rounds=${ROUNDS:-7} refrounds=${REF_ROUNDS:-3} r k n i label t0 t1
  local -a labels cmds
  local -A ms
  labels=(floor floor-p plain t)
  cmds=("$FLOOR" "$FLOOR -p" "$BIN/multilog s16777215 n10" "$BIN/multilog t s16777215 n10")
  if [ -n "${BASE:-}" ]; then
    labels+=(base-plain base-t) cmds+=("$BASE/multilog s16777215 n10" "$BASE/multilog t s16777215 n10")
  fi
  if [ $have_ref = 1 ]; then
    labels+=(ref-plain ref-t) cmds+=("$REF/multilog s16777215 n10" "$REF/multilog t s16777215 n10")
  fi
  n=${#labels[@]}
  for ((r = 0; r < rounds; r++)); do
    for ((k = 0; k < n; k++)); do
      i=$(((k + r) % n))
      label=${labels[i]}
      case $label in ref-*) [ "$r" -ge "$refrounds" ] && continue;; esac
      rm -rf "$where/d"
      mkdir -p "$where/d"
      t0=$(date +%s%N)
      cat "$T/in" | ${cmds[i]} "$where/d"
      t1=$(date +%s%N)
      ms[$label]="${ms[$label]:-} $(((t1 - t0) / 1000000))"
    done
  done
  rm -rf "$where/d"
  local fl pl tl rp rt
  fl=$(echo "${ms[floor]}" | median)
  pl=$(echo "${ms[floor-p]}" | median)
  [ "$pl" -lt "$fl" ] && fl=$pl  # the faster of the two
  echo " pipe into s16777215 n10 on $(df --output=fstype "$where" | tail -1) ($where), median of $rounds rounds;"
  echo " the floor is the faster of floor (the pipe as it comes, 64 KB) and floor-p (a 1 MB pipe, as ours):"
  for label in "${labels[@]}"; do
    local m
    m=$(echo "${ms[$label]}" | median)
    printf '  %-10s %6d ms %s  %5.2fx the floor' "$label" "$m" "$(mbps "$((m * 1000000))")" \
      "$(awk -v a="$m" -v b="$fl" 'BEGIN { print a / b }')"
    case $label in
      plain | t | base-*)
        if [ $have_ref = 1 ]; then
          printf ', %5.2fx the reference' "$(awk -v a="$m" -v b="$(echo "${ms[ref-${label#base-}]}" | median)" 'BEGIN { print a / b }')"
        fi;;
    esac
    printf '   [%s ]\n' "${ms[$label]}"
  done
}
if [ -n "$FLOOR" ]; then
  floor_table "$T"
  [ "$FAST" != "$T" ] && floor_table "$FAST"
else
  echo " no same-work floor: bench/disk_floor not built (make bench) and no g++"
fi
