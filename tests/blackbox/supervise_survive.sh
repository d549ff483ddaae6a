# supervise (ours) keeps going through trouble: an unwritable status,
# vanished FIFOs and directory, descriptor exhaustion, fork failure. Each
# time: a warning, a retry, and recovery once the cause is gone. The
# reference does not recover from most of these, so these are ours only.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../helpers/supervise_common.sh"


# Unwritable status: status.new is in the way.
d=$(mktemp -d "$T/st.XXXXXX")/s
mksvc "$d" 'exec sleep 100'
spawn sp "$BIN/supervise" "$d" 2>"$T/st.err"
wait_until 10 sv_up "$d"
mkdir "$d/supervise/status.new"
"$BIN/svc" -d "$d"
ok_if "warns when status.new cannot be opened" wait_until 5 file_has "$T/st.err" \
  "^supervise: warning: unable to open $d/supervise/status.new: is a directory\$"
ok_if "status is stale meanwhile" sv_up "$d"
sleep 2.2
n=$(grep -c warning "$T/st.err")
# supervise(8): tries again every second. In the 2.2 s after the first
# warning 3 are due; 2 allows one retry late by over 0.2 s, 5 is no loop.
# Measured: plain, load 7-20: N 6, 4 each; sanitizers, load 8-79: 4 and 5.
timing "status retries in 2.2 s after the first" "$n" warnings
ok_if "retried about once a second, not in a loop ($n warnings)" test "$n" -ge 2 -a "$n" -le 5
rmdir "$d/supervise/status.new"
ok_if "status catches up once writable" wait_until 5 sv_down "$d"
ok_if "still supervising" "$BIN/svok" "$d"
end_sup "$sp" "$d"

# Vanished control FIFO, then the whole supervise/ directory.
d=$(mktemp -d "$T/gone.XXXXXX")/s
mksvc "$d" 'exec sleep 100'
spawn sp "$BIN/supervise" "$d" 2>"$T/gone.err"
wait_until 10 sv_up "$d"
rm "$d/supervise/control"
# dnotify reports the removal at once: no waiting for a periodic check.
# supervise(8): recreated once removals have stopped for a second, at
# most five seconds after the first; without the notification, at the
# 5-second check. Timed by the clock from rm's end to the FIFO seen (50 ms
# polls). Measured with the 200 ms settling this replaced: plain, load
# 7-20: N 12 each, FIFO p50 233 max 856 ms, supervise/ p50 295 max 458 ms;
# sanitizers, load 8-79: N 4, max 397 and 942 ms, i.e. up to 740 ms over
# the quiet period. With one second: quiet p50 1040 ms (see the timing
# lines). Bound 3000 ms: the promised second plus 2 s for a loaded
# machine, under the 5-second cap of a removal that never settles.
REPAIR_MS=3000
wait_ms ms 10 test -p "$d/supervise/control"
timing "a removed FIFO recreated" "$ms" ms
ok_if "control FIFO is recreated promptly ($ms ms)" test "$ms" -lt "$REPAIR_MS"
p1=$(sv_pid "$d")
ctl() { "$P/svc" -t "$d"; }
check_ours "svc reaches it again" 0 "" "" ctl
ok_if "and it acts" wait_until 10 sv_pid_is_not "$d" "$p1"
rm -rf "$d/supervise"
wait_ms ms 10 "$BIN/svok" "$d"
timing "a removed supervise/ rebuilt" "$ms" ms
ok_if "supervise/ is rebuilt promptly ($ms ms)" test "$ms" -lt "$REPAIR_MS"
ok_if "with a status" wait_until 5 sv_up "$d"
ok_if "lock, control and ok are back" test -f "$d/supervise/lock" -a -p "$d/supervise/control" -a -p "$d/supervise/ok"
second() { "$P/supervise" "$d"; }
check_ours "the new lock is held" 111 "" "supervise: fatal: unable to acquire $d/supervise/lock: temporary failure
" second
p2=$(sv_pid "$d")
"$BIN/svc" -k "$d"
ok_if "control works after the rebuild" wait_until 10 sv_pid_is_not "$d" "$p2"
end_sup "$sp" "$d"
ok_if "no warnings for a clean repair" test ! -s "$T/gone.err"

