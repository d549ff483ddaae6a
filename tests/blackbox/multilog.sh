# multilog: every action, the log directory's files, rotation where the
# reference rotates, retention, processors, signals, start-up recovery and
# errors. Most scenarios run against ours and the reference (same) and
# compare the whole directory afterwards: names, modes, sizes, contents,
# with TAI64N stamps (in lines and in file names) replaced by @STAMP.
. "$(dirname "$0")/lib.sh"
# The watchdog of each scenario is a hang guard: s4096 over 450 KB makes
# some 110 rotations, each fsynced, by ours and the reference alike, which
# a loaded machine's disk stretched past the default 30 s once (load 20,
# both "hung", both with the right files so far).
TIMEOUT=120

NORM='s/@4000[0-9a-f]\{20\}/@STAMP/g'
n_in=0
input() { n_in=$((n_in + 1)); STDIN=$T/in.$n_in; printf "$1" >"$STDIN"; }
# A fresh working directory for one run (ours and the reference's differ).
fresh() { W=$(mktemp -d "$T/w.XXXXXX") && cd "$W"; }
# describe DIR: every file, oldest @ file first, with mode, size and contents.
describe() {
  local f
  for f in $(cd "$1" && ls -A | LC_ALL=C sort); do
    printf '== %s %s %s\n' "$f" "$(stat -c %a "$1/$f")" "$(stat -c %s "$1/$f")"
    case $f in lock) ;; *) cat -v "$1/$f" ;; esac
  done
}
# ml ARGS...: runs multilog in a fresh directory on $STDIN, then describes ./d
ml() {
  fresh
  "$P/multilog" "$@"
  echo "exit $?"
  describe d
}
# lines N WIDTH: N lines "i xxxx..." of varying length (deterministic)
# delivered PID: no signal is pending for PID any more (its handler ran).
delivered() { ! grep -Eq '^(SigPnd|ShdPnd):.*[1-9a-f]' "/proc/$1/status"; }
lines() { awk -v n="$1" -v w="$2" 'BEGIN { for (i = 0; i < n; i++) { s = i " "; l = (i * 7919) % w; while (length(s) < l) s = s "x"; print s } }'; }

# ---- the script: nothing is an error
check "no arguments: input is read and dropped" 0 "" "" multilog
input "a\nb\n"
check "unknown actions are ignored" 0 "" "" multilog xyz 9 ':'
same "a plain directory" ml ./d
same "t stamps each line" ml t ./d
same "t anywhere but first is ignored" ml ./d t
input "one\n\ntwo\n\n"
same "empty lines, with stamps" ml t ./d
input "no newline at the end"
same "a partial last line gets a newline" ml ./d
same "a partial last line gets a newline, stamped" ml t ./d
input ""
same "empty input leaves an empty current" ml t ./d
input "a\0b\n\377\376\r\n\t\001x\n"
same "binary bytes pass through" ml ./d
same "binary bytes pass through, stamped" ml t ./d
STDIN=$T
same "a read error ends the input" ml t ./d

# ---- selection: the reference's '*' (up to the FIRST next character)
input "error: disk\nsevere error here\ninfo: ok\nwarning: x\nerr\nerrors\n*star\n\nabc*def\n"
same "-* +*error*" ml -'*' +'*error*' ./d
same "-pattern removes exact matches only" ml -'info: ok' -err ./d
same "trailing star matches the rest" ml -'*' +'e*' ./d
same "star in the middle" ml -'*' +'a*f' +'w*:*' ./d
same "patterns see the stamp" ml t -'*' +'@* error*' ./d
same "every stamp starts @4000" ml t -'@4000*' ./d
same "several directories, each with its own selection" ml ./d -'*' +'info*' ./d2 +'*' -'e*' ./d3
both_dirs() { ml ./d -'*' +'info*' ./d2 >/dev/null; describe d2; }
same "the second directory" both_dirs
input "warning: one\ninfo: two\nerror: three\n"
same "e copies selected lines to stderr" ml -'info*' e ./d
same "e before any selection copies every line" ml e -'*' ./d
same "e with stamps" ml t e ./d

long=$(head -c 1500 /dev/zero | tr '\0' 'L')
input "short\n${long}\nend\n"
same "lines longer than 1000 bytes are written whole" ml ./d
same "lines longer than 1000 bytes, stamped" ml t ./d
same "e shows 200 bytes and ..." ml e ./d
status() { fresh; "$P/multilog" "$@"; echo "exit $?"; od -c st | tail -3; wc -c <st; stat -c %a st; }
same "=file holds the last line, 1001 bytes" status =st
same "=file of a long line: its first 1000 bytes" status t =st
input "first line\nsecond\n"
same "=file: shorter line padded with newlines" status =st
same "=file only sees selected lines" status -'sec*' =st
input "x\n"
pre_status() { fresh; head -c 3000 /dev/zero | tr '\0' 'o' >st; "$P/multilog" =st; echo "exit $?"; wc -c <st; head -c 3 st | od -c | head -1; }
same "=file is rewritten in place, not truncated" pre_status

