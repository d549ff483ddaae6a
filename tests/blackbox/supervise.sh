# supervise: start-up errors, every control letter, the down file, once,
# exit, pause, bad run scripts and garbage on the FIFO; each scenario run
# against ours and the reference with the same (normalised) result.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../helpers/supervise_common.sh"

# --- start-up errors -------------------------------------------------------
check "no argument" 100 "" "supervise: usage: supervise dir
" supervise
check "two arguments" 100 "" "supervise: usage: supervise dir
" supervise a b
check "missing dir" 111 "" "supervise: fatal: unable to chdir to $T/nope: file does not exist
" supervise "$T/nope"
mksvc "$T/loop" 'exit 0'
ln -s down "$T/loop/down"
check "down cannot be examined" 111 "" "supervise: fatal: unable to stat $T/loop/down: symbolic link loop
" supervise "$T/loop"
mksvc "$T/file" 'exit 0'
touch "$T/file/supervise"
check "supervise is a file" 111 "" "supervise: fatal: unable to acquire $T/file/supervise/lock: not a directory
" supervise "$T/file"
mksvc "$T/cdir" 'exit 0'
mkdir -p "$T/cdir/supervise/control"
check "control is a directory" 111 "" "supervise: fatal: unable to write $T/cdir/supervise/control: is a directory
" supervise "$T/cdir"

# supervise as a symbolic link to a directory not made yet (a read-only
# service directory pointing at /run): Debian's 0.76 makes the link's
# target, one level, mode 0700; not its parent, not through a second link.
dangling() {
  local d sp
  umask 022
  d=$(mktemp -d "$T/dl.XXXXXX")
  mksvc "$d/s" 'exec sleep 100'
  mkdir "$d/run"
  case $1 in
    absolute) ln -s "$d/run/s" "$d/s/supervise" ;;
    relative) ln -s ../run/s "$d/s/supervise" ;;
    no-parent) ln -s "$d/run/a/s" "$d/s/supervise" ;;
    chain) ln -s "$d/run/s" "$d/link"; ln -s "$d/link" "$d/s/supervise" ;;
  esac
  "$P/supervise" "$d/s" 2>"$d/err" & sp=$!
  wait_until 10 eval '"$P/svok" "$d/s" || ! kill -0 $sp'
  if "$P/svok" "$d/s"; then
    echo up
    "$P/svc" -dx "$d/s"
  fi
  wait "$sp"
  echo "exit $?"
  sed "s|$d|D|g" "$d/err"
  # xstatus is ours alone: the documented extension (service-dir(5)).
  (cd "$d" && find run link -printf '%p %M\n' 2>/dev/null | grep -v '/xstatus ' | sort)
}
SV_IN_RUN="run drwxr-xr-x
run/s drwx------
run/s/control prw-------
run/s/lock -rw-------
run/s/ok prw-------
run/s/status -rw-r--r--
"
check "supervise links to a directory not made yet" 0 "up
exit 0
$SV_IN_RUN" "" dangling absolute
check "the same with a relative link" 0 "up
exit 0
$SV_IN_RUN" "" dangling relative
check "the link's target's parent is not made" 0 "exit 111
supervise: fatal: unable to acquire D/s/supervise/lock: file does not exist
run drwxr-xr-x
" "" dangling no-parent
check "nor a target reached through a second link" 0 "exit 111
supervise: fatal: unable to acquire D/s/supervise/lock: file does not exist
link lrwxrwxrwx
run drwxr-xr-x
" "" dangling chain

# Lock contention, each implementation holding the lock in turn.
for holder in "$BIN" "$REF"; do
  if [ "$holder" = "$REF" ] && [ "$HAVE_REF" != 1 ]; then
    skip_both "lock held by the reference's supervise" "reference not installed"
    skip_both "lock message keeps the dir as given (reference's)" "reference not installed"
    ref_skip "first supervise unharmed (reference's)" "reference not installed"
    continue
  fi
  d=$T/locked.$RANDOM
  mksvc "$d" 'exec sleep 100'
  start_sup sp "$holder/supervise" "$d"
  check "second supervise fails (lock held by $holder)" 111 "" "supervise: fatal: unable to acquire $d/supervise/lock: temporary failure
