# supervise beyond 0.76: NOTIFY_SOCKET (systemd's sd_notify protocol).
# Clients in C (tests/helpers/sdnotify.cpp) and Python (sdnotify.py, the
# socket module); READY=1, STATUS= (shown by svstat, escaped by -j),
# RELOADING=1, MAINPID=; only the main process by default, its session
# with notify-access all; spoofing from an unrelated process (plain, and
# with forged credentials as another user) ignored; a service that drops
# privileges before notifying; the watchdog. Ours only.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../helpers/supervise_common.sh"

SDN=$HELPERS/sdnotify
PYN=$(cd "$(dirname "$0")/../helpers" && pwd)/sdnotify.py
# sock_of DIR: the NOTIFY_SOCKET ./run was given.
sock_of() { tr '\0' '\n' <"/proc/$(sv_pid "$1")/environ" | sed -n 's/^NOTIFY_SOCKET=//p'; }

# C client: STATUS while starting, READY=1 and a new STATUS once "go"
# exists; every message from the main process (the helper execs on).
d=$(mktemp -d "$T/c.XXXXXX")/s
mksvc "$d" "exec $SDN 'STATUS=warming up' -- sh -c 'while [ ! -e go ]; do sleep 0.02; done; exec $SDN READY=1 \"STATUS=serving 42\" -- sleep 1000'"
: >"$d/notify"
start_sup sp "$BIN/supervise" "$d"
ok_if "C client: STATUS shown, not ready" wait_until 10 eval '"$BIN/svstat" -j "$d" | grep -q "\"ready\": false.*\"status_text\": \"warming up\""'
ok_if "... svstat: not ready" svstat_has "$d" ", not ready\$"
ok_if "... NOTIFY_SOCKET is abstract (@name)" eval 'case $(sock_of "$d") in @?*) true;; *) false;; esac'
ok_if "... no WATCHDOG_USEC without timeout-watchdog" eval '! tr "\0" "\n" <"/proc/$(sv_pid "$d")/environ" | grep -q ^WATCHDOG_'
# Spoofing: an unrelated process sends READY=1 to the same socket.
sock=$(sock_of "$d")
NOTIFY_SOCKET=$sock "$SDN" READY=1 STATUS=spoofed
p=$(sv_pid "$d")
ok_if "an unrelated process: ignored" eval 'sleep 0.3; svstat_has "$d" ", not ready\$" && ! "$BIN/svstat" -j "$d" | grep -q spoofed'
NOTIFY_SOCKET=$sock "$BIN/setuidgid" nobody "$SDN" -c "$p" READY=1 2>"$T/spoof.err"; rc=$?
ok_if "forged credentials from another user: refused by the kernel ($rc)" eval '[ $rc = 111 ] && grep -q "Operation not permitted" "$T/spoof.err"'
ok_if "... and still not ready" svstat_has "$d" ", not ready\$"
touch "$d/go"
ok_if "READY=1 from the main process: ready" wait_until 10 svstat_has "$d" "^$d: up (pid [0-9]*) [0-9]* seconds, ready [0-9]* seconds\$"
ok_if "... STATUS in -l" eval '"$BIN/svstat" -l "$d" | grep -q "^  status text: \"serving 42\"\$"'
ok_if "... svwait -U returns" "$BIN/svwait" -U -t 2000 "$d"
end_sup "$sp" "$d"

# A child of ./run is not the main process: ignored by default; accepted
# with notify-access all and setsid (same session). The child stays alive
# a while after sending: its session is looked up when supervise reads
# the message (service-dir(5)).
for access in main all; do
  d=$(mktemp -d "$T/a.XXXXXX")/s
  mksvc "$d" "$SDN READY=1 -- sleep 5 & exec sleep 1000"
  : >"$d/notify"
  if [ $access = all ]; then echo all >"$d/notify-access"; : >"$d/setsid"; fi
  start_sup sp "$BIN/supervise" "$d"
  wait_until 10 sv_up "$d"
  if [ $access = main ]; then
    ok_if "a child's READY=1, notify-access main: ignored" eval 'sleep 0.5; svstat_has "$d" ", not ready\$"'
  else
    ok_if "a child's READY=1, notify-access all: ready" wait_until 10 svstat_has "$d" ", ready [0-9]* seconds\$"
  fi
  end_sup "$sp" "$d"
