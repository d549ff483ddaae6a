# envuidgid: usage, unknown accounts, exec errors, and $UID/$GID with the
# environment's order compared byte for byte against the reference.
. "$(dirname "$0")/lib.sh"

U="envuidgid: usage: envuidgid account child
"
check "no arguments is a usage error" 100 "" "$U" envuidgid
check "an account alone is a usage error" 100 "" "$U" envuidgid nobody
check "unknown account" 111 "" "envuidgid: fatal: unknown account no-such-user-xyz
" envuidgid no-such-user-xyz true
check "an empty account name is unknown" 111 "" "envuidgid: fatal: unknown account 
" envuidgid "" true
check "child that cannot be run" 111 "" "envuidgid: fatal: unable to run /nonexistent/prog: file does not exist
" envuidgid nobody /nonexistent/prog
check "child not found in PATH" 111 "" "envuidgid: fatal: unable to run no-such-program-xyz: file does not exist
" envuidgid nobody no-such-program-xyz

fresh() { env -i "$P/envuidgid" nobody /usr/bin/env; }
check "GID then UID are added" 0 "GID=$(id -g nobody)
UID=$(id -u nobody)
" "" fresh
replace() { env -i A=1 UID=5 B=2 GID=7 C=3 "$P/envuidgid" daemon /usr/bin/env; }
check "existing values are replaced in daemontools order" 0 "A=1
GID=$(id -g daemon)
B=2
C=3
UID=$(id -u daemon)
" "" replace
inherit() { env -u _ "$P/envuidgid" root /usr/bin/env; }
same "with the full inherited environment" inherit
check "ids are not changed" 0 "$(id -u)
" "" envuidgid nobody id -u
check "exit code and arguments of the child pass through" 5 "a b
" "" envuidgid nobody sh -c 'echo "$@"; exit 5' sh a b

finish
