# svwait and the inotify limits, lowered for real: past the watch limit
# it watches what it can and polls the rest, past the instance limit it
# polls everything, each time after one warning, with its exit codes
# unchanged; and a full event queue loses no change.
#
# The limits are lowered in a user namespace of svwait's own
# (/proc/sys/user/max_inotify_watches and max_inotify_instances count per
# namespace and user), not in /proc/sys/fs/inotify, which would lower them
# for every test the machine runs meanwhile.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../helpers/supervise_common.sh"

# limited WATCHES INSTANCES CMD...: CMD in a new user namespace (our uid
# as its root) whose inotify limits are WATCHES and INSTANCES.
limited() {
  unshare -U -r sh -c 'echo "$1" >/proc/sys/user/max_inotify_watches &&
    echo "$2" >/proc/sys/user/max_inotify_instances && shift 2 && exec "$@"' sh "$@"
}
if ! within 10 limited 3 0 true 2>/dev/null; then
  skip "all" "no user namespace with its own inotify limits here (unshare -U -r; /proc/sys/user/max_inotify_*, Linux 4.9+)"
  finish
  exit
fi

# exit_is PID CODE: PID has exited (within 10 s) with CODE.
exit_is() {
  wait_until 10 eval '! kill -0 '"$1"' 2>/dev/null' || return 1
  wait "$1"; [ $? = "$2" ]
}
running() { sleep 0.3; kill -0 "$1" 2>/dev/null; }
all_down() { local d; for d in "$@"; do sv_down "$d" || return 1; done; }

N=8  # services, past a watch limit of 6 (two a service)
dirs=""
for i in $(seq $N); do
  d=$T/s$i
  mksvc "$d" 'exec sleep 1000'
  touch "$d/down"
  start_sup "sup$i" "$BIN/supervise" "$d"
  dirs="$dirs $d"
done
set -- $dirs

# Watch limit 6: s1..s3 watched (supervise/ and its ok each), s4..s8 polled. The last to come up is a
# polled one, so svwait can only learn it by polling.
spawn w limited 6 128 "$BIN/svwait" -u -t 60000 "$@" 2>"$T/err"
wait_until 10 test -s "$T/err"
ok_if "watch limit: svwait waits while some are down" running "$w"
"$BIN/svc" -u "$1" "$2" "$3" "$4" "$5" "$6" "$7"
ok_if "watch limit: still waits for the last, a polled one" running "$w"
"$BIN/svc" -u "$8"
wait_ms ms 30 eval '! kill -0 '"$w"' 2>/dev/null'
# Promised: within the 100 ms poll of svc -u (svwait(8)), plus supervise's
# start and a loaded machine's pace; 2000 is far beyond both.
timing "watch limit: svc -u of a polled service to svwait's exit" "$ms" ms
ok_if "watch limit: exit 0 once all are up, polled ones too ($ms ms)" eval 'exit_is $w 0 && [ $ms -lt 2000 ]'
want="svwait: warning: unable to watch $4/supervise, polling every 100 ms: inotify watch limit reached"
if [ "$(cat "$T/err")" = "$want" ]; then
  pass "watch limit: one warning, for the first service it could not watch"
else
  fail "watch limit: one warning, for the first service it could not watch" "want: $want" "got: $(cat "$T/err")"
fi

# -o: one polled service coming up is enough.
"$BIN/svc" -d "$@"
wait_until 10 all_down "$@"
spawn w limited 6 128 "$BIN/svwait" -o -u -t 60000 "$@" 2>"$T/err"
ok_if "watch limit, -o: waits while all are down" running "$w"
"$BIN/svc" -u "$6"
ok_if "watch limit, -o: exit 0 once a polled one is up" exit_is "$w" 0

