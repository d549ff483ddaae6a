# svscan's log pipe: every line a service writes reaches its log exactly
# once, while svscan restarts the supervise on either side of the pipe
# (killed with SIGKILL) and supervise restarts the writer. The writer has
# more lines than it can write meanwhile, however loaded the machine: it is
# stopped (svc -d, between two lines) once the disturbances are over, and
# every line it recorded as written must then be in the log. A writer
# whose supervise was killed goes on (it holds STATE's lock; the new one
# waits for it): those are stopped by their pids.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../helpers/svscan_common.sh"
need_supervise
[ -x "$HELPERS/numbered" ] || { skip all "helper numbered not built"; finish; exit; }

TOTAL=1000000
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
writers=""
writer_pid() { "$SUPBIN/svstat" "$S/p" | sed -n 's/.*: up (pid \([0-9]*\)).*/\1/p'; }
kill_supervise "$S/p/log"
writers="$writers $(writer_pid)"
kill_supervise "$S/p"
"$SUPBIN/svc" -t "$S/p"  # the writer restarts (it stops between lines)
kill_supervise "$S/p/log"
"$SUPBIN/svc" -t "$S/p"
writers="$writers $(writer_pid)"
kill_supervise "$S/p"
before=$(lines)
more_lines() { [ "$(lines)" -gt "$before" ]; }
if wait_until 10 more_lines; then pass "lines still flow after the disturbances"; else fail "lines still flow after the disturbances" "$before lines, no more for 10 s"; fi

# The writer stops between two lines; STATE then says how many it wrote.
"$SUPBIN/svc" -d "$S/p"
for w in $writers; do kill -TERM "$w" 2>/dev/null; done
writers_gone() {
  for w in $writers; do ! kill -0 "$w" 2>/dev/null || return 1; done
  "$SUPBIN/svstat" "$S/p" | grep -q ': down '
}
wait_until 10 writers_gone || fail "the writers stop" "$("$SUPBIN/svstat" "$S/p"); left: $(ps -o pid=,args= -p "$(echo $writers | tr " " ,)" 2>/dev/null)"
want=$(tr -d ' \n' <"$T/state")
complete() { [ "$(lines)" -ge "$want" ]; }
wait_until 60 complete
sleep 0.5  # a duplicate would show up as an extra line
got=$(lines)
dups=$(sort -n "$T/out.log" | uniq -d | head -5)
if [ "$got" = "$want" ] && [ -z "$dups" ] && seq "$want" | cmp -s - <(sort -n "$T/out.log"); then
  pass "all $want numbered lines written arrive, none lost, none duplicated"
else
  fail "all $want numbered lines written arrive, none lost, none duplicated" "got $got lines; duplicates: $dups" \
    "missing: $(seq "$want" | comm -23 - <(sort -u "$T/out.log" | sort) | head -5 | tr '\n' ' ')"
fi

stop "$SV"
kill_under "$T"
if nothing_left "$T"; then pass "nothing left running"; else fail "nothing left running" "$(procs_under "$T")"; fi
finish
