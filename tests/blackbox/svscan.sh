# svscan: which directories get a supervise, log pairing, warnings (against
# the reference), new services, dot names, restarts without spinning,
# SIGHUP/SIGALRM scans, removed services and descriptor hygiene.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../helpers/svscan_common.sh"

check "missing directory is fatal" 111 "" "svscan: fatal: unable to chdir to $T/nope: file does not exist
" svscan "$T/nope"

need_supervise

# --- Differential: one tree of every kind of entry, scanned once --------
# The same tree (made fresh for each run) under ours and the reference:
# the set of supervise processes (where and how started), what the log
# pipe delivers and the warnings of the first scan must agree.
one_scan() {
  local d sv pid
  d=$(mktemp -d "$T/tree.XXXXXX")
  sv=$d/service
  mkservice "$sv/a"
  mkservice "$sv/b" 'echo b says hi; exec sleep 1000'
  mklog "$sv/b" "$d/b.log"
  mkservice "$sv/.hidden"
  mkservice "$d/elsewhere/c"
  ln -s ../elsewhere/c "$sv/clink"
  ln -s "$d/nowhere" "$sv/dangling"
  echo x >"$sv/file"
  ln -s file "$sv/filelink"
  mkdir "$sv/d" "$sv/d/log"  # a log directory without a run script
  mkservice "$sv/d"
  mkdir "$sv/e"
  echo x >"$sv/e/log"  # a log that is a file: 0.76 still runs supervise log
  mkservice "$sv/e"
  PATH="$RUNPATH" "$P/svscan" "$sv" 2>"$d/err" &
  pid=$!
  wait_until 10 all_up "$sv/a" "$sv/b" "$sv/b/log" "$sv/clink" "$sv/d" "$sv/e"
  wait_until 5 grep -q 'says hi' "$d/b.log"
  wait_until 5 grep -q 'chdir to log' "$d/err"
  wait_until 5 grep -q 'start log/run' "$d/err"
  supervisors "$d"
  kill -KILL "$pid"
  wait "$pid" 2>/dev/null
  kill_under "$d"
  echo "log: $(cat "$d/b.log")"
  sed "s|$d|D|g" "$d/err" | sort -u
}
EXPECTED_TREE="elsewhere/c: supervise clink 
service/a: supervise a 
service/b/log: supervise log 
service/b: supervise b 
service/d/log: supervise log 
service/d: supervise d 
service/e: supervise e 
log: b says hi
supervise: fatal: unable to chdir to log: not a directory
supervise: fatal: unable to start log/run: file does not exist
svscan: warning: unable to stat dangling: file does not exist
"
check_ours "which entries get a supervise, log pairing, warnings" 0 "$EXPECTED_TREE" "" one_scan
same "the same entries, log pairing and warnings as the reference" one_scan

# Without supervise in PATH: one warning per service and scan, from the
# child, in the reference's words.
no_supervise() {
  local d pid
  d=$(mktemp -d "$T/nosup.XXXXXX")
  mkservice "$d/x"
  mkservice "$d/y"
  mklog "$d/y" "$d/y.log"
  PATH="$d/empty" "$P/svscan" "$d" 2>"$d/err" &
  pid=$!
  three() { [ "$(sort -u "$d/err" 2>/dev/null | wc -l)" -ge 3 ]; }
  wait_until 5 three
  kill -KILL "$pid"
  wait "$pid" 2>/dev/null
  sort -u "$d/err"
}
same "warnings when supervise cannot be found" no_supervise
check_ours "warnings when supervise cannot be found (text)" 0 "svscan: warning: unable to start supervise x: file does not exist
svscan: warning: unable to start supervise y/log: file does not exist
svscan: warning: unable to start supervise y: file does not exist
" "" no_supervise

# An unreadable directory: a warning at each scan, no exit.
unreadable() {
  local d pid
  d=$(mktemp -d "$T/unreadable.XXXXXX")
  chmod 755 "$T" "$d"
  mkdir "$d/svc"
  chmod 311 "$d/svc"
  setpriv --reuid=65534 --regid=65534 --clear-groups "$P/svscan" "$d/svc" 2>"$d/err" &
  pid=$!
  wait_until 5 grep -q . "$d/err"
  kill -0 "$pid" && echo running
  kill -KILL "$pid"
  wait "$pid" 2>/dev/null
  head -1 "$d/err"
}
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
  check "an unreadable directory is a warning, not an exit" 0 "running