# ---- rotation, at the reference's byte positions
lines 3000 300 >"$T/rot.in"
STDIN=$T/rot.in
same "s4096: rotation where the reference rotates" ml s4096 n1000 ./d
same "s5000, stamped" ml t s5000 n1000 ./d
awk 'BEGIN { for (i = 0; i < 300; i++) { s = i " "; l = (i % 7 == 0) ? 2500 + i : 40 + i % 50; while (length(s) < l) s = s "y"; print s } }' >"$T/rotlong.in"
STDIN=$T/rotlong.in
same "rotation with lines longer than the margin" ml s4096 n1000 ./d
same "s below 4096 counts as 4096" ml s100 n1000 ./d
STDIN=$T/rot.in
same "n: the newest files are kept" ml s4096 n3 ./d
same "n below 2 counts as 2" ml s4096 n0 ./d
same "s, n apply to the directories after them" ml ./d s4096 n2 ./d2
# Everything a read brought in is on disk before the next read, also when
# current is nearly full: a finished current of 3800 bytes (s4096), then
# one 401-byte line (newline included) from a pipe. The reference writes
# it at once too, cut at the rotation (296 bytes end current, the rest
# begins the next one). Killed then, both leave the same files.
near_s_pipe() {
  fresh
  mkdir d
  { head -c 3799 /dev/zero | tr '\0' a; echo; } >d/current
  chmod 744 d/current
  mkfifo f
  "$P/multilog" s4096 ./d <f &
  local pid=$!
  exec 7>f
  { head -c 400 /dev/zero | tr '\0' b; echo; } >&7
  if wait_until 10 sh -c '[ "$(cat d/@* d/current 2>/dev/null | wc -c)" -eq 4201 ]'; then
    echo "on disk"
  else
    echo "not on disk after 10 s"
  fi
  { kill -KILL $pid; wait $pid; } 2>/dev/null
  exec 7>&-
  describe d
}
same "a line read near s is on disk before the next read" near_s_pipe
sizes() { fresh; "$P/multilog" s4096 n1000 ./d; for f in d/@*; do wc -c <"$f"; done | sort -n | sed -n '1p;$p'; }
same "rotated files stay between size-2000 and size" sizes

# ---- processors
STDIN=$T/rot.in
same "!processor output becomes the .s file" ml s4096 n1000 '!tr 0-9 a-j' ./d
same "processor state: fd 4 is state, fd 5 newstate" ml s4096 n1000 '!cat >/dev/null; cat <&4 >&5; echo more >&5' ./d
proc_state() { ml s4096 n1000 '!cat; wc -l <&4 >&2' ./d >/dev/null; cat d/state; ls d | grep -c '^@'; }
same "processor stderr is multilog's" proc_state
seq 1 400 | sed 's/^/line /' >"$T/proc.in"
STDIN=$T/proc.in
fail_then_ok() {
  fresh
  "$P/multilog" s4096 n100 "!test -f $W/ok || { touch $W/ok; exit 3; }; sed s/^/P/" ./d
  echo "exit $?"
  describe d
}
same "a failing processor is retried, nothing lost" fail_then_ok
crash_then_ok() {
  fresh
  "$P/multilog" s4096 n100 "!test -f $W/ok || { touch $W/ok; kill -9 \$\$; }; cat" ./d 2>&1 | sed 's/pausing: .*/pausing: REASON/'
  describe d
}
same "a crashing processor is retried" crash_then_ok

