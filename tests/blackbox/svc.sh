# svc: options, warnings and exactly what reaches supervise/control.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../helpers/supervise_common.sh"

USAGE="svc options: u up, d down, o once, x exit, p pause, c continue, h hup, a alarm, i interrupt, t term, k kill"
check "unknown option" 100 "" "svc: illegal option -- z
$USAGE
" svc -z "$T"
check "unknown option among known ones" 100 "" "svc: illegal option -- Q
$USAGE
" svc -dQ "$T"
check "no arguments" 0 "" "" svc
check "options but no dir" 0 "" "" svc -udx
check "missing dir" 0 "" "svc: warning: unable to chdir to $T/nope: file does not exist
" svc -d "$T/nope"
mkdir "$T/empty"
check "no control FIFO" 0 "" "svc: warning: unable to control $T/empty: file does not exist
" svc -d "$T/empty"
mkdir -p "$T/dead/supervise" && mkfifo "$T/dead/supervise/control"
check "supervise not running" 0 "" "svc: warning: unable to control $T/dead: supervise not running
" svc -d "$T/dead"
check "every dir is tried" 0 "" "svc: warning: unable to chdir to $T/nope: file does not exist
svc: warning: unable to control $T/dead: supervise not running
svc: warning: unable to control $T/empty: file does not exist
" svc -u "$T/nope" "$T/dead" "$T/empty"
check "a lone - is a dir, options end there" 0 "" "svc: warning: unable to chdir to -: file does not exist
svc: warning: unable to chdir to -d: file does not exist
" svc -u - -d
check "-- ends the options" 0 "" "svc: warning: unable to chdir to -z: file does not exist
" svc -- -z
via_symlink() { ln -sf "$P/svc" "$T/othername"; "$T/othername" -y; }
check "getopt names the program by argv[0]" 100 "" "othername: illegal option -- y
$USAGE
" via_symlink

# What is written: each letter once, in first-given order, one write.
mkdir -p "$T/fake/supervise" && mkfifo "$T/fake/supervise/control"
sent() {
  exec 3<>"$T/fake/supervise/control"
  "$P/svc" "$@" "$T/fake" || echo "rc $?"
  dd bs=64 count=1 iflag=nonblock <&3 2>/dev/null
  exec 3<&-
  echo
}
check "letters are sent once each, in order" 0 "udx
" "" sent -uudd -xu
check "every letter" 0 "udopchaitkx
" "" sent -udopchaitkx
check "grouped and separate options" 0 "tkc
" "" sent -t -k -ct
check "no options sends nothing" 0 "
" "" sent

# Against a live supervise of each kind: the letters take effect.
for impl in "$BIN" "$REF"; do
  if [ "$impl" = "$REF" ] && [ "$HAVE_REF" != 1 ]; then
    skip_both "control a live supervise (reference's)" "reference not installed"
    ref_skip "svc -d took effect (reference's)" "reference not installed"
    continue
  fi
  d=$T/live.$RANDOM
  mksvc "$d" 'exec sleep 100'
  start_sup sp "$impl/supervise" "$d"
  wait_until 10 sv_up "$d"
  check "control a live supervise ($impl)" 0 "" "" svc -d "$d"
  if wait_until 10 sv_down "$d"; then pass_for "$impl" "svc -d took effect ($impl)"; else fail_for "$impl" "svc -d took effect ($impl)"; fi
  end_sup "$sp" "$d"
done

finish