svscan: warning: unable to read directory: access denied
" "" unreadable
else
  skip "unreadable directory" "needs root and setpriv"
fi

# Started with signals blocked (a boot script, some process managers):
# svscan still notices its children exit and restarts them, and the mask
# reaches neither supervise nor ./run (0.76 passes it on to both), so
# ./run is still reaped, restarted, and reached by svc's TERM.
blocked() {
  local d pid sup run
  d=$(mktemp -d "$T/blocked.XXXXXX")
  mkdir "$d/a"
  ln -s "$HELPERS/childinfo" "$d/a/run"
  "$HELPERS/sigblock" CHLD,TERM,HUP "$BIN/svscan" "$d" &
  pid=$!
  wait_until 5 up "$d/a"
  wait_until 5 test -s "$d/a/childinfo"
  sup=$(sup_pid "$d/a")
  grep '^SigBlk' "/proc/$sup/status" | sed 's/^/supervise /'
  grep '^SigBlk' "$d/a/childinfo" | sed 's/^/run /'
  run=$(od -An -tu4 -j12 -N4 "$d/a/supervise/status" | tr -d ' ')
  "$SUPBIN/svc" -t "$d/a"
  restarted() { local p; p=$(od -An -tu4 -j12 -N4 "$d/a/supervise/status" | tr -d ' '); [ "$p" != 0 ] && [ "$p" != "$run" ]; }
  if wait_until 5 restarted; then echo "run restarted"; fi
  kill -KILL "$sup"
  wait_until 5 sh -c "! kill -0 $sup 2>/dev/null"
  if wait_until 8 up "$d/a"; then echo "supervise restarted"; fi
  kill -KILL "$pid"
  wait "$pid" 2>/dev/null
  kill_under "$d"
}
PATH="$RUNPATH" check_ours "signals blocked at start reach neither supervise nor run; both restart" 0 "supervise SigBlk:	0000000000000000
run SigBlk:	0000000000000000
run restarted
supervise restarted
" "" blocked

# --- Ours: a running tree ------------------------------------------------
S=$T/service
mkdir -p "$S"
mkservice "$S/a"
mkservice "$S/.dot"
ln -s a "$S/a-alias"  # the same directory under two names: one supervise
spawn SV env PATH="$RUNPATH" "$BIN/svscan" "$S" 2>"$T/svscan.err"
if wait_until 10 up "$S/a"; then pass "an existing service is started"; else fail "an existing service is started"; fi
sleep 0.3
n=$(supervisors "$S" | wc -l)
if [ "$n" = 1 ]; then pass "one supervise for two names of one directory"; else fail "one supervise for two names of one directory" "$(supervisors "$S")"; fi

mkservice "$S/new"
if wait_until 8 up "$S/new"; then pass "a new service is started within one scan"; else fail "a new service is started within one scan"; fi
if [ ! -e "$S/.dot/supervise" ] && ! sup_pid "$S/.dot" >/dev/null; then
  pass "a directory whose name begins with a dot is ignored"
else
  fail "a directory whose name begins with a dot is ignored"
fi

# SIGHUP and SIGALRM: scan now. The previous service appeared at a scan a
# moment ago, so the next periodic scan is about 5 s away; 2.5 s tells them
# apart.
mkservice "$S/hup"
kill -HUP "$SV"
if wait_until 2 up "$S/hup" && kill -0 "$SV"; then pass "SIGHUP scans at once"; else fail "SIGHUP scans at once"; fi
mkservice "$S/alrm"
kill -ALRM "$SV"
if wait_until 2 up "$S/alrm" && kill -0 "$SV"; then pass "SIGALRM scans at once"; else fail "SIGALRM scans at once"; fi

# Directories created right after (even within the same clock tick as) a
# scan are found by a later one: a changed or recent directory is re-read.
racers=""
for i in 1 2 3 4 5 6 7 8 9 10; do
  mkservice "$S/race$i"
  racers="$racers $S/race$i"
  kill -HUP "$SV"
done
if wait_until 8 all_up $racers; then pass "services created between quick scans are all found"; else fail "services created between quick scans are all found"; fi