# ---- start-up with what a previous run left
leftover() {
  fresh
  mkdir d
  printf 'unfinished\n' >d/current && chmod 644 d/current
  printf 'x\n' >d/state
  printf 'y\n' >d/newstate
  echo new | "$P/multilog" ./d
  echo "exit $?"
  describe d
}
same "an unfinished current becomes a .u file" leftover
finished() {
  fresh
  mkdir d
  printf 'finished\n' >d/current && chmod 744 d/current
  printf 'kept\n' >d/state
  echo more | "$P/multilog" ./d
  echo "exit $?"
  describe d
}
same "a finished current is appended to" finished
rerun() { fresh; echo one | "$P/multilog" t ./d; echo two | "$P/multilog" t ./d; echo "exit $?"; describe d; }
same "a second run appends to the first's current" rerun
left_processed() {
  fresh
  mkdir d
  printf 'raw\n' >d/previous && chmod 744 d/previous
  printf 'PROCESSED\n' >d/processed && chmod 744 d/processed
  printf 'cur\n' >d/current
  echo new | "$P/multilog" '!cat' ./d
  echo "exit $?"
  describe d
}
same "a finished processed is kept, previous dropped" left_processed
left_previous() {
  fresh
  mkdir d
  printf 'raw\n' >d/previous && chmod 744 d/previous
  printf 'half\n' >d/processed
  echo new | "$P/multilog" '!cat' ./d
  echo "exit $?"
  describe d
}
same "an unprocessed previous becomes a .u file" left_previous
modes_running() {
  fresh
  mkfifo f
  "$P/multilog" ./d <f &
  local pid=$!
  exec 7>f
  echo running >&7
  wait_until 10 grep -q running d/current
  stat -c %a d/current
  exec 7>&-
  wait $pid
  echo "exit $?"
  stat -c %a d/current
}
same "current is 644 while written, 744 when finished" modes_running

# ---- signals
alrm() {
  fresh
  mkfifo f
  "$P/multilog" t ./d <f &
  local pid=$!
  exec 7>f
  echo before >&7
  wait_until 10 grep -q before d/current
  kill -ALRM $pid
  wait_until 10 test ! -s d/current
  kill -ALRM $pid  # current is empty: nothing happens
  wait_until 10 delivered $pid
  echo after >&7
  wait_until 10 grep -q after d/current
  exec 7>&-
  wait $pid
  echo "exit $?"
  describe d
}
same "ALRM rotates a non-empty current" alrm
term_partial() {
  fresh
  mkfifo f
  "$P/multilog" ./d <f &
  local pid=$!
  exec 7<>f
  printf 'a\nb' >&7
  wait_until 10 grep -q a d/current
  kill -TERM $pid
  wait_until 10 delivered $pid
  printf 'c\nleft\n' >&7
  wait $pid
  echo "exit $?"
  describe d
  # what the reference left in the pipe is still there
  read -r -t 5 rest <&7
  echo "left in the pipe: $rest"
  exec 7>&-
}
same "TERM finishes the line being read, reads nothing more" term_partial
term_idle() {
  fresh
  mkfifo f
  "$P/multilog" ./d <f &
  local pid=$!
  exec 7<>f
  printf 'a\n' >&7
  wait_until 10 grep -q a d/current
  kill -TERM $pid
  wait $pid
  echo "exit $?"
  exec 7>&-
  describe d
}
same "TERM between lines exits at once" term_idle
# Started with TERM and ALRM blocked (a mask inherited from its parent):
# both still reach it.
blocked_signals() {
  fresh
  mkfifo f
  "$HELPERS/sigblock" TERM,ALRM "$P/multilog" ./d <f &
  local pid=$!
  exec 7<>f  # held open: only TERM can end it
  printf 'a\n' >&7
  wait_until 10 grep -q a d/current
  kill -ALRM $pid
  wait_until 5 test ! -s d/current && echo "ALRM rotated"
  kill -TERM $pid
  wait_until 5 sh -c '! kill -0 "$1"' sh $pid && echo "TERM ended it" || kill -KILL $pid
  wait $pid 2>/dev/null
  echo "exit $?"
  exec 7>&-
}
if [ -x "${HELPERS:-}/sigblock" ]; then
  check "TERM and ALRM work when started with them blocked" 0 "ALRM rotated
TERM ended it
exit 0
" "" blocked_signals
else
  skip "TERM and ALRM work when started with them blocked" "helper sigblock not built (HELPERS=${HELPERS:-})"
fi

# ---- errors
input "x\n"
lock_held() {
  fresh
  mkdir d
  mkfifo f
  "$P/multilog" ./d <f &
  local pid=$!
  exec 7>f
  wait_until 10 test -e d/current
  "$P/multilog" ./d </dev/null
  echo "exit $?"
  exec 7>&-
  wait $pid
}
check "a locked directory is fatal" 0 "exit 111
" "multilog: fatal: unable to lock directory ./d: temporary failure
" lock_held
in_dir() { cd "$T" && "$P/multilog" "$@"; }
in_sub() { cd "$T/$1" && shift && "$P/multilog" "$@"; }
: >"$T/plainfile"
check "a directory under a file" 111 "" "multilog: fatal: unable to open directory ./plainfile/d: not a directory
" in_dir ./plainfile/d
check "a directory that cannot be made" 111 "" "multilog: fatal: unable to open directory ./no/such/d: file does not exist
" in_dir ./no/such/d
check "a status file that cannot be created" 111 "" "multilog: fatal: unable to create ./no/such/st: file does not exist
" in_dir =./no/such/st ./d
check "status files are opened before directories" 111 "" "multilog: fatal: unable to create ./no/st: file does not exist
" in_dir ./no/d =./no/st
mkdir -p "$T/sdir/d/state"
check "state cannot be written" 111 "" "multilog: fatal: unable to write to ./d/state: is a directory
" in_sub sdir ./d
mkdir -p "$T/cdir/d/current"
chmod 755 "$T/cdir/d/current"
check "a finished current that cannot be appended to" 111 "" "multilog: fatal: unable to append to ./d/current: is a directory
" in_sub cdir ./d
check "a status file that is a directory" 111 "" "multilog: fatal: unable to create ./sdir: is a directory
" in_dir =./sdir