" supervise "$d"
  in_t() { cd "$(dirname "$d")" && "$P/supervise" "./$(basename "$d")/"; }
  check "lock message keeps the dir as given ($holder)" 111 "" "supervise: fatal: unable to acquire ./$(basename "$d")//supervise/lock: temporary failure
" in_t
  if kill -0 "$sp" && "$BIN/svok" "$d"; then pass_for "$holder" "first supervise unharmed ($holder)"; else fail_for "$holder" "first supervise unharmed ($holder)"; fi
  end_sup "$sp" "$d"
done

# --- scenarios, ours against the reference ------------------------------------
NORM=$NORM_SV
# Each scenario works in a fresh directory under $T, named "s" so output
# does not depend on the implementation.
fresh() { cd "$(mktemp -d "$T/sc.XXXXXX")"; }
st() { "$P/svstat" s; }
finish_sup() {  # svc -dx, then report supervise's exit code
  "$P/svc" -dx s
  wait "$1"
  echo "supervise exited $?"
  st
}

lifecycle() {
  fresh
  mksvc s 'echo start >>starts; exec sleep 100'
  "$P/supervise" s & local sp=$!
  wait_until 10 sv_up s; st
  # xstatus is ours alone: the documented extension (service-dir(5)).
  ls -l s/supervise | awk 'NR > 1 && $NF != "xstatus" { print $1, $NF }'
  "$P/svc" -p s; wait_until 10 eval '[ "$(sv_paused s)" = 1 ]'; st
  grep -q '^State:.*T' "/proc/$(sv_pid s)/status" && echo "child stopped"
  "$P/svc" -c s; wait_until 10 eval '[ "$(sv_paused s)" = 0 ]'; st
  wait_until 10 eval '! grep -q "^State:.*T" /proc/$(sv_pid s)/status' && echo "child continued"
  "$P/svc" -d s; wait_until 10 sv_down s; st
  "$P/svc" -u s; wait_until 10 sv_up s; st
  wc -l <s/starts
  finish_sup "$sp"
}
same "lifecycle: up, pause, continue, down, up, exit" lifecycle

pause_then_down() {
  fresh
  mksvc s 'trap "echo got TERM >>log; exit 0" TERM; echo >>starts; while :; do sleep 0.05; done'
  "$P/supervise" s & local sp=$!
  wait_until 10 sv_up s
  wait_until 10 lines_at_least s/starts 1  # the trap is set
  "$P/svc" -p s; wait_until 10 eval '[ "$(sv_paused s)" = 1 ]'; st
  "$P/svc" -d s; wait_until 10 sv_down s; st   # TERM then CONT: a stopped child dies
  cat s/log
  "$P/svc" -p s; sleep 0.2; st; od -An -tx1 -j16 s/supervise/status
  "$P/svc" -u s; wait_until 10 sv_up s; st    # a start clears the pause
  finish_sup "$sp"
}
same "pause, then down: the stopped child gets TERM and CONT" pause_then_down

signals() {
  fresh
  mksvc s 'for sig in HUP ALRM INT; do trap "echo $sig >>sigs" $sig; done
trap "echo TERM >>sigs; exit 0" TERM
echo start >>starts
while :; do sleep 0.05; done'
  # Background jobs of a script start with INT ignored, and 0.76 passes
  # that on to ./run (ours resets it; tested below): undo it for both.
  env --default-signal=INT "$P/supervise" s & local sp=$!
  wait_until 10 sv_up s
  wait_until 10 lines_at_least s/starts 1  # the traps are set
  "$P/svc" -h s; wait_until 10 file_has s/sigs HUP
  "$P/svc" -a s; wait_until 10 file_has s/sigs ALRM
  "$P/svc" -i s; wait_until 10 file_has s/sigs INT
  st
  local p1; p1=$(sv_pid s)
  "$P/svc" -t s; wait_until 10 sv_pid_is_not s "$p1"; st
  local p2; p2=$(sv_pid s)
  "$P/svc" -k s; wait_until 10 sv_pid_is_not s "$p2"; st
  cat s/sigs
  wc -l <s/starts
  finish_sup "$sp"
}
same "h a i t k reach ./run; t and k restart it" signals

