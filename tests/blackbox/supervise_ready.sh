# supervise beyond 0.76, readiness and liveness: notification-fd (s6's
# protocol, against s6-supervise 2.11 where installed), timeout-ready,
# check (failures, restart, a hung check killed, ready at the first
# success), and the svstat clauses. Ours only, but for the s6 comparison.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../helpers/supervise_common.sh"

xbyte() { od -An -tu1 -j"$2" -N1 "$1/supervise/xstatus" | tr -d ' '; }

# notification-fd: ./run writes text without a newline (not ready), then,
# once the test creates "go", the newline (ready). The same service under
# s6-supervise: s6-svstat must agree at both points.
NOTIFIER='printf starting >&5; while [ ! -e go ]; do sleep 0.02; done; echo >&5; exec sleep 1000'
if [ -x /usr/bin/s6-supervise ]; then impls="ours s6"; else impls=ours; fi
for impl in $impls; do
  d=$T/nf-$impl/s
  mksvc "$d" "$NOTIFIER"
  echo 5 >"$d/notification-fd"
  if [ $impl = ours ]; then start_sup sp_ours "$BIN/supervise" "$d"; else spawn sp_s6 /usr/bin/s6-supervise "$d"; fi
done
d=$T/nf-ours/s
ok_if "notification-fd: up" wait_until 10 sv_up "$d"
sleep 0.3
ok_if "text before the newline: not ready" svstat_has "$d" "^$d: up (pid [0-9]*) [0-9]* seconds, not ready\$"
ok_if "... ready stamp zero" eval '[ "$(od -An -tx1 -j64 -N12 "$d/supervise/xstatus" | tr -d " 0")" = "" ]'
if [ -x /usr/bin/s6-supervise ]; then
  wait_until 10 eval '/usr/bin/s6-svstat -o up "$T/nf-s6/s" | grep -q true'
  ok_if "s6-supervise agrees: not ready" eval '[ "$(/usr/bin/s6-svstat -o ready "$T/nf-s6/s")" = false ]'
  touch "$T/nf-s6/s/go"
  ok_if "s6-supervise: ready after the newline" wait_until 10 eval '[ "$(/usr/bin/s6-svstat -o ready "$T/nf-s6/s")" = true ]'
  /usr/bin/s6-svc -xd "$T/nf-s6/s" 2>/dev/null
  stop "$sp_s6"
else
  skip "notification-fd against s6-supervise" "s6-supervise not installed"
fi
touch "$d/go"
ok_if "the newline: ready" wait_until 10 svstat_has "$d" "^$d: up (pid [0-9]*) [0-9]* seconds, ready [0-9]* seconds\$"
ok_if "features: settings and readiness" test "$(xbyte "$d" 56)" = 3
p=$(sv_pid "$d")
pipe=$(readlink "/proc/$p/fd/5")
ok_if "./run's descriptor 5 is the pipe ($pipe)" eval 'case $pipe in pipe:*) true;; *) false;; esac'
ok_if "... whose read end supervise closed once ready" eval '! ls -l /proc/$sp_ours/fd | grep -qF "$pipe"'
"$BIN/svc" -k "$d"
ok_if "after a restart: a new ./run, ready again (go exists)" wait_until 10 eval 'sv_pid_is_not "$d" "$p" && svstat_has "$d" ", ready [0-9]* seconds\$"'
end_sup "$sp_ours" "$d"

# notification-fd 1 (stdout, as s6 allows): the newline of "echo" on stdout.
d=$(mktemp -d "$T/nf1.XXXXXX")/s
mksvc "$d" 'sleep 0.2; echo; exec sleep 1000 >/dev/null'
echo 1 >"$d/notification-fd"
start_sup sp "$BIN/supervise" "$d"
ok_if "notification-fd 1: ready after echo" wait_until 10 svstat_has "$d" ", ready [0-9]* seconds\$"
end_sup "$sp" "$d"

# timeout-ready: never ready, so stopped after 1000 ms, counted (backoff),
# started again.
d=$(mktemp -d "$T/tr.XXXXXX")/s
# The trap first, and 1000 ms: the down signal must find it set, however
# slowly a loaded machine starts ./run's shell (400 ms was the test's own
# pace, and the trap came after a line).
mksvc "$d" 'trap "echo term >>starts; exit 0" TERM; echo start >>starts; while :; do sleep 0.05; done'
echo 5 >"$d/notification-fd"
echo 1000 >"$d/timeout-ready"
echo 4000 >"$d/restart-delay-max"
start_sup sp "$BIN/supervise" "$d"
ok_if "timeout-ready: the down signal after 1000 ms" wait_until 10 file_has "$d/starts" term
ok_if "... counted as a failed start: backoff" wait_until 5 svstat_has "$d" "backoff [0-9]* seconds\$"
ok_if "... and started again" wait_until 10 eval '[ "$(grep -c start "$d/starts")" -ge 2 ]'
ok_if "restarts counted in xstatus" eval '[ "$(xbyte "$d" 63)" -ge 1 ]'
end_sup "$sp" "$d"

