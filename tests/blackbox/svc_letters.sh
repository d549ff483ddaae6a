# svc beyond 0.76: -q -1 -2 -w (daemontools-encore's letters), -s sig and
# -r. What reaches supervise/control, what our supervise does with it, and
# that the reference supervise ignores it all. 0.76's usage text stays.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../helpers/supervise_common.sh"

USAGE="svc options: u up, d down, o once, x exit, p pause, c continue, h hup, a alarm, i interrupt, t term, k kill"

mkdir -p "$T/fake/supervise" && mkfifo "$T/fake/supervise/control"
sent() {  # the bytes written, in hex
  exec 3<>"$T/fake/supervise/control"
  "$P/svc" "$@" "$T/fake" || echo "rc $?"
  dd bs=256 count=1 iflag=nonblock <&3 2>/dev/null | od -An -tx1 | tr -s ' \n' ' '
  exec 3<&-
  echo
}
check_ours "encore's letters: one byte each, 0x80 + signal" 0 " 83 8a 8c 9c 
" "" sent -q12w
check_ours "-r sends r" 0 " 72 
" "" sent -r
check_ours "-s by name, SIG name, number; each once, in order" 0 " 64 81 8a a2 78 
" "" sent -d -s HUP -sSIGUSR1 -s usr1 -s 34 -s 1 -x
check_ours "-s KILL is k's signal but its own byte" 0 " 6b 89 
" "" sent -k -s KILL
check_ours "-E: sends nothing itself" 0 " 64 
" "" sent -E -d
nosup=$(mktemp -d "$T/nosup.XXXXXX"); mkdir "$nosup/supervise"; mkfifo "$nosup/supervise/control"
check_ours "-E: 111 when a dir cannot be controlled, after going on" 111 "" "svc: warning: unable to chdir to $T/nonexist: file does not exist
svc: warning: unable to control $nosup: supervise not running
" svc -E -d "$T/nonexist" "$nosup"
check "without -E: 0 as 0.76" 0 "" "svc: warning: unable to chdir to $T/nonexist: file does not exist
" svc -d "$T/nonexist"
check_ours "missing signal" 100 "" "svc: option requires an argument -- s
$USAGE
" svc -s
check_ours "unknown signal" 100 "" "svc: fatal: unknown signal: NOPE
" svc -s NOPE "$T/fake"
check_ours "signal 0 is not one" 100 "" "svc: fatal: unknown signal: 0
" svc -s 0 "$T/fake"
check "0.76 letters unchanged: unknown letter" 100 "" "svc: illegal option -- z
$USAGE
" svc -z "$T"

# Our supervise: each letter reaches ./run; -r restarts, want unchanged.
d=$(mktemp -d "$T/live.XXXXXX")/s
mksvc "$d" 'for s in QUIT USR1 USR2 WINCH ALRM PIPE; do trap "echo $s >>log" $s; done
echo start >>starts
while :; do sleep 0.05; done'
start_sup sp "$BIN/supervise" "$d"
# Up in the status is before ./run has set its traps: "start" is after.
wait_until 10 eval 'sv_up "$d" && file_has "$d/starts" start'
"$BIN/svc" -q12w -s ALRM -s 13 "$d"
ok_if "q 1 2 w and -s reach ./run" wait_until 5 eval '[ "$(sort "$d/log" | tr "\n" " ")" = "ALRM PIPE QUIT USR1 USR2 WINCH " ]'
p=$(sv_pid "$d")
sleep 1  # past the one-start-a-second limit
"$BIN/svc" -r "$d"
ok_if "-r restarts: a new pid" wait_until 5 sv_pid_is_not "$d" "$p"
ok_if "-r leaves want up" test "$(sv_want "$d")" = 75
ok_if "two starts" wait_until 5 eval '[ "$(wc -l <"$d/starts")" = 2 ]'
"$BIN/svc" -d "$d"; wait_until 5 sv_down "$d"
"$BIN/svc" -r "$d"; sleep 0.5
ok_if "-r on a down service does nothing" sv_down "$d"
end_sup "$sp" "$d"

# The reference supervise ignores every new byte.
if [ "$HAVE_REF" = 1 ]; then
  d=$(mktemp -d "$T/ref.XXXXXX")/s
  mksvc "$d" 'for s in QUIT USR1 USR2 WINCH HUP; do trap "echo $s >>log" $s; done
echo start >>starts
while :; do sleep 0.05; done'
  start_sup sp "$REF/supervise" "$d"
  wait_until 10 eval 'sv_up "$d" && file_has "$d/starts" start'
  p=$(sv_pid "$d")
  "$BIN/svc" -q12wr -s HUP "$d"
  "$BIN/svc" -h "$d"  # a known letter after them, to know they were read
  wait_until 5 file_has "$d/log" HUP
  ok_if "reference supervise ignores the new bytes" eval '[ "$(cat "$d/log")" = HUP ] && [ "$(sv_pid "$d")" = "$p" ]'
  end_sup "$sp" "$d"
fi

finish
