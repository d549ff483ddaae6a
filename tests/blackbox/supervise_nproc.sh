# supervise at the process limit when ./run exits and ./finish is due:
# supervise runs as a uid of its own under RLIMIT_NPROC 3 (softlimit -p);
# ./run up makes 2 processes of that uid, a hog of 2 more fills it, so once
# ./run has exited (svc -d) there is no room for ./finish. supervise warns
# in daemontools form, skips ./finish, publishes down and keeps running;
# with the hog gone, the next stop runs ./finish as usual.
#
# RLIMIT_NPROC counts the processes of a real uid, and root ignores it: the
# test needs root (to take on another uid) and a uid nothing else runs as.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../helpers/supervise_common.sh"

if [ "$(id -u)" != 0 ] || ! command -v setpriv >/dev/null; then
  skip "all" "needs root and setpriv(1): RLIMIT_NPROC binds only a uid other than root"
  finish
  exit
fi
# tasks_of UID: how many processes (threads) run with real uid UID.
tasks_of() { awk -v u="$1" '$1 == "Uid:" && $2 == u { n++ } END { print n + 0 }' /proc/[0-9]*/status 2>/dev/null; }
# A uid without an account or a process (64200..64299: not svscan-nproc's).
U=""
for i in $(seq 0 99); do
  u=$((64200 + ($$ + i) % 100))
  if ! getent passwd "$u" >/dev/null && [ "$(tasks_of "$u")" = 0 ]; then U=$u; break; fi
done
if [ -z "$U" ]; then
  skip "all" "no free uid in 64200..64299"
  finish
  exit
fi
AS_U="setpriv --reuid=$U --regid=$U --clear-groups --"

S=$T/s
mksvc "$S" 'echo "run $$"; exec sleep 1000'
printf '#!/bin/sh\necho "finish $1 $2" >>%s/finished\n' "$T" >"$S/finish"
chmod 755 "$S/finish"
chown -R "$U:$U" "$T"
chmod 711 "$T"

spawn SUP $AS_U "$BIN/softlimit" -p 3 "$BIN/supervise" "$S" 2>"$T/err"
wait_until 10 sv_up "$S"
ok_if "under the limit: ./run is up" sv_up "$S"
spawn HOG $AS_U sh -c 'sleep 1000 & exec sleep 1000'
wait_until 10 eval '[ "$(tasks_of "$U")" -ge 4 ]'

"$BIN/svc" -d "$S"
warning="supervise: warning: unable to fork for $S/finish, skipping it: temporary failure"
if wait_until 10 grep -qxF "$warning" "$T/err"; then
  pass "at the limit: ./finish cannot be forked: warned, in daemontools form"
else
  fail "at the limit: ./finish cannot be forked: warned, in daemontools form" "$(head -3 "$T/err")"
fi
# Skipped, not pending: down at once, and supervise still answers.
if wait_until 10 sv_down "$S" && ! svstat_has "$S" finishing && sv_running "$S" && kill -0 "$SUP"; then
  pass "at the limit: down without ./finish, supervise keeps running"
else
  fail "at the limit: down without ./finish, supervise keeps running" "$("$BIN/svstat" "$S")"
fi
ok_if "at the limit: ./finish did not run" test ! -e "$T/finished"
others=$(grep -vxF "$warning" "$T/err")
if [ -z "$others" ]; then pass "at the limit: nothing else said"; else fail "at the limit: nothing else said" "$others"; fi

# Room again: the next start and stop run ./run and ./finish as usual.
stop "$HOG"
wait_until 10 eval '[ "$(tasks_of "$U")" -le 1 ]'
"$BIN/svc" -u "$S"
wait_until 10 sv_up "$S"
"$BIN/svc" -d "$S"
if wait_until 10 file_has "$T/finished" "^finish 256 15\$"; then
  pass "room again: ./finish runs after the next stop ($(cat "$T/finished"))"
else
  fail "room again: ./finish runs after the next stop" "finished: $(cat "$T/finished" 2>/dev/null)" "$(head -3 "$T/err")"
fi

"$BIN/svc" -x "$S"
wait_until 10 gone "$SUP"
ok_if "svc -x: supervise leaves" gone "$SUP"
stop "$SUP"
if wait_until 10 eval '[ "$(tasks_of "$U")" = 0 ]'; then
  pass "nothing left running"
else
  fail "nothing left running" "$(ps -o pid=,stat=,args= -u "$U" | head -5)"
fi
finish
