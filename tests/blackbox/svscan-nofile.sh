# svscan and the descriptor limit: log pipes beyond the soft limit make it
# raise the soft limit to the hard one (its children keep the original);
# at the hard limit it says so clearly and starts what it can.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../helpers/svscan_common.sh"
need_supervise

N=30  # 30 log pipes = 60 descriptors, beyond a soft limit of 40
S=$T/service
mkdir -p "$S"
for i in $(seq $N); do
  mkservice "$S/s$i" "ulimit -n > '$T/limit.$i'; exec sleep 1000"
  mklog "$S/s$i" /dev/null
done
dirs=""
for i in $(seq $N); do dirs="$dirs $S/s$i $S/s$i/log"; done

spawn SV sh -c "ulimit -Sn 40 && exec env PATH='$RUNPATH' '$BIN/svscan' '$S' 2>'$T/err'"
if wait_until 20 all_up $dirs; then pass "soft limit raised: $N services with logs up"; else fail "soft limit raised: $N services with logs up" "$(head -3 "$T/err")"; fi
soft=$(awk '/^Max open files/ { print $4 }' "/proc/$SV/limits")
if [ "$soft" -gt 40 ]; then pass "svscan's soft limit is the hard one"; else fail "svscan's soft limit is the hard one" "soft $soft"; fi
wait_until 5 test -s "$T/limit.$N"
if [ "$(cat "$T"/limit.* | sort -u)" = 40 ]; then pass "services get the original limit"; else fail "services get the original limit" "$(cat "$T"/limit.* | sort -u | tr '\n' ' ')"; fi
if ! grep -q '^svscan:' "$T/err"; then pass "no warnings"; else fail "no warnings" "$(grep '^svscan:' "$T/err" | head -3)"; fi
stop "$SV"
kill_under "$T"

# Hard limit 40: some services cannot get a pipe; svscan says why, once.
rm -rf "$S"/*/supervise "$S"/*/log/supervise
spawn SV sh -c "ulimit -n 40 && exec env PATH='$RUNPATH' '$BIN/svscan' '$S' 2>'$T/err'"
wait_until 10 grep -q 'descriptor limit reached' "$T/err"
if grep -qx 'svscan: warning: unable to create pipe for s[0-9]*: process cannot open more files' "$T/err" &&
  [ "$(grep -c 'descriptor limit reached (40)' "$T/err")" = 1 ]; then
  pass "at the hard limit: a warning per service and one clear explanation"
else
  fail "at the hard limit: a warning per service and one clear explanation" "$(sort -u "$T/err" | head -5)"
fi
if kill -0 "$SV" && wait_until 10 sh -c "ls '$S'/*/supervise/status 2>/dev/null | wc -l | grep -qv '^0\$'"; then
  pass "at the hard limit: svscan keeps running the services it could start"
else
  fail "at the hard limit: svscan keeps running the services it could start"
fi
retried() { [ "$(grep 'unable to create pipe' "$T/err" | sort | uniq -c | awk '{ print $1 }' | sort -n | head -1)" -ge 2 ]; }
if wait_until 12 retried; then pass "at the hard limit: every service left out is retried at the next scan"; else fail "at the hard limit: every service left out is retried at the next scan" "$(sort "$T/err" | uniq -c | head -5)"; fi
stop "$SV"
kill_under "$T"
if nothing_left "$T"; then pass "nothing left running"; else fail "nothing left running"; fi
finish