done
d=$(mktemp -d "$T/w.XXXXXX")/s
mksvc "$d" 'exec sleep 1000'
: >"$d/notify"; echo all >"$d/notify-access"
spawn sp "$BIN/supervise" "$d" 2>"$T/w.err"
wait_until 10 sv_up "$d"
ok_if "notify-access all without setsid: a warning" wait_until 5 file_has "$T/w.err" "^supervise: warning: $d/notify-access: all needs setsid, using main\$"
end_sup "$sp" "$d"

# MAINPID=: ./run (Python) forks the daemon, names it, and the daemon
# says READY=1 once named; ./run itself then waits.
d=$(mktemp -d "$T/m.XXXXXX")/s
mksvc "$d" "exec python3 -c '
import os, socket, time
def send(m):
    a = os.environ[\"NOTIFY_SOCKET\"]
    socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).sendto(m, \"\\0\" + a[1:])
r, w = os.pipe()
pid = os.fork()
if pid == 0:
    os.read(r, 1)
    send(b\"READY=1\")
    time.sleep(1000)
send(b\"MAINPID=%d\" % pid)
time.sleep(0.2)
os.write(w, b\"x\")
os.waitpid(pid, 0)
'"
: >"$d/notify"
start_sup sp "$BIN/supervise" "$d"
ok_if "MAINPID=: the named process's READY=1 counts" wait_until 10 svstat_has "$d" ", ready [0-9]* seconds\$"
end_sup "$sp" "$d"
# Without MAINPID= the same child's READY=1 does not.
sed -i 's/^send(b"MAINPID=%d" % pid)$/pass/' "$d/run"
start_sup sp "$BIN/supervise" "$d"
ok_if "... without MAINPID=: ignored" eval 'sleep 0.8; svstat_has "$d" ", not ready\$"'
end_sup "$sp" "$d"

# Python client, under setuidgid nobody: READY=1 and a STATUS with bytes
# that are not UTF-8 (escaped by svstat -j), then RELOADING=1.
d=$(mktemp -d "$T/py.XXXXXX")/s
mkdir -p "$d"; chmod 755 "$(dirname "$d")"
mksvc "$d" "exec $BIN/setuidgid nobody python3 $PYN 'READY=1' 'STATUS=caf\\xc3\\xa9 \\xff ok'"
: >"$d/notify"
start_sup sp "$BIN/supervise" "$d"
ok_if "Python client after setuidgid nobody: ready" wait_until 10 svstat_has "$d" ", ready [0-9]* seconds\$"
ok_if "... ./run runs as nobody" eval '[ "$(stat -c %U /proc/$(sv_pid "$d"))" = nobody ]'
ok_if "... -j: invalid UTF-8 as \\ufffd, valid JSON" eval '"$BIN/svstat" -j "$d" | grep -q "\"status_text\": \"café \\\\ufffd ok\"" && "$BIN/svstat" -j "$d" | python3 -m json.tool >/dev/null'
NOTIFY_SOCKET=$(sock_of "$d") "$BIN/setuidgid" nobody "$SDN" RELOADING=1
ok_if "... another process of the same user cannot pass for it" eval 'sleep 0.3; svstat_has "$d" ", ready [0-9]* seconds\$"'
end_sup "$sp" "$d"

# Watchdog: WATCHDOG_USEC and WATCHDOG_PID given; WATCHDOG=1 every
# WATCHDOG_USEC/4 keeps it; once it stops ("hang"), it is restarted.
# timeout-watchdog 2000: the client (a Python start-up, then a send every
# 500 ms) keeps it however loaded the machine (with 400 its first message
# had to come within 400 ms of the start: the test's own pace); 3 s of
# WATCHDOG=1 outlast the timeout, so a watchdog deaf to them shows.
d=$(mktemp -d "$T/wd.XXXXXX")/s
mksvc "$d" "echo start >>starts; exec python3 $PYN --watchdog READY=1"
: >"$d/notify"; echo 2000 >"$d/timeout-watchdog"
spawn sp "$BIN/supervise" "$d" 2>"$T/wd.err"
ok_if "watchdog: WATCHDOG_USEC=2000000, WATCHDOG_PID = ./run's pid" wait_until 10 eval 'read u p me <"$d/watchdog-env" && [ "$u" = 2000000 ] && [ "$p" = "$me" ]'
sleep 3
ok_if "... kept alive by WATCHDOG=1 (one start in 3 s)" test "$(nlines "$d/starts")" = 1
touch "$d/hang"
ok_if "... silence: restarted" wait_until 10 eval '[ "$(nlines "$d/starts")" -ge 2 ]'
ok_if "... with a warning" file_has "$T/wd.err" "^supervise: warning: $d: restarting ./run: no WATCHDOG=1 within timeout-watchdog\$"
end_sup "$sp" "$d"

finish