# Instance limit 0: no inotify at all; every service polled.
spawn w limited 3 0 "$BIN/svwait" -d -t 60000 "$@" 2>"$T/err"
ok_if "instance limit: -d waits while one is up" running "$w"
"$BIN/svc" -d "$6"
ok_if "instance limit: exit 0 once all are down" exit_is "$w" 0
want="svwait: warning: unable to create an inotify instance, polling every 100 ms: inotify instance limit reached"
if [ "$(cat "$T/err")" = "$want" ]; then
  pass "instance limit: one warning"
else
  fail "instance limit: one warning" "want: $want" "got: $(cat "$T/err")"
fi

t0=$(now_ms)
limited 3 0 "$BIN/svwait" -u -t 300 "$@" 2>/dev/null; rc=$?
ms=$(($(now_ms) - t0))
timing "instance limit: svwait -t 300, start to exit 99" "$ms" ms
ok_if "instance limit: -t 300 still exits 99 after about 300 ms ($ms ms)" eval '[ $rc = 99 ] && [ $ms -ge 290 ] && [ $ms -lt 3000 ]'

# A polled service whose supervise leaves: 111, as for a watched one.
spawn w limited 3 0 "$BIN/svwait" -u "$1" 2>"$T/err"
ok_if "instance limit: waits for a down service" running "$w"
"$BIN/svc" -x "$1"
ok_if "instance limit: its supervise leaves: 111" exit_is "$w" 111
want="svwait: warning: unable to create an inotify instance, polling every 100 ms: inotify instance limit reached
svwait: fatal: unable to wait for $1: supervise not running"
if [ "$(cat "$T/err")" = "$want" ]; then pass "instance limit: says why"; else fail "instance limit: says why" "got: $(cat "$T/err")"; fi

# The descriptor limit: svwait holds one per dir, here the seven
# supervised dirs five times over (35). Past a soft limit of 20 it raises
# it to the hard one; at a hard limit of 20 it says why, as it did.
shift
many="$* $* $* $* $*"
set -- $dirs
nofile() { sh -c "ulimit $1 20 && exec '$BIN/svwait' -d -t 10000 $many" 2>"$T/err"; }
within 20 nofile -Sn; rc=$?
ok_if "soft descriptor limit 20: raised, 35 dirs waited for ($rc)" eval '[ $rc = 0 ] && [ ! -s "$T/err" ]'
within 20 nofile -n; rc=$?
if [ $rc = 111 ] && grep -Eqx "svwait: fatal: unable to open $T/s[0-9](/supervise/ok)?: process cannot open more files" "$T/err"; then
  pass "hard descriptor limit 20: 111, saying why"
else
  fail "hard descriptor limit 20: 111, saying why" "exit $rc" "$(cat "$T/err")"
fi

# A full event queue (fs.inotify.max_queued_events, a machine-wide limit:
# a few events for each service coming up): the kernel drops what follows
# and says only that it did. svwait, held stopped while waiting, is sent
# more events than its queue takes, then the change it waits for, dropped
# with them; resumed, it must see the change anyway.
q=$(cat /proc/sys/fs/inotify/max_queued_events)
"$BIN/svc" -d "$2"
wait_until 10 sv_down "$2"
spawn w "$BIN/svwait" -u -t 60000 "$2" 2>"$T/err"
in_poll() { case $(cat "/proc/$w/wchan") in *poll*) ;; *) return 1 ;; esac; }
if [ "$q" -gt 1000000 ] || ! wait_until 10 in_poll; then
  skip "full queue" "queue of $q events, or svwait not seen waiting in poll (/proc/PID/wchan)"
else
  kill -STOP "$w"
  i=0
  while [ $i -lt "$q" ]; do  # two names in turn: the kernel merges repeats
    : <"$2/supervise/status"
    : <"$2/supervise/lock"
    i=$((i + 1))
  done
  "$BIN/svc" -u "$2"
  wait_until 10 sv_up "$2"
  kill -CONT "$w"
  ok_if "full queue ($q events): the change is seen anyway" exit_is "$w" 0
  ok_if "full queue: no word about it" test ! -s "$T/err"
fi

for i in $(seq $N); do eval "end_sup \$sup$i \${$i}"; done
finish
