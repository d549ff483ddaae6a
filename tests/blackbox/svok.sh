# svok: exit codes for every case, against both implementations.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../helpers/supervise_common.sh"

check "no argument is a usage error" 100 "" "svok: usage: svok dir
" svok
check "missing dir" 111 "" "svok: fatal: unable to chdir to $T/nope: file does not exist
" svok "$T/nope"
mkdir "$T/empty"
check "no supervise directory" 100 "" "" svok "$T/empty"
mkdir -p "$T/nofifo/supervise"
check "no ok FIFO" 100 "" "" svok "$T/nofifo"
mkdir -p "$T/dir/supervise/ok"
check "ok is a directory" 111 "" "svok: fatal: unable to open $T/dir/supervise/ok: is a directory
" svok "$T/dir"
mkdir -p "$T/fifo/supervise" && mkfifo "$T/fifo/supervise/ok"
check "FIFO without a reader" 100 "" "" svok "$T/fifo"
exec 3<>"$T/fifo/supervise/ok"
check "FIFO with a reader" 0 "" "" svok "$T/fifo"
check "extra arguments are ignored" 0 "" "" svok "$T/fifo" "$T/nope"
exec 3<&-

# With a real supervise of each kind.
for impl in "$BIN" "$REF"; do
  if [ "$impl" = "$REF" ] && [ "$HAVE_REF" != 1 ]; then
    skip_both "running supervise (reference's)" "reference not installed"
    skip_both "after svc -x (reference's)" "reference not installed"
    continue
  fi
  d=$T/svc.$RANDOM
  mksvc "$d" 'exec sleep 100'
  start_sup sp "$impl/supervise" "$d"
  check "running supervise ($impl)" 0 "" "" svok "$d"
  end_sup "$sp" "$d"
  check "after svc -x ($impl)" 100 "" "" svok "$d"
done

finish
