# svscan's orderly shutdown and its PID 1 duties, with svscan as the real
# PID 1 of a new PID namespace (unshare --pid --fork --mount-proc, which
# needs root: without it every check is counted as skipped, with a note).
# Ending svscan (the namespace's init) ends everything inside, so a test
# that fails leaves nothing behind once its unshare is killed by pid.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../helpers/svscan_common.sh"
need_supervise

CHECKS="is-pid-1 teardown-order down-signal-used exit-0 sigint sigpwr deadline-kill deadline-warning
deadline-time orphan-pipe orphan-zombies second-term no-start-during-shutdown essential-code
essential-signal control-fifo control-env subreaper subreaper-shutdown integrity"
if [ "$(id -u)" != 0 ] || ! unshare --pid --fork --mount-proc true 2>/dev/null; then
  echo "NOTE - $TEST_NAME: unshare --pid --fork --mount-proc is not available (needs root): skipping"
  for c in $CHECKS; do skip "$c" "no PID namespace"; done
  finish
  exit
fi

# ns_svscan ERR ARGS...: execs svscan ARGS as PID 1 of a new PID
# namespace, stderr to ERR. For spawn.
ns_svscan() {
  local err=$1
  shift
  exec env - PATH="$RUNPATH" unshare --pid --fork --mount-proc "$BIN/svscan" "$@" 2>"$err"
}
# start_ns VAR ERR ARGS...: spawns ns_svscan; VAR gets unshare's pid and
# SV svscan's pid (as seen from here).
start_ns() {
  local var=$1
  shift
  spawn "$var" ns_svscan "$@"
  SV=""
  local i
  for i in $(seq 100); do
    SV=$(pgrep -P "${!var}" | head -1)
    [ -n "$SV" ] && [ "$(readlink "/proc/$SV/exe")" = "$BIN/svscan" ] && return 0
    sleep 0.05
  done
  return 1
}

# A service whose run stops on HUP (its down-signal) after writing a last
# line, and a logger that appends to a file and then notes its own end.
mkorder() {  # mkorder SERVICEDIR TAG
  local d=$1 tag=$2
  # The trap before the first line: once the test has seen the line, HUP
  # is caught (else, on a loaded machine, it could end ./run at once).
  mkservice "$d" "exec 2>&1; trap 'sleep 0.3; echo \"$tag last line\"; echo main >> \"$T/$tag.order\"; exit 0' HUP; echo '$tag first line'; while :; do sleep 0.05; done"
  echo HUP >"$d/down-signal"
  mkservice "$d/log" "cat >> '$T/$tag.log'; echo log >> '$T/$tag.order'"
}

# --- TERM: mains first, then their loggers drain and exit, then svscan.
S=$T/s1
mkorder "$S/a" a
mkorder "$S/b" b
start_ns U "$T/s1.err" "$S" || fail "is-pid-1" "svscan did not start"
if grep -q "^NSpid:.*[[:space:]]1$" "/proc/$SV/status"; then pass "is-pid-1"; else fail "is-pid-1" "$(grep NSpid "/proc/$SV/status")"; fi
wait_until 10 sh -c "grep -q 'first line' '$T/a.log' && grep -q 'first line' '$T/b.log'"
kill -TERM "$SV"
wait_for 15 "$U"
rc=$?
order_ok=1
for t in a b; do
  [ "$(cat "$T/$t.order" 2>/dev/null | tr '\n' ' ')" = "main log " ] || order_ok=0
  [ "$(tail -1 "$T/$t.log" 2>/dev/null)" = "$t last line" ] || order_ok=0
done
if [ $order_ok = 1 ]; then pass "teardown-order"; else fail "teardown-order" "a: $(cat "$T/a.order" "$T/a.log" 2>&1 | tr '\n' '|') b: $(cat "$T/b.order" "$T/b.log" 2>&1 | tr '\n' '|')"; fi
# The last line is written after the HUP: down-signal reached ./run.
if grep -q "a last line" "$T/a.log"; then pass "down-signal-used"; else fail "down-signal-used"; fi
if [ "$rc" = 0 ] && [ ! -s "$T/s1.err" ]; then pass "exit-0"; else fail "exit-0" "rc $rc, stderr: $(cat "$T/s1.err")"; fi

