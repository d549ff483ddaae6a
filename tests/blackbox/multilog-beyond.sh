# multilog beyond 0.76 (issue 12): s above 16777215, S, r, T, p, 1, malformed
# new actions, and the gzip processor recipe of multilog(8). Ours only,
# except where 0.76's meaning must hold (same).
. "$(dirname "$0")/lib.sh"

NORM='s/@4000[0-9a-f]\{20\}/@STAMP/g'
fresh() { W=$(mktemp -d "$T/w.XXXXXX") && cd "$W"; }
input() { STDIN=$T/in.$RANDOM$RANDOM; printf "$1" >"$STDIN"; }
LOCAL='[0-9]\{4\}-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]\.[0-9]\{9\}'

# ---- the script
input "a\nb\n"
# The reference ignores these letters: with or without them, the same directory.
same_as_plain() {
  fresh
  "$P/multilog" "$@" ./d || echo "exit $?"
  "$P/multilog" ./e <"$STDIN"
  sed "$NORM" d/current >c1; sed "$NORM" e/current >c2
  cmp -s c1 c2 && echo "as without them"
}
check_ours "malformed new actions are warned about and ignored" 0 "as without them
" "multilog: warning: ignoring malformed action S
multilog: warning: ignoring malformed action Sx
multilog: warning: ignoring malformed action r1.5
multilog: warning: ignoring malformed action r-1
multilog: warning: ignoring malformed action T
multilog: warning: ignoring malformed action 1x
" same_as_plain S Sx r1.5 r-1 T 1x
check "unknown actions stay ignored, silently" 0 "as without them
" "" same_as_plain bogus R5 2 P
longp=p$(head -c 257 /dev/zero | tr '\0' x)
check_ours "a prefix longer than 256 bytes is malformed" 0 "as without them
" "multilog: warning: ignoring malformed action $longp
" same_as_plain "$longp"

# ---- s above 16777215 (0.76 would rotate at 16777215)
big() {
  fresh
  awk 'BEGIN { l = sprintf("%099d", 0); for (i = 0; i < 200000; i++) print l }' | "$P/multilog" s30000000 ./d
  echo "exit $?"; ls d | grep -c '^@'; wc -c <d/current
}
check_ours "s30000000 keeps 20000000 bytes in current" 0 "exit 0
0
20000000
" "" big

# ---- S: the rotated files together stay within the cap, with n
input "$(awk 'BEGIN { for (i = 0; i < 30; i++) { l = sprintf("%d ", i); while (length(l) < 3000) l = l "x"; printf "%s\\n", l } }')"
capped() {
  fresh
  "$P/multilog" s4096 "$@" ./d
  echo "exit $?"
  ls d | grep -c '^@'
  cat d/@* | wc -c
  cat d/@* d/current | cut -d' ' -f1 | tr '\n' ' '; echo
}
check_ours "S10000: the newest rotated files within 10000 bytes" 0 "exit 0
3
9003
27 28 29 
" "" capped S10000 n100
check_ours "S with a smaller n: n decides" 0 "exit 0
2
6002
28 29 
" "" capped S100000 n3
check_ours "n with a smaller S: S decides" 0 "exit 0
1
3001
29 
" "" capped n5 S4000
check_ours "S0 is no cap" 0 "exit 0
30
90030
0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 
" "" capped S0 n100

# ---- T, and t then T
input "one\nb\n"
tstamp() { fresh; "$P/multilog" "$@" ./d; echo "exit $?"; sed "s/$LOCAL /LOCAL /; $NORM" d/current; }
check_ours "T: tai64nlocal's text and a space" 0 "exit 0
LOCAL one
LOCAL b
" "" tstamp T
check_ours "t then T: both stamps" 0 "exit 0
@STAMP LOCAL one
@STAMP LOCAL b
" "" tstamp t T
# tai64nlocal turns t's stamp into the very text T wrote after it.
agree() {
  fresh
  TZ=$1 "$P/multilog" t T ./d
  TZ=$1 "$P/tai64nlocal" <d/current | awk '$1 == $3 && $2 == $4 { n++ } END { print n " agree" }'
}
check_ours "T is tai64nlocal's text of t's stamp (UTC)" 0 "2 agree
" "" agree UTC
check_ours "T is tai64nlocal's text of t's stamp (a zone with DST)" 0 "2 agree
" "" agree America/New_York
check_ours "patterns see T's stamp as they see t's" 0 "exit 0
LOCAL b
" "" tstamp T -'*' +'* * b'

# ---- p
input "info: a\nerror: b\nc\n"
pfx() { fresh; "$P/multilog" "$@" ./d; echo "exit $?"; sed "s/$LOCAL /LOCAL /; $NORM" d/current; }
check_ours "p prefixes every line" 0 "exit 0
web: info: a
web: error: b
web: c
" "" pfx 'pweb: '
check_ours "p after the stamps" 0 "exit 0
@STAMP LOCAL [web] info: a
@STAMP LOCAL [web] error: b
@STAMP LOCAL [web] c
" "" pfx t T 'p[web] '
check_ours "patterns see the prefix" 0 "exit 0
web: error: b
" "" pfx 'pweb: ' -'*' +'web: error*'
check_ours "e and = see the prefix" 0 "exit 0
" "web: info: a
" pfx 'pweb: ' -'*' +'*info*' e -'*' ./x

