# setuidgid: usage, unknown accounts, refused setgid/setuid, exec errors,
# and the child's ids (checked with id) against the reference; then
# accounts from crafted user databases (malformed entries, an NSS source
# ahead of files), in a private mount namespace, where ours must pick the
# account the reference's getpwnam picks.
. "$(dirname "$0")/lib.sh"

U="setuidgid: usage: setuidgid account child
"
check "no arguments is a usage error" 100 "" "$U" setuidgid
check "an account alone is a usage error" 100 "" "$U" setuidgid nobody
check "unknown account" 111 "" "setuidgid: fatal: unknown account no-such-user-xyz
" setuidgid no-such-user-xyz true
check "options are not parsed: -x is an account name" 111 "" "setuidgid: fatal: unknown account -x
" setuidgid -x true
check "an empty account name is unknown" 111 "" "setuidgid: fatal: unknown account 
" setuidgid "" true

if [ "$(id -u)" != 0 ] || ! command -v setpriv >/dev/null; then
  skip "ids of the child" "not root (or no setpriv): setuidgid cannot change ids"
  check "as a normal user, setgid is refused" 111 "" "setuidgid: fatal: unable to setgid: permission denied
" setuidgid root true
  finish
  exit $?
fi

check "ids of nobody" 0 "uid=65534(nobody) gid=65534(nogroup) groups=65534(nogroup)
" "" setuidgid nobody id
daemon_ids=$(id daemon >/dev/null 2>&1 && printf 'uid=%s(daemon) gid=%s(%s) groups=%s(%s)\n' \
  "$(id -u daemon)" "$(id -g daemon)" "$(id -gn daemon)" "$(id -g daemon)" "$(id -gn daemon)")
extra_groups() { setpriv --groups 4,5,6 "$P/setuidgid" daemon id; }
check "supplementary groups are replaced by the primary group alone" 0 "$daemon_ids
" "" extra_groups
check "exit code and arguments of the child pass through" 4 "a b
" "" setuidgid nobody sh -c 'echo "$@"; exit 4' sh a b
check "child that cannot be run" 111 "" "setuidgid: fatal: unable to run /nonexistent/prog: file does not exist
" setuidgid nobody /nonexistent/prog
printf 'echo hi\n' >"$T/secret"
chmod 700 "$T/secret"
check "child only root may run" 111 "" "setuidgid: fatal: unable to run $T/secret: access denied
" setuidgid nobody "$T/secret"
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$P/setuidgid" root true; }
check "an unprivileged caller cannot change groups" 111 "" "setuidgid: fatal: unable to setgid: permission denied
" as_nobody
no_setgid() { setpriv --inh-caps=-setgid --bounding-set=-setgid "$P/setuidgid" nobody true; }
check "setgid refused" 111 "" "setuidgid: fatal: unable to setgid: permission denied
" no_setgid
no_setuid() { setpriv --inh-caps=-setuid --bounding-set=-setuid "$P/setuidgid" nobody true; }
check "setuid refused after setgid worked" 111 "" "setuidgid: fatal: unable to setuid: permission denied
" no_setuid
env_kept() { env -i A=1 B=2 "$P/setuidgid" nobody /usr/bin/env; }
check "the environment is passed on untouched" 0 "A=1
B=2
" "" env_kept


# --- crafted user databases (tests/helpers/accounts_common.sh) ------------
. "$(dirname "$0")/../helpers/accounts_common.sh"
ids='echo $(id -u) $(id -g) $(id -G)'
in_files() { acct_ns "$T/files" "$P/setuidgid" "$@"; }
in_module() { acct_ns "$T/module" "$P/setuidgid" "$@"; }
if [ "$ACCT_NS" = 1 ]; then
  check "a uid and gid with leading blanks are read as glibc reads them" 0 "1000 1000 1000
" "" in_files zed sh -c "$ids"
  check "a line with a leading blank is read as glibc reads it" 0 "1001 1001 1001
" "" in_files zed2 sh -c "$ids"
  check "a uid and gid with a plus sign are read as glibc reads them" 0 "1002 1002 1002
" "" in_files zed3 sh -c "$ids"
  check "an ordinary account from the file" 0 "1234 2345 2345
" "" in_files alice sh -c "$ids"
  check "an account in no source" 111 "" "setuidgid: fatal: unknown account bob
" in_files bob true
  extra_in_files() { acct_ns "$T/files" setpriv --groups 4,5,6 "$P/setuidgid" alice sh -c "$ids"; }
  check "the caller's and /etc/group's extra groups are dropped" 0 "1234 2345 2345
" "" extra_in_files
else
  skip "accounts from crafted user databases" "$ACCT_NS_WHY"
fi
if [ "$ACCT_NS" = 1 ] && [ "$ACCT_MODULE" = 1 ]; then
  check "an NSS source answering with its own spelling of the name" 0 "1500 1500 1500
" "" in_module CASEY sh -c "$ids"
  check "an account found after another NSS source" 0 "1234 2345 2345
" "" in_module alice sh -c "$ids"
  sigchld_ignored() { acct_ns "$T/module" env --ignore-signal=CHLD "$P/setuidgid" alice id -u; }
  check "a caller ignoring SIGCHLD" 0 "1234
" "" sigchld_ignored
  fds_closed() { ACCT_CLOSE01=1 acct_ns "$T/module" "$P/setuidgid" alice sh -c 'id -u >&2'; }
  check "a caller with fds 0 and 1 closed" 0 "" "1234
" fds_closed
else
  skip "accounts from an NSS module" "${ACCT_NS_WHY:-the suitetest NSS module is not built (make check builds it)}"
fi

finish
