# supervise's start-retries (supervisord's startretries, restart-stable as
# startsecs) and no-restart's word "all" (autorestart=false): how many times
# ./run starts, and what svstat shows after. Ours only. Each count is
# checked once the event it follows was seen, never against a speed.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../helpers/supervise_common.sh"

# count_stays FILE N: FILE keeps N lines for 1.5 s (past the 1 s pacing).
count_stays() {
  local i=0
  while [ $i -lt 30 ]; do
    [ "$(nlines "$1")" = "$2" ] || return 1
    sleep 0.05
    i=$((i + 1))
  done
  [ "$(nlines "$1")" = "$2" ]
}

# start-retries 2: the first start and two retries fail, then failed.
d=$(mktemp -d "$T/sr.XXXXXX")/s
mksvc "$d" 'echo start >>starts; exit 1'
echo 2 >"$d/start-retries"
start_sup sp "$BIN/supervise" "$d"
ok_if "start-retries 2: failed after the third failed start" \
  wait_until 20 svstat_has "$d" "^$d: down [0-9]* seconds, normally up, failed\$"
ok_if "... exactly 3 starts ($(nlines "$d/starts"))" test "$(nlines "$d/starts")" = 3
ok_if "... want down" test "$(sv_want "$d")" = 64
ok_if "... and no more starts" count_stays "$d/starts" 3
"$BIN/svc" -u "$d"
ok_if "svc -u starts it again" wait_until 10 eval '[ "$(nlines "$d/starts")" -ge 4 ]'
ok_if "... and 3 more failed starts make it failed again" \
  wait_until 20 eval '[ "$(nlines "$d/starts")" = 6 ] && svstat_has "$d" ", failed\$"'
ok_if "... at 6 starts" count_stays "$d/starts" 6
end_sup "$sp" "$d"

# A failed start is retried even when no-restart lists its exit code.
d=$(mktemp -d "$T/s0.XXXXXX")/s
mksvc "$d" 'echo start >>starts; exit 0'
echo 0 >"$d/no-restart"
echo 1 >"$d/start-retries"
start_sup sp "$BIN/supervise" "$d"
ok_if "no-restart 0, start-retries 1, quick exit 0: failed" \
  wait_until 20 svstat_has "$d" "^$d: down [0-9]* seconds, normally up, failed\$"
ok_if "... after 2 starts ($(nlines "$d/starts"))" test "$(nlines "$d/starts")" = 2
ok_if "... and no more" count_stays "$d/starts" 2
end_sup "$sp" "$d"

# Runs that last restart-stable are no failed starts: restarted for ever.
d=$(mktemp -d "$T/ss.XXXXXX")/s
mksvc "$d" 'echo start >>starts; sleep 0.5; exit 1'
echo 300 >"$d/restart-stable"
echo 1 >"$d/start-retries"
start_sup sp "$BIN/supervise" "$d"
ok_if "runs longer than restart-stable: 4 starts and more" \
  wait_until 30 eval '[ "$(nlines "$d/starts")" -ge 4 ]'
ok_if "... never failed" eval '! svstat_has "$d" "failed"'
ok_if "... want up" test "$(sv_want "$d")" = 75
end_sup "$sp" "$d"

# A malformed start-retries: a warning, and no limit.
d=$(mktemp -d "$T/sm.XXXXXX")/s
mksvc "$d" 'echo start >>starts; exit 1'
echo 1001 >"$d/start-retries"
spawn sp "$BIN/supervise" "$d" 2>"$T/sm.err"
wait_until 10 sv_running "$d"
ok_if "start-retries 1001: malformed, ignored" \
  wait_until 5 file_has "$T/sm.err" "^supervise: warning: $d/start-retries: malformed, ignored\$"
ok_if "... restarted with no limit (4 starts)" wait_until 20 eval '[ "$(nlines "$d/starts")" -ge 4 ]'
ok_if "... never failed" eval '! svstat_has "$d" "failed"'
end_sup "$sp" "$d"

# no-restart all: any signal, even a real-time one without a name.
d=$(mktemp -d "$T/na.XXXXXX")/s
mksvc "$d" 'echo start >>starts; kill -36 $$; sleep 5'
echo all >"$d/no-restart"
start_sup sp "$BIN/supervise" "$d"
ok_if "no-restart all, killed by signal 36: not restarted" \
  wait_until 20 svstat_has "$d" "^$d: down [0-9]* seconds, normally up, not restarted\$"
ok_if "... 1 start" test "$(nlines "$d/starts")" = 1
ok_if "... and no more" count_stays "$d/starts" 1
"$BIN/svc" -u "$d"
ok_if "svc -u starts it again" wait_until 10 eval '[ "$(nlines "$d/starts")" = 2 ] && svstat_has "$d" "not restarted"'
end_sup "$sp" "$d"

finish