# A renamed service keeps its one supervise (known by device and inode).
before_pid=$(sup_pid "$S/race1")
mv "$S/race1" "$S/renamed"
kill -HUP "$SV"
sleep 1
if [ "$(supervisors "$S" | grep -cE '^(race1|renamed):')" = 1 ] && [ "$(sup_pid "$S/renamed")" = "$before_pid" ]; then
  pass "a renamed service directory is not started twice"
else
  fail "a renamed service directory is not started twice" "$(supervisors "$S" | grep -E '^(race1|renamed):')"
fi

# A killed supervise is started again at the next scan.
old=$(sup_pid "$S/a")
kill -KILL "$old"
restarted() { local p; p=$(sup_pid "$S/a") && [ "$p" != "$old" ] && up "$S/a"; }
if wait_until 8 restarted; then pass "a killed supervise is restarted within one scan"; else fail "a killed supervise is restarted within one scan"; fi

# A supervise that exits at once (its directory is already supervised, so
# the lock is held) is retried once per scan, not in a loop.
mkservice "$T/held"
spawn HELD env PATH="$RUNPATH" "$SUPBIN/supervise" "$T/held"
wait_until 5 up "$T/held"
ln -s "$T/held" "$S/held"
: >"$T/svscan.err"
kill -HUP "$SV"
sleep 11
tries=$(grep -c 'held' "$T/svscan.err")
if [ "$tries" -ge 2 ] && [ "$tries" -le 4 ]; then
  pass "a supervise that fails at once is retried once per scan"
else
  fail "a supervise that fails at once is retried once per scan" "$tries attempts in 11 s" "$(head -5 "$T/svscan.err")"
fi
rm "$S/held"
stop "$HELD"
: >"$T/svscan.err"

# Descriptors: many restarts of supervise on both sides of log pipes, and
# removed services, leave svscan with what it started with.
for i in 1 2 3 4 5 6 7 8; do
  mkservice "$S/l$i"
  mklog "$S/l$i" "$T/l$i.log"
done
kill -HUP "$SV"
dirs=""
for i in 1 2 3 4 5 6 7 8; do dirs="$dirs $S/l$i $S/l$i/log"; done
wait_until 10 all_up $dirs
before=$(fd_count "$SV")
for round in 1 2 3; do
  pids=""
  for d in $dirs; do pids="$pids $(sup_pid "$d")"; done
  [ -n "${pids// /}" ] || { fail "restart round $round: no supervise found"; break; }
  kill -KILL $pids
  wait_until 5 sh -c "! kill -0 $pids 2>/dev/null"  # all gone, so svok means the new ones
  wait_until 12 all_up $dirs || break
done
if all_up $dirs && [ "$(fd_count "$SV")" = "$before" ]; then
  pass "descriptors do not grow over supervise restarts"
else
  fail "descriptors do not grow over supervise restarts" "before $before, after $(fd_count "$SV")"
fi
# Renamed to a dot name first, as one removes a service: otherwise a scan
# between svc -dx and rm can start a new supervise, which rm leaves running.
for i in 5 6 7 8; do
  mv "$S/l$i" "$S/.l$i"
  "$SUPBIN/svc" -dx "$S/.l$i" "$S/.l$i/log"
done
sups_gone() {
  local i
  for i in 5 6 7 8; do
    sup_pid "$S/.l$i" >/dev/null && return 1
    sup_pid "$S/.l$i/log" >/dev/null && return 1
  done
  return 0
}
wait_until 10 sups_gone
for i in 5 6 7 8; do rm -rf "$S/.l$i"; done
forgotten() { [ "$(fd_count "$SV")" = $((before - 8)) ]; }
if wait_until 12 forgotten; then
  pass "a removed service's log pipe is closed"
else
  fail "a removed service's log pipe is closed" "before $before, now $(fd_count "$SV") (want $((before - 8)))"
fi
if ! grep -q . "$T/svscan.err"; then pass "no warnings from a healthy tree"; else fail "no warnings from a healthy tree" "$(head -5 "$T/svscan.err")"; fi

stop "$SV"
kill_under "$T"
if nothing_left "$T"; then pass "nothing left running"; else fail "nothing left running" "$(procs_under "$T")"; fi
finish