down_file() {
  fresh
  mksvc s 'echo start >>starts; exec sleep 100'
  touch s/down
  "$P/supervise" s & local sp=$!
  wait_until 10 "$P/svok" s; sleep 0.3; st
  [ -e s/starts ] || echo "not started"
  "$P/svc" -u s; wait_until 10 sv_up s; st
  "$P/svc" -d s; wait_until 10 sv_down s; st
  finish_sup "$sp"
}
same "down file: not started until u" down_file

once() {
  fresh
  mksvc s 'echo start >>starts; exec sleep 100'
  touch s/down
  "$P/supervise" s & local sp=$!
  wait_until 10 "$P/svok" s
  "$P/svc" -o s; wait_until 10 sv_up s; st
  od -An -tx1 -j17 s/supervise/status
  # Up means the pid is published; ./run may not have run its echo yet.
  wait_until 10 lines_at_least s/starts 1
  "$P/svc" -k s; wait_until 10 sv_down s; sleep 1.5; st
  wc -l <s/starts
  rm s/down
  "$P/svc" -u s; wait_until 10 sv_up s
  "$P/svc" -o s; wait_until 10 eval '[ "$(sv_want s)" = 00 ]'; st
  wait_until 10 lines_at_least s/starts 2
  "$P/svc" -t s; wait_until 10 sv_down s; sleep 1.5; st
  wc -l <s/starts
  finish_sup "$sp"
}
same "o: runs once, never restarted" once

exit_letter() {
  fresh
  mksvc s 'exec sleep 100'
  "$P/supervise" s & local sp=$!
  wait_until 10 sv_up s
  "$P/svc" -x s; sleep 1.5
  kill -0 "$sp" && echo "still running while ./run is up"
  st
  "$P/svc" -d s
  wait "$sp"; echo "supervise exited $?"
  st; od -An -tx1 -j12 s/supervise/status
  # x with nothing running: leaves at once.
  touch s/down
  "$P/supervise" s & sp=$!
  wait_until 10 "$P/svok" s
  "$P/svc" -x s
  wait "$sp"; echo "supervise exited $?"
}
same "x: exits once ./run is down, not before" exit_letter

x_stops_reading() {
  fresh
  mksvc s 'echo start >>starts; exec sleep 100'
  touch s/down
  "$P/supervise" s & local sp=$!
  wait_until 10 "$P/svok" s
  printf 'xu' >s/supervise/control
  wait "$sp"; echo "supervise exited $?"
  [ -e s/starts ] && echo started || echo "not started"
}
same "bytes after x are not acted on" x_stops_reading

garbage() {
  fresh
  mksvc s 'exec sleep 100'
  "$P/supervise" s & local sp=$!
  wait_until 10 sv_up s
  printf 'zZ\0\377\n?UDX' >s/supervise/control
  head -c 70000 /dev/zero | tr '\0' 'q' >s/supervise/control
  sleep 0.3
  "$P/svok" s && echo "still supervising"
  st
  "$P/svc" -d s; wait_until 10 sv_down s; st
  finish_sup "$sp"
}
same "garbage on the control FIFO is ignored" garbage

run_missing() {
  fresh
  mkdir s
  # Appended (2>>): err is emptied below while supervise writes on; from
  # its old offset it would leave a hole of NULs as long as what it wrote
  # before, which depends on the pace ("Binary files differ" under load).
  "$P/supervise" s 2>>err & local sp=$!
  wait_until 10 lines_at_least err 2
  "$P/svok" s && echo "still supervising"
  sort -u err
  printf '#!/bin/sh\nexec sleep 100\n' >s/run.new
  chmod 644 s/run.new; mv s/run.new s/run
  # An attempt made before the mv may report the missing run after it: start
  # afresh once the new run is what is reported.
  wait_until 10 eval 'grep -qv "file does not exist" err'
  : >err; wait_until 10 lines_at_least err 2
  sort -u err
  chmod 755 s/run
  wait_until 10 eval '[ -n "$(sv_pid s)" ] && [ "$(sv_pid s)" != 0 ] && grep -q "^Name:.*sleep" /proc/$(sv_pid s)/status'
  echo "running now"
  finish_sup "$sp"
}
same "run missing, then not executable, then fixed" run_missing

