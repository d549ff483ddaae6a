# svscan's log pipe: every line a service writes reaches its log exactly
# once, while svscan restarts the supervise on either side of the pipe
# (killed with SIGKILL) and supervise restarts the writer.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../helpers/svscan_common.sh"
need_supervise
[ -x "$HELPERS/numbered" ] || { skip all "helper numbered not built"; finish; exit; }

TOTAL=5000
S=$T/service
mkservice "$S/p" "exec '$HELPERS/numbered' '$T/state' $TOTAL 7000"
mklog "$S/p" "$T/out.log"
spawn SV env PATH="$RUNPATH" "$BIN/svscan" "$S" 2>"$T/svscan.err"
wait_until 10 all_up "$S/p" "$S/p/log" || fail "service and log start"

# kill_supervise DIR: SIGKILL DIR's supervise, wait for svscan's new one.
kill_supervise() {
  local old new
  old=$(sup_pid "$1") || { fail "no supervise in $1"; return; }
  kill -KILL "$old"
  wait_until 5 sh -c "! kill -0 $old 2>/dev/null"
  if wait_until 12 up "$1" && new=$(sup_pid "$1") && [ "$new" != "$old" ]; then
    pass "supervise in ${1#"$T"/} restarted by svscan"
  else
    fail "supervise in ${1#"$T"/} restarted by svscan"
  fi
}
lines() { wc -l <"$T/out.log" 2>/dev/null || echo 0; }

started_writing() { [ "$(lines)" -gt 100 ]; }
wait_until 5 started_writing
kill_supervise "$S/p/log"
kill_supervise "$S/p"
"$SUPBIN/svc" -t "$S/p"  # the writer restarts (it stops between lines)
kill_supervise "$S/p/log"
"$SUPBIN/svc" -t "$S/p"
kill_supervise "$S/p"
if [ "$(lines)" -lt "$TOTAL" ]; then pass "disturbed while writing"; else fail "disturbed while writing" "all $TOTAL lines were written before the last restart; slow the writer"; fi

complete() { [ "$(lines)" -ge "$TOTAL" ]; }
wait_until 60 complete
sleep 0.5  # a duplicate would show up as an extra line
got=$(lines)
dups=$(sort -n "$T/out.log" | uniq -d | head -5)
if [ "$got" = "$TOTAL" ] && [ -z "$dups" ] && seq "$TOTAL" | cmp -s - <(sort -n "$T/out.log"); then
  pass "$TOTAL numbered lines arrive, none lost, none duplicated"
else
  fail "$TOTAL numbered lines arrive, none lost, none duplicated" "got $got lines; duplicates: $dups" \
    "missing: $(seq "$TOTAL" | comm -23 - <(sort -u "$T/out.log" | sort) | head -5 | tr '\n' ' ')"
fi

stop "$SV"
kill_under "$T"
if nothing_left "$T"; then pass "nothing left running"; else fail "nothing left running" "$(procs_under "$T")"; fi
finish
