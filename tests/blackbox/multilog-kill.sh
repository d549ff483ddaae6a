# multilog killed 100 times: a fast writer of numbered lines into a pipe
# the test holds open (as svscan does), multilog SIGKILLed while it works
# and restarted on the same pipe, 100 times. Not one line may be lost; a
# line may be written twice, at most one chunk (what one look takes: 256
# KiB once the writer has filled 64 KiB; see multilog(8)) per kill. Ours
# only: 0.76 loses up to one read per kill.
. "$(dirname "$0")/lib.sh"

NUMLINES=$HELPERS/numlines
if [ ! -x "$NUMLINES" ]; then
  skip "all" "helper numlines not built (HELPERS=$HELPERS)"
  finish
  exit
fi

KILLS=${KILLS:-100}
D=$T/log
mkfifo "$T/p"
exec 8<>"$T/p"  # keeps the pipe and its contents alive across the kills
# Background programs are started through sh -c, not shell functions: a
# spawned subshell would inherit this script's traps.
spawn WR sh -c 'exec "$1" -d 200 -b 20 0 100000000 >"$2" 8>&-' sh "$NUMLINES" "$T/p"

# logged: bytes in the log directory so far.
logged() { cat "$D"/@* "$D/previous" "$D/current" 2>/dev/null | wc -c; }

start_ml() { spawn ML sh -c 'exec "$2" t s16777215 n1000 "$3" <"$1" 8>&-' sh "$T/p" "$BIN/multilog" "$D"; }

killed=0 idle=0
for ((i = 0; i < KILLS; i++)); do
  before=$(logged)
  start_ml
  # Killed once it has written something: in the middle of the stream.
  # Bounded: 10 s at most (200 polls).
  for ((j = 0; j < 200; j++)); do
    [ "$(logged)" -le "$before" ] || break
    sleep 0.05
  done
  [ "$j" -lt 200 ] || idle=$((idle + 1))
  kill -KILL "$ML" 2>/dev/null && killed=$((killed + 1))
  wait_until 10 sh -c '! kill -0 "$1" 2>/dev/null' sh "$ML"
done
if [ "$killed" -eq "$KILLS" ] && [ "$idle" -eq 0 ]; then
  pass "multilog was killed $KILLS times while lines flowed"
else
  fail "multilog was killed $KILLS times while lines flowed" "killed $killed, $idle times before it wrote anything"
fi

# The writer stops between two writes (each under PIPE_BUF: whole lines);
# a last multilog takes what is left and ends at the end of input.
stop "$WR"
start_ml
exec 8>&-
if ! wait_until 60 sh -c '! kill -0 "$1" 2>/dev/null' sh "$ML"; then
  fail "the last multilog ends at the end of input" "still running after 60 s"
  stop "$ML"
fi

# Every number from 0 to the last one written: missing ones are lost;
# one seen twice is a duplicate; a line not well formed (cut by the kill
# in the middle of a write) is counted apart.
report=$(cat "$D"/@* "$D/current" | cut -c27- | awk '
  /^[0-9]+ x+$/ && length($0) == 60 { n = $1 + 0; seen[n]++; if (n > max) max = n; good++; next }
  { bad++ }
  END {
    lost = 0; dup = 0
    for (k = 0; k <= max; k++) { if (!(k in seen)) lost++; else if (seen[k] > 1) dup += seen[k] - 1 }
    printf "max %d lines %d lost %d dup %d bad %d\n", max, good, lost, dup, bad + 0
  }')
echo "multilog-kill: $KILLS kills: $report"
read -r _ max _ lines _ lost _ dup _ bad <<<"$report"
if [ "${lost:-x}" = 0 ] && [ "${max:-0}" -gt 100000 ]; then
  pass "0 lines lost over $KILLS kills ($((max + 1)) lines)"
else
  fail "0 lines lost over $KILLS kills" "$report"
fi
# One chunk per kill at most: 256 KiB, 4298 lines of 61 bytes.
if [ "${dup:-x}" != x ] && [ "$dup" -le $((KILLS * 4298)) ] && [ "$bad" -le "$KILLS" ]; then
  pass "duplicates within one chunk per kill ($dup lines, $bad cut)"
else
  fail "duplicates within one chunk per kill" "$report"
fi

finish
