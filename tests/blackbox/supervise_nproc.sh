# supervise at the process limit when ./run exits and ./finish is due:
# supervise runs as a uid of its own under RLIMIT_NPROC 3 (softlimit -p);
# ./run up makes 2 processes of that uid, a hog of 2 more fills it, so once
# ./run has exited (svc -d) there is no room for ./finish. supervise warns
# in daemontools form, skips ./finish, publishes down and keeps running;
# with the hog gone, the next stop runs ./finish as usual.
# Root, setpriv and a free uid are needed (tests/helpers/nproc_common.sh).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../helpers/nproc_common.sh"
. "$(dirname "$0")/../helpers/supervise_common.sh"

nproc_uid 64200  # not svscan-nproc's uids

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