# --- SIGINT (ctrl-alt-del for a PID 1) and SIGPWR (LXC, Incus): the same.
for sig in INT PWR; do
  rm -f "$T"/c.*
  S=$T/s-$sig
  mkorder "$S/c" c
  start_ns U "$T/$sig.err" "$S"
  wait_until 10 grep -q 'first line' "$T/c.log"
  kill -"$sig" "$SV"
  wait_for 15 "$U"
  rc=$?
  name=$(echo "sig$sig" | tr A-Z a-z)
  if [ "$rc" = 0 ] && [ "$(tr '\n' ' ' <"$T/c.order")" = "main log " ] && [ "$(tail -1 "$T/c.log")" = "c last line" ]; then
    pass "$name"
  else
    fail "$name" "rc $rc order $(tr '\n' ' ' <"$T/c.order" 2>&1) log $(tail -1 "$T/c.log" 2>&1)"
  fi
done

# --- The deadline: a main that ignores TERM and an orphan that ignores it
# are killed; svscan says so and exits in time.
S=$T/s2
mkservice "$S/stubborn" "exec 2>&1; trap '' TERM; echo up; exec sleep 1000"
mkservice "$S/stubborn/log" "exec cat >> '$T/stubborn.log'"
mkservice "$S/leaver" "(trap '' TERM; exec sleep 1001 >/dev/null 2>&1) & echo \$! > '$T/leaver.pid'; exec sleep 1000"
start_ns U "$T/s2.err" -t 1800 "$S"
wait_until 10 sh -c "test -s '$T/leaver.pid' && grep -q up '$T/stubborn.log'"
t0=$(now_ms)
kill -TERM "$SV"
wait_for 15 "$U"
rc=$?
took=$(($(now_ms) - t0))
if [ "$rc" = 0 ] && ! pgrep -f "sleep 100[01]" | grep -qx "$(cat "$T/leaver.pid")"; then pass "deadline-kill"; else fail "deadline-kill" "rc $rc"; fi
if grep -qx "svscan: warning: unable to stop stubborn within 1400 ms: killing it" "$T/s2.err" &&
  grep -q "^svscan: warning: unable to stop process [0-9]* before the deadline: killing it$" "$T/s2.err"; then
  pass "deadline-warning"
else
  fail "deadline-warning" "$(cat "$T/s2.err")"
fi
# svscan(8): -t 1800 is the deadline. Never early (100 ms of slack for the
# signal's way, our clock being read before kill); late by the kills, the
# reaping and the end of the namespace: plain, load 7-20: N 5, p50 1920,
# max 2085 ms; sanitizers, load 8-79: N 2, 2243 and 2351 ms.
timing "deadline 1800, TERM to exit" "$took" ms
if [ "$took" -ge 1700 ] && [ "$took" -lt 4500 ]; then pass "deadline-time"; else fail "deadline-time" "$took ms for a 1800 ms deadline"; fi

# --- Orphans: one that holds a log pipe is ended once the mains are down
# (so the logger sees end of input at once); a burst of 200 that exit at
# once is reaped at once, where 0.76 reaps at its next scan: the burst
# comes a second or two after the first scan, so that is some 3 to 4 s
# later. What is measured is the machine's load as much as svscan: 200
# exits, svscan's reaping and the measurer (which polls /proc) all wait
# for a CPU, and the 200 tend to be late together. Measured, the p95 and
# the slowest of the 200 in each run: plain, load 7-20, in the runs: N 5,
# p95 p50 118 max 228 ms; this section repeated at load 12-14: N 15, p95
# p50 193 max 685 ms, slowest max 718 ms. Sanitizers, load about 14,
# repeated: N 10, p95 p50 527 max 909 ms, slowest max 942 ms (in the runs,
# load 8-79: 495 and 586). Bounds: p95 1 s, slowest 1.5 s (1.5 and 2 s
# under the sanitizers); bench/svscan-shutdown.sh reports the median and
# p95 on a quieter machine. (It was p95 100 ms, 250 under the sanitizers,
# which loaded runs missed more often than not.)
REAP_LIMIT_US=1000000 REAP_WORST_US=1500000 PIPE_MS=3000
if grep -qa __asan_init "$BIN/svscan"; then REAP_LIMIT_US=1500000 REAP_WORST_US=2000000 PIPE_MS=6000; fi
S=$T/s3
mkservice "$S/holder" "exec 2>&1; sleep 1002 & echo holder up; exec sleep 1000"
mkservice "$S/holder/log" "cat >> '$T/holder.log'; echo done >> '$T/holder.log'"
mkservice "$S/burst" "exec '$HELPERS/orphan_burst' 200 '$T/burst.lat'"
start_ns U "$T/s3.err" "$S"
wait_until 10 grep -q 'holder up' "$T/holder.log"
# orphan_burst makes 200 orphans (handed to svscan), lets them exit at
# once and notes, for each, how long after its exit /proc/PID vanished.
if wait_until 20 test -s "$T/burst.lat"; then
  worst=$(sort -n "$T/burst.lat" | tail -1)
  p95=$(sort -n "$T/burst.lat" | sed -n 190p)
  missed=$(grep -c '^-' "$T/burst.lat")
  if [ "$(wc -l <"$T/burst.lat")" = 200 ] && [ "$missed" = 0 ] &&
    [ "$p95" -lt "$REAP_LIMIT_US" ] && [ "$worst" -lt "$REAP_WORST_US" ]; then
    pass "orphan-zombies"
  else
    fail "orphan-zombies" "p95 reap $p95 us, slowest $worst us, $missed never reaped"
  fi
  echo "NOTE - $TEST_NAME: 200 orphans reaped, p95 $((p95 / 1000)) ms, the slowest $((worst / 1000)) ms after its exit"
  timing "orphan reaping, p95 of 200" "$p95" us
  timing "orphan reaping, slowest of 200" "$worst" us