# ---- 1
input "a1\nb\na2\n"
fwd() { fresh; "$P/multilog" "$@"; echo "exit $?"; sed "$NORM" d/current; }
check_ours "1 forwards the lines selected at that point to stdout" 0 "a1
a2
exit 0
a1
b
a2
" "" fwd -'*' +'a*' 1 +'*' ./d
check_ours "a line selected by two 1 goes once" 0 "@STAMP a1
@STAMP b
@STAMP a2
exit 0
@STAMP a1
@STAMP b
@STAMP a2
" "" fwd t 1 1 ./d
long=$(head -c 1500 /dev/zero | tr '\0' L)
input "short\n${long}\nend"
longfwd() { fresh; "$P/multilog" 1 ./d | wc -c; cat d/current | wc -c; }
check_ours "1 forwards long lines whole, and the last line completed" 0 "1511
1511
" "" longfwd
# A reader that never reads: the log directory is not held up; stdout
# loses whole lines, counted, with warnings.
blocked() {
  fresh
  mkfifo f
  exec 8<>f  # a reader holding the pipe open, never reading
  awk 'BEGIN { for (i = 0; i < 200000; i++) printf "line %d\n", i }' >in
  "$P/multilog" 1 s16777215 ./d <in >f 2>err
  echo "exit $?"
  exec 8>&-
  wc -l <d/current
  grep -c 'warning: unable to write to stdout, dropping lines: ' err
  grep -c 'warning: stdout did not take [0-9]* lines, dropped$' err
}
check_ours "1 with a blocked stdout: nothing held up, lines dropped and counted" 0 "exit 0
200000
1
1
" "" blocked
recover() {
  # The reader starts late: the warning says how many were dropped, and
  # what reaches stdout is whole lines from the input.
  fresh
  mkfifo f i
  exec 8<>f 9<>i
  spawn mpid sh -c 'exec "$0/multilog" 1 s16777215 ./d <i >f 2>err' "$P"
  awk 'BEGIN { for (i = 0; i < 100000; i++) printf "line %d\n", i }' >&9
  wait_until 20 sh -c '[ "$(wc -l <d/current)" -eq 100000 ]' || echo "not logged"
  cat <&8 >/dev/null &   # now read everything
  local reader=$!
  echo "last" >&9
  wait_until 20 grep -q 'stdout takes lines again; [0-9]* lines were dropped' err || echo "no recovery warning"
  stop $mpid; exec 9>&-; kill $reader 2>/dev/null; wait $reader 2>/dev/null; exec 8>&-
  echo done
}
check_ours "1: once stdout drains, the number dropped is reported" 0 "done
" "" recover

# ---- r
# A processor marks each rotation; a period without input makes none.
timed_rot() {
  fresh
  mkfifo i
  exec 9<>i
  spawn mpid sh -c 'exec "$0/multilog" r1 "!sed s/^/P/" ./d <i' "$P"
  echo one >&9
  wait_until 10 sh -c 'ls d | grep -q "^@.*\.s$"' || echo "no rotation by time"
  sleep 2.5  # more than two periods without input
  ls d | grep -c '^@'
  echo two >&9
  wait_until 10 sh -c '[ "$(ls d | grep -c "^@")" -eq 2 ]' || echo "no second rotation"
  cat d/@*
  wc -c <d/current
  stop $mpid; exec 9>&-
}
check_ours "r: current rotated by time, through the processor, never empty" 0 "1
Pone
Ptwo
0
" "" timed_rot
# r does not rotate at end of input, nor when current is young.
input "x\n"
young() { fresh; "$P/multilog" r3600 ./d; echo "exit $?"; ls d | grep -c '^@'; cat d/current; }
check_ours "r3600: a young current is left alone" 0 "exit 0
0
x
" "" young

# ---- compression with a processor (the recipe in multilog(8))
seq 1 3000 | sed 's/^/log line /' >"$T/gz.in"
STDIN=$T/gz.in
gz() {
  fresh
  "$P/multilog" s4096 n100 '!gzip; { cat <&4; echo rotated; } >&5' ./d
  echo "exit $?"
  local f n=0 ok=1
  for f in d/@*.s; do n=$((n + 1)); gzip -t "$f" 2>/dev/null || ok=0; done
  [ $ok = 1 ] && echo "every rotated file is gzip"
  { for f in d/@*.s; do gzip -dc <"$f"; done; cat d/current; } | cmp -s - "$STDIN" && echo "all lines, in order"
  [ "$(grep -c rotated d/state)" -eq $n ] && echo "state counts every rotation"
}
check_ours "!gzip: rotated files compressed, state carried over" 0 "exit 0
every rotated file is gzip
all lines, in order
state counts every rotation
" "" gz

finish
