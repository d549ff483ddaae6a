# Mixing implementations: our supervise driven by the reference svc and read
# by the reference svstat/svok, and the reference supervise driven and read
# by ours. Every combination must give the same (normalised) transcript as
# the reference alone, which proves the FIFOs and status bytes compatible.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../helpers/supervise_common.sh"

# Every check here is a differential: without the reference, each is
# skipped on both tallies.
if [ "$HAVE_REF" != 1 ]; then
  for what in "ours alone" "our supervise, reference svc/svstat/svok" "reference supervise, our svc/svstat/svok"; do
    skip_both "$what: same as the reference alone" "reference not installed"
  done
  ref_skip "the transcript is not empty" "reference not installed"
  for S in ours reference; do
    skip_both "both svstat agree on $S's status (down)" "reference not installed"
    skip_both "both svstat agree on $S's status (up, paused)" "reference not installed"
  done
  finish
  exit
fi

# scenario SUP CTL: supervise from SUP, svc/svstat/svok from CTL.
scenario() {
  local S=$1 C=$2
  cd "$(mktemp -d "$T/io.XXXXXX")" || return 1
  mksvc s 'for sig in HUP ALRM INT; do trap "echo $sig >>sigs" $sig; done
trap "echo TERM >>sigs; exit 0" TERM
echo start >>starts
while :; do sleep 0.05; done'
  env --default-signal=INT "$S/supervise" s & local sp=$!
  wait_until 10 "$C/svok" s; echo "svok $?"
  wait_until 10 sv_up s; "$C/svstat" s
  "$C/svc" -p s; wait_until 10 eval '[ "$(sv_paused s)" = 1 ]'; "$C/svstat" s
  "$C/svc" -c s; wait_until 10 eval '[ "$(sv_paused s)" = 0 ]'; "$C/svstat" s
  "$C/svc" -h s; wait_until 10 file_has s/sigs HUP
  "$C/svc" -a s; wait_until 10 file_has s/sigs ALRM
  "$C/svc" -i s; wait_until 10 file_has s/sigs INT
  local p=$(sv_pid s)
  "$C/svc" -t s; wait_until 10 sv_pid_is_not s "$p"; "$C/svstat" s
  # Up means the pid is published; wait for ./run to have set its traps.
  wait_until 10 lines_at_least s/starts 2
  p=$(sv_pid s)
  "$C/svc" -k s; wait_until 10 sv_pid_is_not s "$p"; "$C/svstat" s
  wait_until 10 lines_at_least s/starts 3
  "$C/svc" -d s; wait_until 10 sv_down s; "$C/svstat" s
  od -An -tx1 -j16 s/supervise/status
  "$C/svc" -o s; wait_until 10 sv_up s; "$C/svstat" s
  od -An -tx1 -j16 s/supervise/status
  wait_until 10 lines_at_least s/starts 4
  "$C/svc" -k s; wait_until 10 sv_down s; sleep 1.2; "$C/svstat" s
  "$C/svc" -u s; wait_until 10 sv_up s; "$C/svstat" s
  wait_until 10 lines_at_least s/starts 5
  "$C/svc" -dx s; wait "$sp"; echo "supervise exited $?"  # bounded by combo's within
  "$C/svok" s; echo "svok $?"
  "$C/svstat" s
  cat s/sigs; wc -l <s/starts
  # xstatus is ours alone: the documented extension (service-dir(5)).
  ls -l s/supervise | awk 'NR > 1 && $NF != "xstatus" { print $1, $5, $NF }'
}

run_scenario() { scenario "$2" "$3" >"$T/$1.raw" 2>"$T/$1.err" </dev/null; }
combo() {
  local name=$1 S=$2 C=$3
  within 300 run_scenario "$name" "$S" "$C"
  sed -e "$NORM_SV" "$T/$name.raw" >"$T/$name.out"
}
combo ref "$REF" "$REF"
combo ours "$BIN" "$BIN"
combo oursup "$BIN" "$REF"
combo refsup "$REF" "$BIN"

for c in ours oursup refsup; do
  case $c in
    ours) what="ours alone";;
    oursup) what="our supervise, reference svc/svstat/svok";;
    refsup) what="reference supervise, our svc/svstat/svok";;
  esac
  if cmp -s "$T/ref.out" "$T/$c.out" && [ ! -s "$T/$c.err" ]; then
    pass_both "$what: same as the reference alone"
  else
    fail_both "$what: same as the reference alone" "$(diff -u "$T/ref.out" "$T/$c.out" | tail -n +3)" "$(cat "$T/$c.err")"
  fi
done
[ -s "$T/ref.out" ] && grep -q "supervise exited 0" "$T/ref.out" && ref_pass "the transcript is not empty" || ref_fail "the transcript is not empty" "$(cat "$T/ref.out")"

# Status files written by either supervise are read identically by both svstat.
# The two runs can straddle a second boundary ("0 seconds", "1 seconds"):
# look again, a few times; a real disagreement persists.
both_agree() { a=$("$BIN/svstat" "$1"); b=$("$REF/svstat" "$1"); [ "$a" = "$b" ]; }
d=$(mktemp -d "$T/read.XXXXXX")/s
mksvc "$d" 'exec sleep 100'
for S in "$BIN" "$REF"; do
  touch "$d/down"
  start_sup sp "$S/supervise" "$d"
  wait_until 10 test -s "$d/supervise/status"
  wait_until 3 both_agree "$d"
  [ "$a" = "$b" ] && pass_both "both svstat agree on $S's status ($a)" || fail_both "both svstat agree on $S's status" "$a" "$b"
  "$REF/svc" -u "$d"; wait_until 10 sv_up "$d"
  "$BIN/svc" -p "$d"; wait_until 10 eval '[ "$(sv_paused "$d")" = 1 ]'
  wait_until 3 both_agree "$d"
  [ "$a" = "$b" ] && pass_both "both svstat agree on $S's status ($a)" || fail_both "both svstat agree on $S's status" "$a" "$b"
  end_sup "$sp" "$d"
done

finish
