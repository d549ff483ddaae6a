# svscan and supervise at the process limit, lowered for real: svscan runs
# as a uid of its own under a small RLIMIT_NPROC (softlimit -p), which
# other processes of that uid (a hog) mostly use up. svscan starts the
# supervise processes it can, each starts its ./run if it can; every failed
# fork is warned in daemontools form and retried, nothing dies; once the
# hog ends, every service comes up within a scan.
# Root, setpriv and a free uid are needed (tests/helpers/nproc_common.sh).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../helpers/nproc_common.sh"
. "$(dirname "$0")/../helpers/svscan_common.sh"
need_supervise

nproc_uid 64100

N=6   # services: svscan and 2 processes each, 13 in all,
L=16  # fit under this limit,
H=10  # but not beside a hog of 10 processes: 5 places for 12
S=$T/service
mkdir -p "$S"
for i in $(seq $N); do mkservice "$S/s$i"; done
chown -R "$U:$U" "$S"
chmod 711 "$T"  # $U must reach $S

spawn HOG $AS_U sh -c "cd '$T' && for i in $(seq -s ' ' $((H - 1))); do sleep 1000 & done; exec sleep 1000"
wait_until 10 eval '[ "$(tasks_of "$U")" -ge '$H' ]'
spawn SV $AS_U "$BIN/softlimit" -p $L env PATH="$RUNPATH" "$BIN/svscan" "$S" 2>"$T/err"

# The limit is reached when the uid has L processes (the hog's, svscan,
# the supervise processes and the runs they could start).
full() { [ "$(tasks_of "$U")" -ge $L ]; }
sup_warnings() { grep -c '^supervise: warning: unable to fork for s[0-9]*, trying again in 1 second: temporary failure$' "$T/err"; }
if wait_until 20 full && wait_until 20 eval '[ "$(sup_warnings)" -ge 2 ]'; then
  pass "at the limit: supervise warns that it cannot fork ./run, and tries again"
else
  fail "at the limit: supervise warns that it cannot fork ./run, and tries again" "$(tasks_of "$U") processes" "$(sort "$T/err" | uniq -c | head -5)"
fi
sups=$(for i in $(seq $N); do sup_pid "$S/s$i"; done)
nsup=$(echo $sups | wc -w)
svscan_warnings() { grep -c '^svscan: warning: unable to fork for s[0-9]*: temporary failure$' "$T/err"; }
# Each service svscan could not start is tried again at the next scan.
if wait_until 20 eval '[ "$(svscan_warnings)" -ge $((2 * (N - nsup))) ]' && [ "$nsup" -lt $N ]; then
  pass "at the limit: svscan warns about the $((N - nsup)) supervise it cannot fork, and tries again"
else
  fail "at the limit: svscan warns about the supervise it cannot fork, and tries again" "$nsup of $N started" "$(sort "$T/err" | uniq -c | head -5)"
fi
others=$(grep -v '^svscan: warning: unable to fork for s[0-9]*: temporary failure$' "$T/err" |
  grep -v '^supervise: warning: unable to fork for s[0-9]*, trying again in 1 second: temporary failure$')
if [ -z "$others" ]; then pass "at the limit: nothing else said"; else fail "at the limit: nothing else said" "$others"; fi
alive=1
for p in $SV $sups; do kill -0 "$p" 2>/dev/null || alive=0; done
if [ "$alive" = 1 ] && [ "$(echo $(for i in $(seq $N); do sup_pid "$S/s$i"; done))" = "$(echo $sups)" ]; then
  pass "at the limit: svscan and the $nsup supervise it started keep running"
else
  fail "at the limit: svscan and the supervise it started keep running"
fi

# The hog ends: svscan's next scan starts the supervise processes left
# out, and supervise's next try (a second) the runs.
stop "$HOG"
# sv_pid_up DIR: supervise/status names a running ./run.
sv_pid_up() { local p; p=$(od -An -tu4 -j12 -N4 "$1/supervise/status" 2>/dev/null | tr -d ' '); [ -n "$p" ] && [ "$p" != 0 ]; }
all_running() { local i; for i in $(seq $N); do sv_pid_up "$S/s$i" || return 1; done; }
wait_ms ms 30 all_running
# Promised: within one scan (svscan(8): every 5 s) and supervise's retry a
# second after a failed fork (supervise(8)); 8000 leaves the loaded
# machine's pace 2 s.
timing "limit freed to every service up" "$ms" ms
ok_if "limit freed: all $N services up within a scan ($ms ms)" eval 'all_running && [ $ms -lt 8000 ]'
ok_if "limit freed: svscan still the same" grep -qs svscan "/proc/$SV/cmdline"

stop "$SV"
kill_under "$T"
# (Killed processes count until their parent, maybe init, reaps them.)
if nothing_left "$T" && wait_until 10 eval '[ "$(tasks_of "$U")" = 0 ]'; then
  pass "nothing left running"
else
  fail "nothing left running" "$(ps -o pid=,stat=,args= -u "$U" | head -5)"
fi
finish
