# fghack: usage, exec errors, exit status and crashes, the extra pipe
# descriptors, and waiting for a daemon that backgrounds itself.
. "$(dirname "$0")/lib.sh"

check "no arguments is a usage error" 100 "" "fghack: usage: fghack child
" fghack
check "child that cannot be run" 111 "" "fghack: fatal: unable to run /nonexistent/prog: file does not exist
" fghack /nonexistent/prog
check "child not found in PATH" 111 "" "fghack: fatal: unable to run no-such-program-xyz: file does not exist
" fghack no-such-program-xyz
check "exit code and arguments of the child pass through" 7 "a b
" "" fghack sh -c 'echo "$@"; exit 7' sh a b
check "exit 0" 0 "" "" fghack true
check "a child killed by a signal has crashed" 111 "" "fghack: fatal: child crashed
" fghack sh -c 'kill -9 $$'
check "a child terminated by SIGTERM has crashed" 111 "" "fghack: fatal: child crashed
" fghack sh -c 'kill -TERM $$'

# The child holds 31 write ends of one pipe: the original and 30 copies.
copies() {
  "$P/fghack" sh -c 'p=$(readlink /proc/$$/fd/3); n=0
    for f in /proc/$$/fd/*; do [ "$(readlink "$f")" = "$p" ] && n=$((n + 1)); done
    echo "$p" | sed "s/:.*//"; echo $n'
}
check "31 copies of the pipe's write end" 0 "pipe
31
" "" copies
layout() {
  exec 3<&- 4<&- 5<&-
  "$P/fghack" sh -c 'for f in /proc/$$/fd/*; do l=$(readlink "$f"); case $l in pipe:*) echo "${f##*/}";; esac; done | sort -n | tr "\n" " "; echo'
}
same "descriptor numbers as the reference" layout
check "bytes the child writes to the pipe are ignored" 0 "" "" fghack sh -c 'echo junk >&3; echo more >&5'

# A daemon that puts itself in the background: fghack waits for it.
daemon() { "$P/fghack" sh -c '(sleep 1; echo late; exit 5) & echo early; exit 3'; }
check "waits until the backgrounded daemon is gone, keeps the child's code" 3 "early
late
" "" daemon
nested() { "$P/fghack" sh -c 'sh -c "(sleep 1; echo grandchild) &" ; exit 0'; }
check "waits for a grandchild of a grandchild" 0 "grandchild
" "" nested

# Out of descriptors (the reference's loader needs fd 3 at start-up, then
# frees it): no room for the pipe.
nofd() { exec 3<&- 4<&-; ulimit -n 4; exec "$P/fghack" true; }
check "no descriptors left for the pipe" 111 "" "fghack: fatal: unable to create pipe: process cannot open more files
" nofd

finish
