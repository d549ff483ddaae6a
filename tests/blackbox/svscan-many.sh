# svscan with 2,500 services (1,100 under the sanitizers): more than the
# reference's limit (1000) and more than our table's first capacity (1024),
# so the table grows (twice, once) while services are running. All start, all are up, and svscan warns
# about nothing. Teardown kills svscan's process group, which holds every
# supervise and ./run (none leaves it), then anything still working in $T.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../helpers/svscan_common.sh"
need_supervise

N=2500
# Under the sanitizers each supervise takes about 4.6 MB (Pss): 1,100
# services still make the table grow once, within the machine's memory.
if grep -qa __asan_init "$BIN/svscan"; then N=1100; fi
S=$T/service
mkdir -p "$S"
# Few processes: one mkdir, builtin writes, one chmod.
(cd "$S" && mkdir $(seq -f 's%g' $N))
for i in $(seq $N); do printf '#!/bin/sh\nexec sleep 1000\n' >"$S/s$i/run"; done
chmod 755 "$S"/s*/run
spawn SV env PATH="$RUNPATH" "$BIN/svscan" "$S" 2>"$T/svscan.err"
teardown() {
  kill -KILL -- "-$SV" 2>/dev/null
  kill_under "$T"
}
trap 'teardown; kill_under "$T"; cleanup' EXIT
started() { [ "$(ls "$S"/*/supervise/status 2>/dev/null | wc -l)" -ge $N ]; }
every_svok() {
  local i
  for i in $(seq $N); do "$SUPBIN/svok" "$S/s$i" || return 1; done
}
if wait_until 180 started && wait_until 60 every_svok; then
  pass "$N services started and all up"
else
  fail "$N services started and all up" "$(ls "$S"/*/supervise/status 2>/dev/null | wc -l) started"
fi
if ! grep -q "^svscan:" "$T/svscan.err"; then pass "no warnings from svscan"; else fail "no warnings from svscan" "$(grep "^svscan:" "$T/svscan.err" | head -5)"; fi
# svscan itself works in $S too.
settled() { [ "$(procs_under "$S" | wc -l)" -eq $((2 * N + 1)) ]; }
others() { ps -eo pgid=,pid=,ppid=,stat=,args= | awk -v g="$SV" '$1 == g' | grep -v 'sleep 1000$\|supervise s[0-9]*$' | head -5; }
if wait_until 30 settled; then
  pass "one supervise and one run per service"
else
  fail "one supervise and one run per service" "$(procs_under "$S" | wc -l) processes for $N services" "$(others)"
fi
ingroup=$(pgrep -c -g "$SV")
if [ "$ingroup" -eq $((2 * N + 1)) ]; then
  pass "all in svscan's process group"
else
  fail "all in svscan's process group" "$ingroup processes" "$(others)"
fi

teardown
if wait_until 10 nothing_left "$T"; then pass "nothing left running"; else fail "nothing left running" "$(procs_under "$T" | wc -l) processes"; fi
finish