# check: healthy while "healthy" exists. Without notification-fd the first
# success makes it ready; after 2 failures in a row ./run is restarted.
# Once "armed", a second failure waits until the test has "seen" the first:
# "1 failed check" lasts one interval (200 ms) otherwise, which the test's
# own polls (an svstat each) missed under the sanitizers at load 8.
d=$(mktemp -d "$T/ck.XXXXXX")/s
mksvc "$d" 'echo start >>starts; exec sleep 1000'
cat >"$d/check" <<'CHECK'
#!/bin/sh
echo $$ >>checks
[ -e healthy ] && exit 0
if [ -e armed ]; then
  [ -e failed ] && while [ ! -e seen ]; do sleep 0.02; done
  : >failed
fi
exit 1
CHECK
chmod 755 "$d/check"
echo 200 >"$d/check-interval"
echo 2 >"$d/check-failures"
start_sup sp "$BIN/supervise" "$d"
wait_until 10 sv_up "$d"
# Three checks started: two have failed and been counted.
ok_if "check: not ready while it fails" eval 'wait_until 10 lines_at_least "$d/checks" 3; svstat_has "$d" ", not ready\$"'
ok_if "... failures before ready do not count" test "$(nlines "$d/starts")" = 1
touch "$d/healthy"
ok_if "the first success: ready" wait_until 10 svstat_has "$d" ", ready [0-9]* seconds\$"
ok_if "features: settings, readiness, check" test "$(xbyte "$d" 56)" = 7
p=$(sv_pid "$d")
touch "$d/armed"; rm "$d/healthy"
ok_if "a failure: unhealthy (1 failed check)" wait_until 10 svstat_has "$d" ", unhealthy (1 failed check)\$"
touch "$d/seen"
ok_if "two: ./run restarted" wait_until 10 sv_pid_is_not "$d" "$p"
ok_if "... second start" test "$(nlines "$d/starts")" = 2
touch "$d/healthy"
wait_until 10 svstat_has "$d" ", ready [0-9]* seconds\$"
# checks_idle: no child of supervise but ./run, so no check is on its way
# (one started before the pause or the stop writes its line late under
# load); then a window of three check intervals.
checks_idle() { [ -z "$(pgrep -P "$sp" | grep -vx "$(sv_pid "$d")")" ]; }
"$BIN/svc" -p "$d"; wait_until 10 eval '[ "$(sv_paused "$d")" = 1 ]'
wait_until 10 checks_idle; n=$(nlines "$d/checks"); sleep 0.6
ok_if "no check while paused" test "$(nlines "$d/checks")" = "$n"
"$BIN/svc" -c "$d"
ok_if "checks again after continue" wait_until 10 eval '[ "$(nlines "$d/checks")" -gt "$n" ]'
"$BIN/svc" -d "$d"; wait_until 10 sv_down "$d"
wait_until 10 checks_idle; n=$(nlines "$d/checks"); sleep 0.6
ok_if "no check while down" test "$(nlines "$d/checks")" = "$n"
end_sup "$sp" "$d"

# A hung check is killed with its group after check-timeout and fails.
d=$(mktemp -d "$T/hc.XXXXXX")/s
mksvc "$d" 'exec sleep 1000'
printf '#!/bin/sh\n[ -e hang ] || exit 0\nsleep 1000 &\necho $! >grandchild\nwait\n' >"$d/check"; chmod 755 "$d/check"
echo 200 >"$d/check-interval"
echo 300 >"$d/check-timeout"
echo 10 >"$d/check-failures"
spawn sp "$BIN/supervise" "$d" 2>"$T/hc.err"
ok_if "hung check: ready first" wait_until 10 svstat_has "$d" ", ready [0-9]* seconds\$"
touch "$d/hang"
ok_if "hung check: its child started" wait_until 10 test -s "$d/grandchild"
g=$(cat "$d/grandchild")
ok_if "... killed with its group after check-timeout" wait_until 5 gone "$g"
ok_if "... counted as failed" wait_until 5 svstat_has "$d" "unhealthy ([0-9]* failed check"
ok_if "... with a warning" wait_until 5 file_has "$T/hc.err" "^supervise: warning: $d/check still runs after check-timeout, killing it\$"
end_sup "$sp" "$d"

finish
