# envuidgid: usage, unknown accounts, exec errors, and $UID/$GID with the
# environment's order compared byte for byte against the reference; then
# accounts from crafted user databases, in a private mount namespace, where
# ours must pick the account the reference's getpwnam picks.
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


# --- crafted user databases (tests/helpers/accounts_common.sh) ------------
. "$(dirname "$0")/../helpers/accounts_common.sh"
vars='echo "$GID $UID"'
in_files() { acct_ns "$T/files" "$P/envuidgid" "$@"; }
in_module() { acct_ns "$T/module" "$P/envuidgid" "$@"; }
if [ "$ACCT_NS" = 1 ]; then
  check "a uid and gid with leading blanks are read as glibc reads them" 0 "1000 1000
" "" in_files zed sh -c "$vars"
  check "a line with a leading blank is read as glibc reads it" 0 "1001 1001
" "" in_files zed2 sh -c "$vars"
  check "a uid and gid with a plus sign are read as glibc reads them" 0 "1002 1002
" "" in_files zed3 sh -c "$vars"
  check "an ordinary account from the file" 0 "2345 1234
" "" in_files alice sh -c "$vars"
  check "an account in no source" 111 "" "envuidgid: fatal: unknown account bob
" in_files bob true
else
  skip "accounts from crafted user databases" "$ACCT_NS_WHY"
fi
if [ "$ACCT_NS" = 1 ] && [ "$ACCT_MODULE" = 1 ]; then
  check "an NSS source answering with its own spelling of the name" 0 "1500 1500
" "" in_module CASEY sh -c "$vars"
  check "an account found after another NSS source" 0 "2345 1234
" "" in_module alice sh -c "$vars"
  sigchld_ignored() { acct_ns "$T/module" env --ignore-signal=CHLD "$P/envuidgid" alice /usr/bin/printenv UID; }
  check "a caller ignoring SIGCHLD" 0 "1234
" "" sigchld_ignored
  fds_closed() { ACCT_CLOSE01=1 acct_ns "$T/module" "$P/envuidgid" alice sh -c 'echo "$UID" >&2'; }
  check "a caller with fds 0 and 1 closed" 0 "" "1234
" fds_closed
else
  skip "accounts from an NSS module" "${ACCT_NS_WHY:-the suitetest NSS module is not built (make check builds it)}"
fi

finish