# An idle supervise does not wake at all: no periodic checks, so a tree
# of thousands costs no CPU while nothing happens. Counted as voluntary
# context switches over a quiet window (each wakeup of poll adds one).
wakeups() { awk '/^voluntary_ctxt_switches/ { print $2 }' "/proc/$1/status"; }
d=$(mktemp -d "$T/idle.XXXXXX")/s
mksvc "$d" 'exec sleep 100'
spawn sp "$BIN/supervise" "$d"
wait_until 10 sv_up "$d"
# ./run has exec'd, and its start is over: nothing is left to wake it.
wait_until 10 eval 'grep -q "^Name:.*sleep" "/proc/$(sv_pid "$d")/status"'
sleep 1.5  # past the one-second start pacing
w1=$(wakeups "$sp")
sleep 6    # a measuring window longer than any periodic check would be
w2=$(wakeups "$sp")
timing "idle supervise wake-ups in 6 s" $((w2 - w1)) wakeups
ok_if "an idle supervise does not wake ($((w2 - w1)) wakeups in 6 s)" test "$w2" -eq "$w1"
# Yet a removal still wakes it: the watch on supervise/ is armed.
rm "$d/supervise/ok"
wait_ms ms 10 test -p "$d/supervise/ok"
timing "a removed FIFO recreated" "$ms" ms
ok_if "and a removal is still noticed ($ms ms)" test "$ms" -lt "$REPAIR_MS"
end_sup "$sp" "$d"

# Descriptor exhaustion: once running, supervise gets RLIMIT_NOFILE 3, so
# status.new cannot be opened; it is raised again later.
d=$(mktemp -d "$T/mfile.XXXXXX")/s
mksvc "$d" 'exec sleep 100'
spawn sp "$BIN/supervise" "$d" 2>"$T/mfile.err"
wait_until 10 sv_up "$d"
prlimit --pid "$sp" --nofile=3:4096
"$BIN/svc" -d "$d"
ok_if "EMFILE is a warning" wait_until 5 file_has "$T/mfile.err" \
  "unable to open $d/supervise/status.new: process cannot open more files"
ok_if "supervise keeps running" kill -0 "$sp"
ok_if "status is stale meanwhile" sv_up "$d"
prlimit --pid "$sp" --nofile=1024:4096
ok_if "status written once descriptors are available" wait_until 5 sv_down "$d"
end_sup "$sp" "$d"

# Fork failure: as an unprivileged user with RLIMIT_NPROC 1, supervise
# cannot fork; it warns, retries each second, and starts ./run once allowed.
if command -v setpriv >/dev/null && [ "$(id -u)" = 0 ]; then
  chmod 711 "$T"
  d=$(mktemp -d "$T/fork.XXXXXX")
  chmod 755 "$d"
  d=$d/s
  mksvc "$d" 'exec sleep 100'
  chown -R 54321:54321 "$d"
  spawn sp setpriv --reuid=54321 --regid=54321 --clear-groups prlimit --nproc=1:100 "$BIN/supervise" "$d" 2>"$T/fork.err"
  wait_until 10 "$BIN/svok" "$d"
  ok_if "fork failure is a warning" wait_until 5 file_has "$T/fork.err" \
    "^supervise: warning: unable to fork for $d, trying again in 1 second: temporary failure\$"
  sleep 2
  n=$(grep -c "unable to fork" "$T/fork.err")
  # As the status retries above: 3 due in the 2 s after the first seen.
  timing "fork retries in 2 s after the first" "$n" warnings
  ok_if "retried about once a second ($n warnings)" test "$n" -ge 2 -a "$n" -le 5
  ok_if "down meanwhile, want up" eval '[ "$(sv_pid "$d")" = 0 ] && [ "$(sv_want "$d")" = 75 ]'
  setpriv --reuid=54321 --regid=54321 --clear-groups prlimit --pid "$sp" --nproc=100:100
  ok_if "started once fork works" wait_until 5 sv_up "$d"
  end_sup "$sp" "$d"
else
  skip "fork failure" "needs root and setpriv"
fi