else
  fail "orphan-zombies" "orphan_burst gave no result"
fi
t0=$(now_ms)
kill -TERM "$SV"
wait_for 15 "$U"
rc=$?
took=$(($(now_ms) - t0))
# The orphan holding the pipe is ended once the mains are down, at once,
# not at the 9 s deadline: 3 s tells them apart (6 s under the sanitizers,
# whose every exit is slow on a loaded machine). Measured: plain, load
# 7-20: N 5, p50 271, max 467 ms (repeated at load 12-14: N 15, max 586);
# sanitizers, repeated at load about 14: N 10, p50 1342, max 2710 ms.
timing "shutdown with an orphan on a log pipe, TERM to exit" "$took" ms
if [ "$rc" = 0 ] && [ "$(tail -1 "$T/holder.log")" = done ] && [ "$took" -lt "$PIPE_MS" ] && [ ! -s "$T/s3.err" ]; then
  pass "orphan-pipe"
else
  fail "orphan-pipe" "rc $rc, $took ms, log end $(tail -1 "$T/holder.log"), stderr $(cat "$T/s3.err")"
fi

# --- A second TERM does not start the sequence again, and a new service
# is not started during the shutdown, not even on SIGHUP.
S=$T/s4
# slow stops once the test has sent all its signals (slow.go), not after
# a second, which the test's own steps could outlast on a loaded machine
# (then the later TERMs found svscan gone, and the check passed unexercised).
mkservice "$S/slow" "trap 'echo stop >> \"$T/slow.stops\"; i=0; while [ ! -e \"$T/slow.go\" ] && [ \$i -lt 200 ]; do sleep 0.05; i=\$((i + 1)); done; exit 0' TERM; : > '$T/slow.trapped'; while :; do sleep 0.05; done"
echo 5000 >"$S/slow/timeout-kill"
start_ns U "$T/s4.err" "$S"
# Its ./run has set its trap (up in the status comes first: a TERM before
# the trap ended it at once once, on a loaded machine).
wait_until 10 test -e "$T/slow.trapped"
kill -TERM "$SV"
sleep 0.3
mkservice "$S/new" "touch '$T/new.started'; exec sleep 1000"
kill -TERM "$SV"
kill -HUP "$SV"
sleep 0.2
kill -TERM "$SV"
: >"$T/slow.go"
wait_for 15 "$U"
rc=$?
if [ "$rc" = 0 ] && [ "$(cat "$T/slow.stops")" = stop ]; then pass "second-term"; else fail "second-term" "rc $rc, stops: $(cat "$T/slow.stops" | tr '\n' ' ')"; fi
if [ ! -e "$T/new.started" ]; then pass "no-start-during-shutdown"; else fail "no-start-during-shutdown"; fi

