# svscan with 1,000 services (the reference's limit): all start, all are
# up, and svscan warns about nothing.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../helpers/svscan_common.sh"
need_supervise

N=1000
S=$T/service
mkdir -p "$S"
for i in $(seq $N); do
  mkdir "$S/s$i"
  printf '#!/bin/sh\nexec sleep 1000\n' >"$S/s$i/run"
  chmod 755 "$S/s$i/run"
done
spawn SV env PATH="$RUNPATH" "$BIN/svscan" "$S" 2>"$T/svscan.err"
started() { [ "$(ls "$S"/*/supervise/status 2>/dev/null | wc -l)" -ge $N ]; }
every_svok() {
  local i
  for i in $(seq $N); do "$SUPBIN/svok" "$S/s$i" || return 1; done
}
if wait_until 120 started && wait_until 30 every_svok; then
  pass "$N services started and all up"
else
  fail "$N services started and all up" "$(ls "$S"/*/supervise/status 2>/dev/null | wc -l) started"
fi
if ! grep -q "^svscan:" "$T/svscan.err"; then pass "no warnings from svscan"; else fail "no warnings from svscan" "$(grep "^svscan:" "$T/svscan.err" | head -5)"; fi
n=$(procs_under "$S" | wc -l)
if [ "$n" -ge $((2 * N)) ] && [ "$n" -le $((2 * N + 1)) ]; then
  pass "one supervise and one run per service"
else
  fail "one supervise and one run per service" "$n processes for $N services"
fi

stop "$SV"
kill_under "$T"
if nothing_left "$T"; then pass "nothing left running"; else fail "nothing left running" "$(procs_under "$T" | wc -l) processes"; fi
finish
