# svwait: each mode (-u -U -d -D -r -R), -a and -o over many dirs, -t and
# its exit 99, permanent failures, no supervise (111), usage (100); against
# s6-svwait on s6-supervise where the semantics overlap; and on the
# reference supervise (0.76, no xstatus).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../helpers/supervise_common.sh"

# bg_wait VAR ARGS...: svwait ARGS in the background, its pid in VAR.
bg_wait() { local v=$1; shift; spawn "$v" "$BIN/svwait" "$@"; }
# exit_is PID CODE: PID has exited (within 10 s) with CODE.
exit_is() {
  wait_until 10 eval '! kill -0 '"$1"' 2>/dev/null' || return 1
  wait "$1"; [ $? = "$2" ]
}
running() { sleep 0.3; kill -0 "$1" 2>/dev/null; }

check_ours "usage" 100 "" "svwait: illegal option -- x
svwait: usage: svwait [ -u | -U | -d | -D | -r | -R ] [ -t ms ] [ -a | -o ] dir ...
" svwait -x
check_ours "no dir: exit 0 at once" 0 "" "" svwait -U
nd=$(mktemp -d "$T/nosup.XXXXXX"); mkdir "$nd/supervise"; mkfifo "$nd/supervise/ok"
check_ours "no supervise: 111" 111 "" "svwait: fatal: unable to wait for $nd: supervise not running
" svwait -u "$nd"

# -u, -d, -r on a plain service (no setting files).
d=$(mktemp -d "$T/p.XXXXXX")/s
mksvc "$d" 'exec sleep 1000'
touch "$d/down"
start_sup sp "$BIN/supervise" "$d"
ok_if "-d on a down service: 0 at once" "$BIN/svwait" -d -t 2000 "$d"
bg_wait w -u "$d"
ok_if "-u waits while down" running "$w"
"$BIN/svc" -u "$d"
ok_if "-u: 0 once up" exit_is "$w" 0
ok_if "-U without a readiness protocol: up is ready" "$BIN/svwait" -U -t 2000 "$d"
bg_wait w -r "$d"
ok_if "-r waits while the same ./run runs" running "$w"
"$BIN/svc" -t "$d"
ok_if "-r: 0 once restarted" exit_is "$w" 0
bg_wait w -d "$d"
ok_if "-d waits while up" running "$w"
"$BIN/svc" -d "$d"
ok_if "-d: 0 once down" exit_is "$w" 0
t0=$(date +%s%N)
"$BIN/svwait" -u -t 300 "$d"; rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
# svwait(8): -t ms, then 99. Never early (the clock is read before its
# exec; 10 ms of slack for rounding); late by an exec and a timer: plain,
# load 7-20: N 5, p50 462, max 656 ms; sanitizers, load 8-79: N 2, 571 and
# 581 ms. 3000 is a hang guard, not a latency.
timing "svwait -t 300, exec to exit 99" "$ms" ms
ok_if "-t 300: exit 99 after about 300 ms ($ms ms)" eval '[ $rc = 99 ] && [ $ms -ge 290 ] && [ $ms -lt 3000 ]'

# Many dirs: -a waits for all, -o for one.
dirs=
for i in 1 2 3 4 5; do
  m=$(mktemp -d "$T/m.XXXXXX")/s; mksvc "$m" 'exec sleep 1000'; touch "$m/down"
  start_sup "msp$i" "$BIN/supervise" "$m"; dirs="$dirs $m"
done
set -- $dirs
bg_wait wa -u "$@"
bg_wait wo -o -u "$@"
"$BIN/svc" -u "$3"
ok_if "-o: 0 when one is up" exit_is "$wo" 0
ok_if "-a: still waits" running "$wa"
"$BIN/svc" -u "$@"
ok_if "-a: 0 when all are up" exit_is "$wa" 0
for i in 1 2 3 4 5; do eval "end_sup \$msp$i \${$i}"; done

# -U with notification-fd; -D with a finish; -R.
d=$(mktemp -d "$T/n.XXXXXX")/s
mksvc "$d" 'while [ ! -e go ]; do sleep 0.02; done; echo >&3; exec sleep 1000'
echo 3 >"$d/notification-fd"
printf '#!/bin/sh\nwhile [ ! -e fgo ]; do sleep 0.02; done\n' >"$d/finish"; chmod 755 "$d/finish"
start_sup sp2 "$BIN/supervise" "$d"
wait_until 10 sv_up "$d"
bg_wait w -U "$d"
ok_if "-U waits while up and not ready" running "$w"
touch "$d/go"
ok_if "-U: 0 once ready" exit_is "$w" 0
bg_wait w -R "$d"
"$BIN/svc" -t "$d"
rm "$d/go"
ok_if "-R waits for the restarted ./run to be ready" eval 'touch "$d/fgo"; running "$w"'
touch "$d/go"
ok_if "-R: 0 once restarted and ready" exit_is "$w" 0
rm "$d/fgo"
bg_wait wd -d "$d"
bg_wait wD -D "$d"
"$BIN/svc" -d "$d"
ok_if "-d: 0 when down, finish running" exit_is "$wd" 0
ok_if "-D waits for finish" running "$wD"
touch "$d/fgo"
ok_if "-D: 0 once finish is done" exit_is "$wD" 0
end_sup "$sp2" "$d"

