# Shared by the black-box tests; each test is a bash script that sources it.
#
#   check NAME RC OUT ERR CMD...   run CMD with ours; stdout, stderr and exit
#                                  code must equal OUT, ERR, RC. When the
#                                  reference is installed, run it the same way
#                                  and hold it to the same expectation, so every
#                                  expected text is proven against 0.76.
#   check_ours NAME RC OUT ERR CMD...  the same, ours only (deliberate
#                                  improvements over the reference).
#   same NAME CMD...               ours and the reference must agree
#                                  (after NORM).
# CMD is a program name (run as "$P/name", P being ours or the reference's
# folder) or a shell function, which sees $P. Stdin comes from $STDIN
# (default /dev/null). Output is passed through the sed script $NORM before
# comparing. Every command runs in its own process group under a watchdog
# ($TIMEOUT seconds); a hang is a failure (in `same` too, even when both
# hang alike), and the group is killed.
#
# Two tallies: checks of OUR programs, and runs of the reference. A check's
# two halves count once on each; a `same` (a differential) counts once on
# each too. Without the reference, every reference half counts as a skip on
# the reference tally, and a `same` also as a skip on ours (it checks
# nothing of ours then). The headline of tests/run counts only ours.
#
#   spawn VAR CMD...    start CMD in the background in its own process group,
#                       pid in VAR; ended (TERM, then KILL) when the test exits.
#   wait_until SECS CMD...  poll CMD every 50 ms until it succeeds or SECS pass.
#                       SECS counts polls (SECS * 20 of them), which a loaded
#                       machine stretches: a hang guard, never a bound on a
#                       latency. For that, wait_ms.
#   wait_ms VAR SECS CMD...  wait_until SECS CMD...; VAR gets the milliseconds
#                       it took by the clock, to compare with a promised
#                       latency apart from the hang guard SECS.
#   now_ms              milliseconds by the clock (bash's own: no fork).
#   timing NAME VALUE UNIT  a measured value for the log (not the screen),
#                       printed by finish as "TIMING - test: NAME: VALUE UNIT"
#                       (kept in a file meanwhile, so that a check's function,
#                       whose output is compared, may note one too).
#                       bench/timing.sh runs tests again and again and gathers
#                       these into the distributions each bound's comment cites.
#   wait_for SECS PID   wait for a background PID, killing its process group
#                       after SECS; its exit status, or 124 if it was killed.
#   within SECS CMD...  run CMD (a program or a function) in its own process
#                       group and wait for it at most SECS; a hang is a
#                       failure. Its exit status, or 124. Redirect inside
#                       CMD, not around within: the failure line is its output.
#   pass NAME / fail NAME [DETAIL...] / skip NAME WHY     ours
#   ref_pass NAME / ref_fail NAME [DETAIL...] / ref_skip NAME WHY   reference
#   pass_both / fail_both / skip_both    a differential: counts on both tallies
#   pass_for DIR NAME / fail_for DIR NAME [DETAIL...]  on the reference tally
#                       when DIR is $REF, else on ours (loops over both)
#   finish              prints "NAME: N passed, N failed, N skipped" (ours)
#                       and "NAME: reference: N passed, N failed, N skipped";
#                       fails if either tally has a failure.
set -u
# A fixed PATH: error texts from PATH searches ("file does not exist" or
# "access denied") must not depend on the caller's. No /usr/local: an
# installed copy of ours must never stand in for the programs under test.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
set -m  # background jobs get their own process group: hangs and leftovers are killable
: "${BIN:?BIN must name the folder of the built programs}"
REF=${REF:-/usr/bin}
HELPERS=${HELPERS:-}
STDIN=/dev/null
NORM=''
TIMEOUT=${TIMEOUT:-30}
T=$(mktemp -d /tmp/suite-bb-XXXXXX)
TEST_NAME=$(basename "$0" .sh)
passed=0 failed=0 skipped=0              # checks of our programs
ref_passed=0 ref_failed=0 ref_skipped=0  # runs of the reference
spawned=""

if [ -x "$REF/supervise" ] && [ -x "$REF/tai64n" ] && [ "$REF" != "$BIN" ]; then
  HAVE_REF=1
else
  HAVE_REF=0
  echo "NOTE - $TEST_NAME: reference daemontools not found in $REF; its runs are counted as skipped"
fi

