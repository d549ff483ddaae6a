# readproctitle: argument checks, exit codes, and what /proc/PID/cmdline
# (what ps shows) holds after given input, against the reference.
. "$(dirname "$0")/lib.sh"

check "no arguments: exit 100 silently" 100 "" "" readproctitle
check "last argument shorter than 5 bytes: exit 100" 100 "" "" readproctitle io abcd
check "only the last argument counts" 100 "" "" readproctitle .......... abcd
check "end of input: exit 0" 0 "" "" readproctitle io .....
readdir() { "$P/readproctitle" io .......... <"$T"; }
check "read error (stdin is a directory): exit 111" 111 "" "" readdir
closed() { "$P/readproctitle" io .......... <&-; }
check "read error (stdin closed): exit 111" 111 "" "" closed

# title FILE WANT ARGS...: runs readproctitle ARGS, feeds it FILE and waits
# (bounded) until its command line, without argv[0] and with NULs shown as
# spaces, reads WANT; prints that, then ends the input and returns
# readproctitle's exit code.
title() {
  local data=$1 want=$2
  shift 2
  local fifo=$T/fifo.$BASHPID.$RANDOM
  mkfifo "$fifo"
  "$P/readproctitle" "$@" <"$fifo" &
  local pid=$! got i=0
  exec 7>"$fifo"
  cat "$data" >&7
  while :; do
    got=$(tr '\0' ' ' <"/proc/$pid/cmdline" | cut -d' ' -f2-)
    [ "$got" = "$want" ] && break
    i=$((i + 1))
    [ $i -lt 200 ] || break
    sleep 0.05
  done
  printf '%s\n' "$got"
  exec 7>&-
  wait "$pid"
}
printf 'hello' >"$T/hello"
printf 'hello\0world!!' >"$T/nul"
printf 'line one\nline two' >"$T/lines"
{ head -c 1000000 /dev/zero | tr '\0' x; printf 'the end'; } >"$T/big"
printf 'ab' >"$T/short"

t1() { title "$T/hello" "io .....hello " io ..........; }
check "bytes enter on the right, the first three dots stay" 0 "io .....hello 
" "" t1
t2() { title "$T/nul" "io ...world!! " io ..........; }
check "older bytes shift out on the left; NULs are skipped" 0 "io ...world!! 
" "" t2
t3() { title "$T/lines" "service errors: ...ine two " service errors: ..........; }
check "newlines are kept; earlier arguments stay" 0 "service errors: ...ine two 
" "" t3
t4() { title "$T/big" "io ...xxxthe end " io .............; }
check "1 MB of input: the window holds its last bytes" 0 "io ...xxxthe end 
" "" t4
t5() { title "$T/short" "io ...ab " io .....; }
check "the smallest window (5 bytes: two bytes of text)" 0 "io ...ab 
" "" t5
t6() { title "$T/hello" "io hello ....hello " io hello .........; }
check "whatever the last argument held is replaced" 0 "io hello ....hello 
" "" t6

finish