# Removing a supervised directory with rm -rf, while it runs and after
# svc -dx (what package/example/run recommends), 50 times each: the
# repair above must not recreate supervise/ or its FIFOs under the
# remover ("Directory not empty"). In the dx rounds, rm waits until the
# status says "want down" and ./run exits only once rm is done (its
# directory gone): what rm meets is then the repair, not a status write
# (any status write, by 0.76 as by ours, can meet an rm started at the
# same instant). ./run used to take 0.3 s instead, which a loaded machine
# can spend inside one rm (a run here at load 6-8 met "Directory not empty"
# once in 50 dx rounds, as such a status write would).
rm_rounds() {
  local mode=$1 i d sp child bad=0
  for i in $(seq 50); do
    d=$T/rm.$mode.$i
    if [ "$mode" = live ]; then
      mksvc "$d" 'exec sleep 1000'
    else
      mksvc "$d" "trap 'kill \$! 2>/dev/null; i=0; while [ -d $d ] && [ \$i -lt 200 ]; do sleep 0.05; i=\$((i + 1)); done; exit 0' TERM; : >trapped; sleep 1000 & wait"
    fi
    spawn sp "$BIN/supervise" "$d"
    wait_until 10 sv_up "$d"
    if [ "$mode" = live ]; then
      child=$(sv_pid "$d")
      rm -rf "$d" 2>>"$T/rm.$mode.err" || bad=$((bad + 1))
      # ./run first, reaped by supervise: a zombie left to init lingers.
      kill -KILL "$child"
      wait_until 5 eval '! kill -0 $child 2>/dev/null'
    else
      wait_until 10 test -e "$d/trapped"
      "$BIN/svc" -dx "$d"
      wait_until 5 eval '[ "$(sv_want "$d")" = 64 ]'
      rm -rf "$d" 2>>"$T/rm.$mode.err" || bad=$((bad + 1))
      wait_until 5 eval '! kill -0 $sp 2>/dev/null'
    fi
    stop "$sp"
  done
  ok_if "rm -rf ($mode) succeeded 50 times out of 50 ($bad failed)" test "$bad" = 0
  [ "$bad" = 0 ] || fail "rm -rf ($mode) errors" "$(head -3 "$T/rm.$mode.err")"
}
rm_rounds live
rm_rounds dx
# Nothing comes back once the removals have settled (one second).
sleep 1.5
ok_if "no removed directory was recreated" test -z "$(ls -d "$T"/rm.*.[0-9]* 2>/dev/null)"

# A remover paused by the scheduler, played slowly by hand: supervise/
# emptied, then a pause longer than the second of settling, then the
# rmdir and the rest. supervise(8): an empty supervise/ is being removed,
# refilled only if still empty five seconds later. (With the 200 ms
# settling and no such rule, the pause refilled it and rmdir failed.)
d=$(mktemp -d "$T/slow.XXXXXX")/s
mksvc "$d" 'exec sleep 1000'
spawn sp "$BIN/supervise" "$d"
wait_until 10 sv_up "$d"
child=$(sv_pid "$d")
rm -f "$d"/supervise/*
sleep 2
ok_if "an emptied supervise/ is left empty for a paused remover" test -z "$(ls -A "$d/supervise")"
ok_if "so its rmdir succeeds" rmdir "$d/supervise"
sleep 0.3
ok_if "and so does the rest of the removal" rm -rf "$d"
kill -KILL "$child"
wait_until 5 eval '! kill -0 $child 2>/dev/null'
stop "$sp"

# Emptied by hand and left so: refilled after the five seconds.
d=$(mktemp -d "$T/emptied.XXXXXX")/s
mksvc "$d" 'exec sleep 100'
spawn sp "$BIN/supervise" "$d" 2>"$T/emptied.err"
wait_until 10 sv_up "$d"
rm -f "$d"/supervise/*
wait_ms ms 15 "$BIN/svok" "$d"
timing "an emptied supervise/ refilled" "$ms" ms
ok_if "an emptied supervise/ is refilled after 5 s, not before ($ms ms)" test "$ms" -ge 5000 -a "$ms" -lt 9000
ok_if "with its status" wait_until 5 sv_up "$d"
end_sup "$sp" "$d"

# A supervise/ that is a link (see supervise.sh) is repaired through it:
# its target is made again when it vanishes.
d=$(mktemp -d "$T/link.XXXXXX")
mksvc "$d/s" 'exec sleep 100'
ln -s "$d/state/s" "$d/s/supervise"
mkdir "$d/state"
spawn sp "$BIN/supervise" "$d/s"
wait_until 10 sv_up "$d/s"
rm -rf "$d/state/s"
wait_ms ms 10 "$BIN/svok" "$d/s"
timing "a removed supervise/ rebuilt" "$ms" ms
ok_if "a linked supervise/ is rebuilt at the link's target ($ms ms)" test "$ms" -lt "$REPAIR_MS"
ok_if "with its status" wait_until 5 sv_up "$d/s"
end_sup "$sp" "$d/s"

finish