# kill_group PID: TERM the process group (or PID alone, when it leads no
# group), then KILL both if they linger (bounded). Only then is PID waited
# for, so the wait cannot block.
kill_group() {
  kill -TERM -- "-$1" 2>/dev/null || kill -TERM "$1" 2>/dev/null || return 0
  kill -CONT -- "-$1" 2>/dev/null
  local i=0
  while { kill -0 -- "-$1" || kill -0 "$1"; } 2>/dev/null && [ $i -lt 40 ]; do sleep 0.05; i=$((i + 1)); done
  kill -KILL -- "-$1" 2>/dev/null
  kill -KILL "$1" 2>/dev/null
  wait "$1" 2>/dev/null
  return 0
}

# A subshell signalled just after fork (before bash resets its traps) can
# run these traps too; only the test's own shell may clean up. The pid is
# read from /proc because $BASHPID proved unreliable there.
main_shell() {
  local self
  read -r self _ </proc/self/stat
  [ "$self" = "$$" ]
}

cleanup() {
  main_shell || return 0
  local pid
  for pid in $spawned; do kill_group "$pid"; done
  rm -rf "$T"
}
trap cleanup EXIT
trap 'main_shell && exit 130; exit 143' INT TERM HUP

pass() { passed=$((passed + 1)); [ -z "${VERBOSE:-}" ] || echo "ok - $1"; }
fail() {
  failed=$((failed + 1))
  show_failure "$@"
}
skip() { skipped=$((skipped + 1)); echo "SKIP - $TEST_NAME: $1: $2"; }
# ok_if NAME CMD...: passes NAME if CMD succeeds, else fails it.
ok_if() { local name=$1; shift; if "$@"; then pass "$name"; else fail "$name"; fi; }
show_failure() {
  echo "FAIL - $TEST_NAME: $1"
  shift
  local line
  for line in "$@"; do printf '%s\n' "$line" | sed 's/^/    /'; done
}

ref_pass() { ref_passed=$((ref_passed + 1)); [ -z "${VERBOSE:-}" ] || echo "ok - $1 [reference]"; }
ref_fail() {
  ref_failed=$((ref_failed + 1))
  local name=$1
  shift
  show_failure "$name [reference]" "$@"
}
# Without the reference each of its runs is skipped: the NOTE above says so
# once, and the count shows on the reference tally.
ref_skip() {
  ref_skipped=$((ref_skipped + 1))
  [ "$HAVE_REF" = 0 ] || echo "SKIP - $TEST_NAME: $1 [reference]: $2"
}

pass_both() { pass "$1"; ref_pass "$1"; }
fail_both() {
  failed=$((failed + 1)) ref_failed=$((ref_failed + 1))
  show_failure "$@"
}
skip_both() { skip "$1" "$2"; ref_skip "$1" "$2"; }

pass_for() { if [ "$1" = "$REF" ]; then ref_pass "$2"; else pass "$2"; fi; }
fail_for() {
  local dir=$1
  shift
  if [ "$dir" = "$REF" ]; then ref_fail "$@"; else fail "$@"; fi
}

is_function() { [ "$(type -t "$1" 2>/dev/null)" = function ]; }

# run_with DIR CMD...: runs CMD with P=DIR; sets RC, OUTF, ERRF (normalised files).
run_with() {
  P=$1
  shift
  OUTF=$T/.out.$RANDOM$RANDOM
  ERRF=$T/.err.$RANDOM$RANDOM
  if is_function "$1"; then
    ("$@") <"$STDIN" >"$OUTF.raw" 2>"$ERRF.raw" &
  else
    local prog=$1
    shift
    "$P/$prog" "$@" <"$STDIN" >"$OUTF.raw" 2>"$ERRF.raw" &
  fi
  wait_for "$TIMEOUT" $!
  RC=$?
  HUNG=$WAIT_HUNG
  [ "$HUNG" = 0 ] || RC="hung (killed after ${TIMEOUT}s)"
  if [ -n "$NORM" ]; then
    sed -e "$NORM" "$OUTF.raw" >"$OUTF"
    sed -e "$NORM" "$ERRF.raw" >"$ERRF"
  else
    mv "$OUTF.raw" "$OUTF"
    mv "$ERRF.raw" "$ERRF"
  fi
}

