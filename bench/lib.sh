# bench/lib.sh: sourced by the benchmarks for the set-up and clean-up they
# share (bench/run does not run it). Every wait is bounded; processes are
# ended by pid, never by name.

# want PART: true when $SECTIONS names PART.
want() { case " $SECTIONS " in *" $1 "*) return 0;; esac; return 1; }

# wait_ok SVOK DIR: until SVOK says a supervise runs in DIR (10 s at most).
wait_ok() {
  local i=0
  while ! "$1" "$2" 2>/dev/null; do i=$((i + 1)); [ $i -lt 400 ] || return 1; sleep 0.025; done
}

# term_pids: sends TERM to every pid in $pids (for a cleanup trap).
term_pids() {
  local p
  for p in $pids; do kill -TERM "$p" 2>/dev/null; done
}

# end_pids PID...: gives each child 2 s to exit, then KILLs it; reaps it.
end_pids() {
  local p i
  for p in "$@"; do
    i=0
    while kill -0 "$p" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.02; i=$((i + 1)); done
    kill -KILL "$p" 2>/dev/null
    wait "$p" 2>/dev/null
  done
}

# procs_under DIR: the pids of processes whose working directory is DIR or
# below it (not this shell).
procs_under() {
  find /proc -mindepth 2 -maxdepth 2 -name cwd \( -lname "$1" -o -lname "$1/*" -o -lname "$1 (deleted)" \) 2>/dev/null |
    cut -d/ -f3 | grep -vx "$$"
}

# kill_under DIR: KILLs the processes working under DIR until none is left
# (10 s at most).
kill_under() {
  local i pids
  for i in $(seq 50); do
    pids=$(procs_under "$1")
    [ -n "$pids" ] || return 0
    kill -KILL $pids 2>/dev/null
    sleep 0.2
  done
}