# --- ours only: what 0.76 does differently or cannot show ------------------------
P=$BIN

# Pacing: a run that exits at once is started about once a second, and
# supervise stays idle in between. Both implementations. The promise
# (README, supervise(8)): restarted whenever it exits, at most once a
# second. 3 to 6 starts in the 4 s window: at most 5 fit, 6 allows for the
# looks at starts around the window; 3 allows for one start lost to a
# shell slowed by load, where a lost restart or a missing pacing is far
# outside. Measured (bench/timing.sh, ours): plain, load 7-20 (CI runs
# beside, and two busy loops in most rounds): N 6, 4 or 5 starts, at
# most 2 ticks; sanitizers, load 8-79: N 2, 4 starts, 2 ticks. 25 ticks (a
# quarter of the CPU) is a spin's tell, not a bound on speed.
for impl in "$BIN" "$REF"; do
  if [ "$impl" = "$REF" ] && [ "$HAVE_REF" != 1 ]; then
    ref_skip "paced starts" "reference not installed"
    ref_skip "idle while paced" "reference not installed"
    continue
  fi
  d=$(mktemp -d "$T/pace.XXXXXX")/s
  mksvc "$d" "echo x >>$d/starts"
  start_sup sp "$impl/supervise" "$d"
  wait_until 10 lines_at_least "$d/starts" 1
  t0=$(cpu_ticks "$sp"); n0=$(wc -l <"$d/starts")
  sleep 4
  t1=$(cpu_ticks "$sp"); n1=$(wc -l <"$d/starts")
  n=$((n1 - n0)) ticks=$((t1 - t0))
  [ "$impl" != "$BIN" ] || { timing "paced starts in 4 s" "$n" starts; timing "supervise CPU while paced, 4 s" "$ticks" ticks; }
  if [ $n -ge 3 ] && [ $n -le 6 ]; then pass_for "$impl" "paced starts ($impl)"; else fail_for "$impl" "paced starts ($impl)" "$n starts in 4 seconds"; fi
  if [ $ticks -le 25 ]; then pass_for "$impl" "idle while paced ($impl)"; else fail_for "$impl" "idle while paced ($impl)" "$ticks ticks of CPU in 4 seconds"; fi
  end_sup "$sp" "$d"
done

# Commands during the pacing pause are acted on at once; the start stays paced.
d=$(mktemp -d "$T/prompt.XXXXXX")/s
mksvc "$d" "echo x >>$d/starts; exit 1"
start_sup sp "$BIN/supervise" "$d"
wait_until 10 lines_at_least "$d/starts" 2
# "At once" (supervise(8), COMPATIBILITY), where 0.76 reads commands only
# after the pacing second. svlatency (inotify on supervise/, no polling)
# sees ./run exit, runs svc -d at once and times it until the status wants
# down; it also says how long after the exit svc started, so a supervise
# that waited the second out would take about 1 s less that. Bound 500 ms:
# plain, repeated at load 12-20: N 30, p50 39, max 206 ms (svc ran 1 to
# 216 ms after the exit); in the runs 26 and 219 ms. Under the sanitizers
# every exec and wake-up is slower: 1500 ms there, a hang guard only (ours
# took 368 and 616 ms at load 8-12, a supervise waiting the second out
# would take some 960 ms); the plain build tells them apart. (Polled from
# the shell instead, the test's own forks took up to 883 ms at load 12: no
# bound could have.)
DPAUSE_US=500000
if grep -qa __asan_init "$BIN/supervise"; then DPAUSE_US=1500000; fi
if [ -n "$HELPERS" ] && [ -x "$HELPERS/svlatency" ]; then
  set -- $("$HELPERS/svlatency" pause "$BIN/svc" "$d")
  us=${2:-999999999} age=${4:-0}
  timing "d during the pacing pause, to want down" "$us" us
  timing "... svc started after the exit by" "$age" us
  ok_if "d during the pause is prompt (${us} us, svc ${age} us after the exit)" test "$us" -lt "$DPAUSE_US"
