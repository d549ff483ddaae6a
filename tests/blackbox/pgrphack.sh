# pgrphack: usage, exec errors, and the new session/process group.
. "$(dirname "$0")/lib.sh"

check "no arguments is a usage error" 100 "" "pgrphack: usage: pgrphack child
" pgrphack
check "missing program" 111 "" "pgrphack: fatal: unable to run /nonexistent/prog: file does not exist
" pgrphack /nonexistent/prog
check "program not found in PATH" 111 "" "pgrphack: fatal: unable to run no-such-program-xyz: file does not exist
" pgrphack no-such-program-xyz
printf 'echo hi\n' >"$T/noexec"
chmod 644 "$T/noexec"
check "program not executable" 111 "" "pgrphack: fatal: unable to run $T/noexec: access denied
" pgrphack "$T/noexec"
check "exit code of child passes through" 7 "" "" pgrphack sh -c 'exit 7'
check "arguments reach the child" 0 "a b
" "" pgrphack echo a b

# The child leads its own session and group, unlike its parent.
new_group() {
  "$P/pgrphack" sh -c 'ps -o pid=,pgid=,sid= -p $$' | awk '{ print ($1 == $2 && $1 == $3) ? "leader" : "not leader" }'
}
check "child leads a new session and process group" 0 "leader
" "" new_group

finish