# compare_result RC OUT ERR: true when the last run matched; otherwise the
# differences are in PROBLEMS.
compare_result() {
  local rc=$1 out=$2 err=$3
  PROBLEMS=()
  [ "$RC" = "$rc" ] || PROBLEMS+=("exit code: want $rc, got $RC")
  [ "$HUNG" = 0 ] || PROBLEMS+=("the command hung and was killed by the watchdog")
  if [ "$(cat "$OUTF"; echo .)" != "$out." ]; then
    PROBLEMS+=("stdout differs:" "$(printf '%s' "$out" | diff -u - "$OUTF" | tail -n +3 | head -20)")
  fi
  if [ "$(cat "$ERRF"; echo .)" != "$err." ]; then
    PROBLEMS+=("stderr differs:" "$(printf '%s' "$err" | diff -u - "$ERRF" | tail -n +3 | head -20)")
  fi
  [ ${#PROBLEMS[@]} -eq 0 ]
}

check_ours() {
  local name=$1 rc=$2 out=$3 err=$4
  shift 4
  run_with "$BIN" "$@"
  if compare_result "$rc" "$out" "$err"; then pass "$name"; else fail "$name" "${PROBLEMS[@]}"; fi
}

check() {
  local name=$1 rc=$2 out=$3 err=$4
  shift 4
  check_ours "$name" "$rc" "$out" "$err" "$@"
  if [ "$HAVE_REF" != 1 ]; then
    ref_skip "$name" "reference not installed"
    return
  fi
  run_with "$REF" "$@"
  if compare_result "$rc" "$out" "$err"; then ref_pass "$name"; else ref_fail "$name" "${PROBLEMS[@]}"; fi
}

same() {
  local name=$1
  shift
  if [ "$HAVE_REF" != 1 ]; then
    skip_both "$name" "reference not installed"
    return
  fi
  run_with "$BIN" "$@"
  local ours_rc=$RC ours_out=$OUTF ours_err=$ERRF ours_hung=$HUNG
  run_with "$REF" "$@"
  local problems=()
  # A hang is a failure even when both hang alike.
  [ "$ours_hung" = 0 ] || problems+=("ours hung and was killed by the watchdog")
  [ "$HUNG" = 0 ] || problems+=("the reference hung and was killed by the watchdog")
  [ "$ours_rc" = "$RC" ] || problems+=("exit code: reference $RC, ours $ours_rc")
  cmp -s "$OUTF" "$ours_out" || problems+=("stdout differs (reference, then ours):" "$(diff -u "$OUTF" "$ours_out" | tail -n +3 | head -20)")
  cmp -s "$ERRF" "$ours_err" || problems+=("stderr differs (reference, then ours):" "$(diff -u "$ERRF" "$ours_err" | tail -n +3 | head -20)")
  if [ ${#problems[@]} -eq 0 ]; then pass_both "$name"; else fail_both "$name" "${problems[@]}"; fi
}

# The watchdog is a background job, so (job control being on) a process
# group of its own: KILL to that group ends it and its sleep at once. (A
# TERM could reach the subshell before it has set up its signal handling,
# and be lost, leaving the sleep to run out and report a hang.) Call from
# the test's own shell, where job control is on.
wait_for() {
  local secs=$1 pid=$2 wd rc mark=$T/.hung.$RANDOM$RANDOM
  (sleep "$secs"; : >"$mark"; kill -KILL -- "-$pid" || kill -KILL "$pid") >/dev/null 2>&1 &
  wd=$!
  wait "$pid"
  rc=$?
  kill -KILL -- "-$wd" 2>/dev/null
  wait "$wd" 2>/dev/null
  WAIT_HUNG=0
  [ ! -e "$mark" ] || { WAIT_HUNG=1; rc=124; rm -f "$mark"; }
  return $rc
}

within() {
  local secs=$1 rc
  shift
  "$@" &
  wait_for "$secs" $!
  rc=$?
  [ "$WAIT_HUNG" = 0 ] || fail "hung, killed after ${secs}s: $*"
  return $rc
}

spawn() {
  local var=$1
  shift
  "$@" &
  local pid=$!
  spawned="$spawned $pid"
  printf -v "$var" '%s' "$pid"
}

# stop PID: ends a spawned process group now (it is also ended at exit).
stop() { kill_group "$1"; }

wait_until() {
  local secs=$1 i=0
  shift
  local tries=$((secs * 20))
  while ! "$@" >/dev/null 2>&1; do
    i=$((i + 1))
    [ $i -lt $tries ] || return 1
    sleep 0.05
  done
  return 0
}

now_ms() { local t=${EPOCHREALTIME/./}; echo $((t / 1000)); }

wait_ms() {
  local var=$1 t0 rc
  shift
  t0=$(now_ms)
  wait_until "$@"
  rc=$?
  printf -v "$var" '%s' $(($(now_ms) - t0))
  return $rc
}

timing() { echo "TIMING - $TEST_NAME: $1: $2 $3" >>"$T/.timing"; }

finish() {
  [ ! -f "$T/.timing" ] || cat "$T/.timing"
  echo "$TEST_NAME: $passed passed, $failed failed, $skipped skipped"
  echo "$TEST_NAME: reference: $ref_passed passed, $ref_failed failed, $ref_skipped skipped"
  [ "$failed" -eq 0 ] && [ "$ref_failed" -eq 0 ]
}
