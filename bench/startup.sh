#!/usr/bin/env bash
# Start-up cost: the time to exec a program and have it exit, ours beside
# the reference, in microseconds per run (tests/helpers/spawn_loop:
# posix_spawn + waitpid, best round of 5, EXECS runs in all, default 2000).
# Rows that run a child (envdir, setlock, ...) run /bin/true, whose own cost
# (measured alone) is subtracted. Target: ours <= 70% of the reference,
# except setuidgid and envuidgid: linked dynamically for NSS (see the
# Makefile), they start about as fast as the reference, no faster.
# Prints numbers, asserts nothing.
set -u
: "${BIN:?}" "${HELPERS:?}"
REF=${REF:-/usr/bin}
EXECS=${EXECS:-2000}
LOOP=$HELPERS/spawn_loop
T=$(mktemp -d /tmp/suite-bench-XXXXXX)
trap 'rm -rf "$T"' EXIT
[ -x "$LOOP" ] || { echo "startup: $LOOP not built (make build/helpers/spawn_loop)"; exit 1; }

mkdir "$T/emptydir" "$T/svc"
: >"$T/lockfile"
TRUE=/bin/true
true_us=$("$LOOP" "$EXECS" "$TRUE" </dev/null)
floor_us=$("$LOOP" "$EXECS" "$BIN/readproctitle" </dev/null)  # a static program doing nothing

# row LABEL SUBTRACT PROG ARGS...: PROG is a name in $BIN and $REF.
row() {
  local label=$1 sub=$2 prog=$3
  shift 3
  if [ ! -x "$BIN/$prog" ]; then
    printf '%-34s %10s\n' "$label" "not built"
    return
  fi
  local ours ref
  local warm=$((EXECS / 10 + 1))
  "$LOOP" "$warm" "$BIN/$prog" "$@" </dev/null >/dev/null 2>&1
  "$LOOP" "$warm" "$REF/$prog" "$@" </dev/null >/dev/null 2>&1
  ours=$("$LOOP" "$EXECS" "$BIN/$prog" "$@" </dev/null 2>/dev/null)
  ref=$("$LOOP" "$EXECS" "$REF/$prog" "$@" </dev/null 2>/dev/null)
  awk -v l="$label" -v o="$ours" -v r="$ref" -v s="$sub" 'BEGIN {
    o -= s; r -= s
    printf "%-34s %10.1f %10.1f %8.0f%%\n", l, o, r, (r > 0 ? 100 * o / r : 0) }'
}

printf '%-34s %10s %10s %9s\n' "program (us per exec)" ours reference ratio
row "tai64n </dev/null" 0 tai64n
row "envdir emptydir true (- true)" "$true_us" envdir "$T/emptydir" "$TRUE"
row "setlock -n file true (- true)" "$true_us" setlock -n "$T/lockfile" "$TRUE"
row "svok dir" 0 svok "$T/svc"
row "softlimit -o 100 true (- true)" "$true_us" softlimit -o 100 "$TRUE"
row "pgrphack true (- true)" "$true_us" pgrphack "$TRUE"
row "envuidgid root true (- true)" "$true_us" envuidgid root "$TRUE"
row "setuidgid root true (- true)" "$true_us" setuidgid root "$TRUE"
row "readproctitle (usage exit)" 0 readproctitle
printf '(/bin/true alone: %.1f us; a static program doing nothing: %.1f us)\n' "$true_us" "$floor_us"
