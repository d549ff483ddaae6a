# setlock: usage, open/lock/exec errors with and without -x, waiting and
# not waiting on a lock held by another process, and the lock's inheritance.
. "$(dirname "$0")/lib.sh"

U="setlock: usage: setlock [ -nNxX ] file program [ arg ... ]
"
check "no arguments is a usage error" 100 "" "$U" setlock
check "a file alone is a usage error" 100 "" "$U" setlock "$T/lk"
check "options alone are a usage error" 100 "" "$U" setlock -nx
check "unknown option" 100 "" "setlock: illegal option -- q
$U" setlock -q "$T/lk" true
check "-x does not silence usage errors" 100 "" "setlock: illegal option -- z
$U" setlock -xz "$T/lk" true

check "a directory cannot be opened" 111 "" "setlock: fatal: unable to open $T: is a directory
" setlock "$T" true
check "-x: exit 0 quietly when the file cannot be opened" 0 "" "" setlock -x "$T" true
check "missing parent directory" 111 "" "setlock: fatal: unable to open $T/no/lk: file does not exist
" setlock "$T/no/lk" true
check "-X after -x complains again" 111 "" "setlock: fatal: unable to open $T/no/lk: file does not exist
" setlock -x -X "$T/no/lk" true
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
  chmod 711 "$T"
  mkdir "$T/private"
  chmod 700 "$T/private"
  as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$P/setlock" "$@"; }
  check "a directory that cannot be searched" 111 "" "setlock: fatal: unable to open $T/private/lk: access denied
" as_nobody "$T/private/lk" true
  check "-x: quietly, when access is denied" 0 "" "" as_nobody -x "$T/private/lk" true
else
  skip "access denied" "need root and setpriv to run as nobody"
fi
check "child that cannot be run" 111 "" "setlock: fatal: unable to run $T/nonexistent: file does not exist
" setlock "$T/lk" "$T/nonexistent"
check "-x does not silence exec failures" 111 "" "setlock: fatal: unable to run no-such-program-xyz: file does not exist
" setlock -x "$T/lk" no-such-program-xyz
check "exit code and arguments of the child pass through" 9 "a b
" "" setlock "$T/lk" sh -c 'echo "$@"; exit 9' sh a b
dash_file() { cd "$T" && "$P/setlock" - true && ls -l -- - | cut -c1-10; }
check "a lone - is the file name" 0 "-rw-------
" "" dash_file
dashdash() { cd "$T" && "$P/setlock" -- -n true && ls -- -n; }
check "-- ends the options" 0 "-n
" "" dashdash

# The file: created with mode 0600 whatever the umask, never truncated, and
# open (write-only, append) on a descriptor the child inherits.
created() {
  rm -f "$T/new"
  umask 0
  "$P/setlock" "$T/new" true && stat -c %a "$T/new"
}
check "a new file is created with mode 0600" 0 "600
" "" created
printf 'keep\n' >"$T/kept"
kept() { "$P/setlock" "$T/kept" true && cat "$T/kept"; }
check "an existing file is not truncated" 0 "keep
" "" kept
inherited() { "$P/setlock" "$T/lk" sh -c 'readlink /proc/$$/fd/3; echo x >&3'; cat "$T/lk"; : >"$T/lk"; }
check "the child inherits the locked descriptor, opened for appending" 0 "$T/lk
x
" "" inherited
nested() { "$P/setlock" "$T/lk" "$P/setlock" -n "$T/lk" true; }
check "the lock is held while the child runs" 111 "" "setlock: fatal: unable to lock $T/lk: temporary failure
" nested

# Another process holds the lock (our setlock, which the reference must
# respect too: the lock is an flock on the same file).
spawn holder "$BIN/setlock" "$T/held" sh -c ": >'$T/holding'; exec sleep 60"
if wait_until 10 test -e "$T/holding"; then
  check "-n: the lock is taken, fail at once" 111 "" "setlock: fatal: unable to lock $T/held: temporary failure
" setlock -n "$T/held" true
  check "-n -x: the lock is taken, exit 0 quietly" 0 "" "" setlock -nx "$T/held" true
  check "-x -n -X: complain" 111 "" "setlock: fatal: unable to lock $T/held: temporary failure
" setlock -x -n -X "$T/held" true
  stop "$holder"
else
  fail "holder took the lock" "no sign of it within 10 s"
fi


# Without -n (or with -n then -N), setlock waits until the holder is gone,
# then runs its child. The waiter is seen blocked in /proc/locks.
wait_for_lock() {
  local dir=$1 who=$2 f=$T/wait-$2
  : >"$f"
  local ino
  ino=$(stat -c %i "$f")
  spawn h "$BIN/setlock" "$f" sh -c ": >'$f.holding'; exec sleep 60"
  if ! wait_until 10 test -e "$f.holding"; then fail_for "$dir" "waits for the lock ($who)" "holder did not start"; return; fi
  spawn w "$dir/setlock" -nN "$f" sh -c ": >'$f.got'"
  if ! wait_until 10 grep -q -- "-> FLOCK .*:$ino " /proc/locks; then
    fail_for "$dir" "waits for the lock ($who)" "no waiter in /proc/locks"
    return
  fi
  if [ -e "$f.got" ]; then fail_for "$dir" "waits for the lock ($who)" "child ran while the lock was held"; return; fi
  pass_for "$dir" "waits for the lock ($who)"
  stop "$h"
  if wait_until 10 test -e "$f.got"; then pass_for "$dir" "runs once the lock is free ($who)"; else fail_for "$dir" "runs once the lock is free ($who)"; fi
  stop "$w"
}
wait_for_lock "$BIN" ours
if [ "$HAVE_REF" = 1 ]; then
  wait_for_lock "$REF" reference
else
  ref_skip "waits for the lock (reference)" "reference not installed"
  ref_skip "runs once the lock is free (reference)" "reference not installed"
fi

# The lock outlives setlock's child in whatever inherited the descriptor.
spawn bg "$BIN/setlock" "$T/bg" sh -c "sleep 60 & : >'$T/bg.started'"
if wait_until 10 test -e "$T/bg.started"; then
  check "a background grandchild keeps the lock" 111 "" "setlock: fatal: unable to lock $T/bg: temporary failure
" setlock -n "$T/bg" true
else
  fail "a background grandchild keeps the lock" "did not start"
fi

finish