# Out of memory at start-up (an address-space limit of 20 MB, and 100000
# directories: the reference's table of them alone needs more): the
# daemontools message, exit 111, before any directory is made. A
# sanitizer build cannot run under such a limit.
if grep -q __asan_init "$BIN/multilog" 2>/dev/null; then
  skip "out of memory at start-up" "an address-space limit cannot apply to a sanitizer build"
elif ! command -v prlimit >/dev/null; then
  skip "out of memory at start-up" "prlimit (util-linux) is not installed"
else
  many_dirs=$(printf './d %.0s' $(seq 1 100000))
  no_memory() {
    fresh
    prlimit --as=20000000 "$P/multilog" $many_dirs </dev/null
    echo "exit $?"
    [ ! -e d ] || echo "./d was made"
  }
  check "out of memory at start-up" 0 "exit 111
" "multilog: fatal: out of memory
" no_memory
fi

# A rename that fails (previous is a non-empty directory) is retried
# until it works; nothing is lost.
rename_blocked() {
  fresh
  lines 200 100 >in
  mkfifo f
  "$P/multilog" s4096 ./d <f 2>err &
  local pid=$!
  exec 7>f
  wait_until 10 test -e d/current
  mkdir -p d/previous/x
  cat in >&7
  wait_until 20 grep -q 'unable to rename' err
  rm -rf d/previous
  exec 7>&-
  wait $pid
  echo "exit $?"
  head -1 err
  cat d/@* d/current | cmp - in && echo "all lines kept"
}
same "a failing rename is retried" rename_blocked

# The oldest "@..." entry is a directory, so trimming to n2 cannot remove
# it: the reference's warning (its loop reports the failed unlink as a
# failure to read the directory), then pauses between attempts -- not a
# spin -- and SIGTERM, which the reference ignores then, ends the wait.
oldest_is_dir_start() {
  fresh
  mkdir -p d/@000000000000000000000000.s
  lines 200 100 >in
  mkfifo f
  "$P/multilog" s4096 n2 ./d <f 2>err &
  pid=$!
  exec 7>f
  cat in >&7
  wait_until 10 grep -q warning err || echo "no warning"
}
oldest_is_dir() {
  oldest_is_dir_start
  head -1 err
  { kill -KILL $pid; wait $pid; } 2>/dev/null
  exec 7>&-
}
check "an old file that cannot be removed: the reference's warning" 0 \
  "multilog: warning: unable to read ./d, pausing: is a directory
" "" oldest_is_dir
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
oldest_is_dir_term() {
  oldest_is_dir_start
  local t0 t1 n
  t0=$(cpu_ticks $pid)
  sleep 1  # the interval over which CPU time is measured
  t1=$(cpu_ticks $pid)
  # multilog(8): waits between attempts, at most every half second. 20
  # ticks (a fifth of a CPU) is a spin's tell, not a bound on speed.
  # Measured (this check's lines repeated): 0 ticks in all of 15 runs at
  # load 14-20 and 8 under the sanitizers at load 9-11.
  timing "multilog paused on a failed removal, CPU in 1 s" $((t1 - t0)) ticks
  if [ $((t1 - t0)) -le 20 ]; then echo "paused, not spinning"; else echo "spinning: $((t1 - t0)) ticks of CPU in 1 s"; fi
  kill -TERM $pid
  wait_until 5 sh -c '! kill -0 "$1"' sh $pid || { echo "still running 5 s after TERM"; kill -KILL $pid; }
  wait $pid 2>/dev/null
  echo "exit $?"
  exec 7>&-
  # What it had read is all there, in whole lines (the rest stays unread).
  cat d/@4* d/current >log
  n=$(wc -c <log)
  [ "$n" -gt 0 ] && [ "$(tail -c 1 log | od -An -c | tr -d ' ')" = '\n' ] && head -c "$n" in | cmp -s - log &&
    echo "the log is the input's first lines"
}
check_ours "an old file that cannot be removed: a pause, and TERM ends it" 0 "paused, not spinning
exit 0
the log is the input's first lines
" "" oldest_is_dir_term

finish