# --- essential: its ./run's exit code becomes svscan's, after the same
# orderly shutdown of the rest.
for case in code signal; do
  rm -f "$T"/e.*
  S=$T/s5-$case
  if [ $case = code ]; then
    mkservice "$S/key" "sleep 0.5; exit 7"
    want=7
  else
    mkservice "$S/key" "sleep 0.5; kill -USR1 \$\$"
    want=$((128 + 10))
  fi
  : >"$S/key/essential"
  mkorder "$S/other" e
  start_ns U "$T/s5.err" "$S"
  wait_for 15 "$U"
  rc=$?
  if [ "$rc" = "$want" ] && [ "$(tr '\n' ' ' <"$T/e.order")" = "main log " ] && [ "$(tail -1 "$T/e.log")" = "e last line" ]; then
    pass "essential-$case"
  else
    fail "essential-$case" "rc $rc (want $want), order $(tr '\n' ' ' <"$T/e.order" 2>&1), $(cat "$T/s5.err")"
  fi
done

# --- The control FIFO, where -c puts it (the scan directory may be
# read-only); a finish script finds it in SVSCAN_CONTROL.
S=$T/s6
mkdir -p "$T/ctl"
mkfifo "$T/ctl/control"
mkservice "$S/once" "echo \"\$SVSCAN_CONTROL\" > '$T/once.env'; exit 0"
printf '#!/bin/sh\necho 9 > "$SVSCAN_CONTROL"\n' >"$S/once/finish"
chmod 755 "$S/once/finish"
chmod a-w "$S"  # nothing may be created there (root ignores it, so check below)
start_ns U "$T/s6.err" -c "$T/ctl/control" "$S"
wait_for 15 "$U"
rc=$?
chmod u+w "$S"
if [ "$rc" = 9 ] && [ ! -e "$S/.svscan" ]; then pass "control-fifo"; else fail "control-fifo" "rc $rc, $(ls -a "$S"), $(cat "$T/s6.err")"; fi
if [ "$(cat "$T/once.env")" = "$T/ctl/control" ]; then pass "control-env"; else fail "control-env" "$(cat "$T/once.env")"; fi

# --- Not PID 1: svscan is a subreaper, so a daemon that leaves its ./run
# is svscan's child, and it is ended at the shutdown.
S=$T/s7
mkservice "$S/daemon" "(exec sleep 1003 &); exec sleep 1000"
spawn P env PATH="$RUNPATH" "$BIN/svscan" "$S"
wait_until 10 pgrep -f "sleep 1003"
dpid=$(pgrep -f "sleep 1003" | head -1)
ppid=$(ps -o ppid= -p "$dpid" | tr -d ' ')
if [ "$ppid" = "$P" ]; then pass "subreaper"; else fail "subreaper" "the daemon's parent is $ppid, svscan is $P"; fi
kill -TERM "$P"
wait_for 10 "$P"
rc=$?
if [ "$rc" = 0 ] && ! kill -0 "$dpid" 2>/dev/null && nothing_left "$S"; then pass "subreaper-shutdown"; else fail "subreaper-shutdown" "rc $rc"; fi
[ -z "$dpid" ] || kill -KILL "$dpid" 2>/dev/null

# --- Integrity: numbered lines, TERM to svscan mid-stream: every line the
# service wrote (numbered records how many) is in the log once. The writer
# has more lines than it can write before the TERM, however loaded the
# machine: 1,000,000 at 5 us apart take about a minute (nanosleep's slack
# makes each pause some 55 us), and their 6.9 MB fit in one current.
if [ -x "$HELPERS/numbered" ] && [ -x "$BIN/multilog" ]; then
  S=$T/s8
  mkservice "$S/n" "exec '$HELPERS/numbered' '$T/n.state' 1000000 5"
  mkservice "$S/n/log" "exec multilog s16777215 '$T/nlog'"
  start_ns U "$T/s8.err" "$S"
  wait_until 20 sh -c "[ \$(cat '$T/n.state' 2>/dev/null || echo 0) -ge 20000 ]"
  kill -TERM "$SV"
  wait_for 30 "$U"
  rc=$?
  wrote=$(tr -dc 0-9 <"$T/n.state")
  res=$(awk -v want="$wrote" 'NR != $1 { print "line " NR " is " $0; bad = 1; exit } END { if (!bad) print (NR == want ? "ok" : "count " NR " of " want) }' "$T/nlog/current")
  if [ "$rc" = 0 ] && [ "$res" = ok ] && [ "$wrote" -lt 1000000 ]; then
    pass "integrity"
    echo "NOTE - $TEST_NAME: integrity: TERM after $wrote of 1000000 lines, all in the log once"
  else
    fail "integrity" "rc $rc, wrote $wrote: $res"
  fi
else
  skip "integrity" "helpers numbered or multilog not built"
fi

finish