# Permanent failure while waiting for up: the count of failed services.
d=$(mktemp -d "$T/f.XXXXXX")/s
mksvc "$d" 'exit 0'
echo 0 >"$d/no-restart"
start_sup sp3 "$BIN/supervise" "$d"
wait_until 10 eval '"$BIN/svstat" "$d" | grep -q "not restarted"'
e=$(mktemp -d "$T/f.XXXXXX")/s; mksvc "$e" 'exec sleep 1000'; touch "$e/down"
start_sup sp3e "$BIN/supervise" "$e"
"$BIN/svwait" -u -t 500 "$d" "$e"; rc=$?
ok_if "-u on a not-restarted and a down service: waits for the other ($rc)" test $rc = 99
bg_wait w -u "$d" "$e"
"$BIN/svc" -u "$e"
ok_if "... then exit 1, one failed" exit_is "$w" 1
ok_if "-o -u: the one that is up is enough" "$BIN/svwait" -o -u -t 2000 "$d" "$e"
ok_if "-d: a not-restarted service is down" "$BIN/svwait" -d -t 2000 "$d"
end_sup "$sp3" "$d"; end_sup "$sp3e" "$e"

# supervise leaves during the wait: 111.
d=$(mktemp -d "$T/x.XXXXXX")/s
mksvc "$d" 'exec sleep 1000'; touch "$d/down"
start_sup sp4 "$BIN/supervise" "$d"
bg_wait w -u "$d"
"$BIN/svc" -x "$d"
ok_if "supervise leaves: 111" exit_is "$w" 111
stop "$sp4"

# Its ok removed and made anew by supervise's repair (supervise(8)), then
# supervise killed: the new ok is watched in turn (svwait watches ok on its
# own), so the leaving is seen: 111, not a wait to the timeout.
d=$(mktemp -d "$T/o.XXXXXX")/s
mksvc "$d" 'exec sleep 1000'; touch "$d/down"
start_sup sp6 "$BIN/supervise" "$d"
bg_wait w -u -t 60000 "$d"
# Its two watches set (listed in its inotify descriptor's fdinfo) before ok goes.
wait_until 10 eval '[ "$(cat /proc/$w/fdinfo/* 2>/dev/null | grep -c "^inotify wd:")" = 2 ]'
ino=$(stat -c %i "$d/supervise/ok")
rm "$d/supervise/ok"
wait_until 15 eval '[ -p "$d/supervise/ok" ] && [ "$(stat -c %i "$d/supervise/ok")" != "$ino" ] && "$BIN/svok" "$d"'
ok_if "ok made anew: still waiting" running "$w"
kill -KILL "$sp6"
ok_if "ok made anew, then supervise killed: 111" exit_is "$w" 111
stop "$sp6"

# On the reference supervise (no xstatus): -u, -U (up is ready), -d.
if [ -x "$REF/supervise" ]; then
  d=$(mktemp -d "$T/r.XXXXXX")/s
  mksvc "$d" 'exec sleep 1000'; touch "$d/down"
  start_sup sp5 "$REF/supervise" "$d"
  bg_wait w -U "$d"
  "$REF/svc" -u "$d"
  ok_if "reference supervise: -U once up" exit_is "$w" 0
  bg_wait w -d "$d"
  "$REF/svc" -d "$d"
  ok_if "reference supervise: -d" exit_is "$w" 0
  "$REF/svc" -dx "$d"; wait_until 10 eval '! kill -0 $sp5 2>/dev/null'; stop "$sp5"
else
  skip "svwait on the reference supervise" "reference not installed"
fi

# Against s6-svwait on s6-supervise: the same exit codes where they agree.
if [ -x /usr/bin/s6-supervise ] && [ -x /usr/bin/s6-svwait ]; then
  o=$(mktemp -d "$T/o.XXXXXX")/s; mksvc "$o" 'exec sleep 1000'; touch "$o/down"
  s6=$(mktemp -d "$T/s6.XXXXXX")/s; mksvc "$s6" 'exec sleep 1000'; touch "$s6/down"
  start_sup sp6 "$BIN/supervise" "$o"
  spawn sp7 /usr/bin/s6-supervise "$s6"; wait_until 10 test -p "$s6/supervise/control"
  wait_until 10 test -s "$s6/supervise/status"  # what s6-svwait reads
  a=""; b=""
  for args in "-u -t 200" "-d -t 200" "-o -u -t 200" "-D -t 200"; do
    "$BIN/svwait" $args "$o"; a="$a $?"
    /usr/bin/s6-svwait $args "$s6"; b="$b $?"
  done
  ok_if "exit codes as s6-svwait's (down service:$a)" test "$a" = "$b"
  end_sup "$sp6" "$o"
  /usr/bin/s6-svc -xd "$s6" 2>/dev/null; stop "$sp7"
else
  skip "svwait against s6-svwait" "s6 not installed"
fi

finish