else
  skip "d during the pause is prompt" "helpers not built"
fi
wait_until 10 eval '[ "$(sv_want "$d")" = 64 ]'
n0=$(wc -l <"$d/starts"); sleep 1.5; n1=$(wc -l <"$d/starts")
if [ "$n0" = "$n1" ] && sv_down "$d"; then pass "d cancels the paced start"; else fail "d cancels the paced start" "$n0 -> $n1"; fi
"$BIN/svc" -u "$d"
wait_until 5 lines_at_least "$d/starts" $((n1 + 3))
n2=$(wc -l <"$d/starts"); sleep 2; n3=$(wc -l <"$d/starts")
if [ $((n3 - n2)) -le 3 ]; then pass "u restarts, still paced"; else fail "u restarts, still paced" "$((n3 - n2)) starts in 2 s"; fi
end_sup "$sp" "$d"

# What ./run inherits: fds 0-2 only, default dispositions, empty mask, even
# when supervise itself was started with signals ignored and blocked.
d=$(mktemp -d "$T/child.XXXXXX")/s
mkdir "$d"
ln -s "$HELPERS/childinfo" "$d/run"
spawn sp env --ignore-signal=PIPE,HUP,INT --block-signal=USR1,TERM "$BIN/supervise" "$d"
wait_until 10 test -s "$d/childinfo"
info() { cat "$d/childinfo"; }
check_ours "child has only fds 0-2, no blocked or ignored signals" 0 "fds: 0 1 2
SigBlk:	0000000000000000
SigIgn:	0000000000000000
" "" info
# Same after a restart.
p1=$(sv_pid "$d"); rm "$d/childinfo"
"$BIN/svc" -k "$d"
wait_until 10 test -s "$d/childinfo"
check_ours "the same after a restart" 0 "fds: 0 1 2
SigBlk:	0000000000000000
SigIgn:	0000000000000000
" "" info
end_sup "$sp" "$d"

# Signals 32 and 33, which glibc will not let a program reset, inherited
# ignored: ./run still gets their default disposition.
d=$(mktemp -d "$T/rt.XXXXXX")/s
mkdir "$d"
ln -s "$HELPERS/childinfo" "$d/run"
spawn sp "$HELPERS/rtignore" "$BIN/supervise" "$d"
wait_until 10 test -s "$d/childinfo"
ign() { grep '^SigIgn' "$d/childinfo"; }
check_ours "reserved signals inherited ignored are reset for the child" 0 "SigIgn:	0000000000000000
" "" ign
end_sup "$sp" "$d"

# Started with signals blocked: supervise unblocks the ones it catches, so
# a ./run that exits is still reaped and restarted (with SIGCHLD blocked
# it was never reaped: "up" forever), and ./run starts with an empty mask
# (0.76 passes on all but SIGCHLD: its ./run would ignore svc -t).
for mask in CHLD,TERM,HUP all; do
  d=$(mktemp -d "$T/blocked.XXXXXX")/s
  mkdir "$d"
  ln -s "$HELPERS/childinfo" "$d/run"
  spawn sp "$HELPERS/sigblock" "$mask" "$BIN/supervise" "$d"
  wait_until 10 test -s "$d/childinfo"
  blk() { grep '^SigBlk' "$d/childinfo"; }
  check_ours "blocked $mask: the child's mask is empty" 0 "SigBlk:	0000000000000000
" "" blk
  p1=$(sv_pid "$d")
  "$BIN/svc" -t "$d"
  if wait_until 10 sv_pid_is_not "$d" "$p1"; then
    pass "blocked $mask: a child that exits is reaped and restarted"
  else
    fail "blocked $mask: a child that exits is reaped and restarted" "$("$BIN/svstat" "$d")"
  fi
  end_sup "$sp" "$d"
done

finish
