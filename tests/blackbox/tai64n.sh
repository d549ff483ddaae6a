# tai64n: the stamp's form and value, lines of every kind, when a line is
# stamped and shown, errors.
. "$(dirname "$0")/lib.sh"
# Stamps differ from run to run: compare the text with each one replaced.
NORM='s/^@[0-9a-f]\{24\} /@STAMP /'
n_in=0
input() { n_in=$((n_in + 1)); STDIN=$T/in.$n_in; printf "$1" >"$STDIN"; }

input "one\ntwo\n"
check "each line gets '@', 24 lowercase hex digits and a space" 0 "@STAMP one
@STAMP two
" "" tai64n
check "arguments are ignored" 0 "@STAMP one
@STAMP two
" "" tai64n -x extra
input "\n\n  indented\n@already stamped\n"
check "empty lines and any content are stamped too" 0 "@STAMP 
@STAMP 
@STAMP   indented
@STAMP @already stamped
" "" tai64n
input "last line without newline"
check "a last line without newline is stamped, and stays without one" 0 "@STAMP last line without newline" "" tai64n
input "a\nb"
check "a complete line then a partial one" 0 "@STAMP a
@STAMP b" "" tai64n
input ""
check "empty input" 0 "" "" tai64n
input "a\0b\n\0\n\377\r\n"
nul_text() { "$P/tai64n" | sed "$NORM" | od -An -c | tr -s ' '; }
check "NUL, CR and high bytes pass through" 0 "$(printf '@STAMP a\0b\n@STAMP \0\n@STAMP \377\r\n' | od -An -c | tr -s ' ')
" "" nul_text

# The stamp is the current time: decode it and hold it between clock
# readings taken before and after (nanoseconds since the epoch).
now_ns() { date +%s%N; }
decode_ns() { local h=${1#@}; echo $(((0x${h:0:16} - 0x400000000000000a) * 1000000000 + 0x${h:16:8})); }
in_window() {
  local before after s
  before=$(now_ns)
  s=$(echo x | "$P/tai64n")
  after=$(now_ns)
  local ns
  ns=$(decode_ns "${s%% *}")
  [ "${s:0:1}" = @ ] && [ "${#s}" = 27 ] || { echo "bad form: $s"; return; }
  [ $((0x${s:17:8})) -lt 1000000000 ] || { echo "nanoseconds out of range: $s"; return; }
  if [ "$ns" -ge $((before - 1000000)) ] && [ "$ns" -le $((after + 1000000)) ]; then echo "in window"; else echo "$before <= $ns <= $after fails"; fi
}
check "the stamp is the time the line was read" 0 "in window
" "" in_window
via_local() {
  local y1 y2 y
  y1=$(date -u +%Y)
  y=$(echo x | "$P/tai64n" | TZ=UTC "$BIN/tai64nlocal" | cut -c1-4)
  y2=$(date -u +%Y)
  if [ "$y" = "$y1" ] || [ "$y" = "$y2" ]; then echo "this year"; else echo "year $y"; fi
}
check "tai64nlocal reads the stamp as this year" 0 "this year
" "" via_local

# Many lines, long lines: one stamp per line, stamps never go back, the
# text after the stamps is the input exactly.
awk 'BEGIN { for (i = 0; i < 200000; i++) { printf "line %d", i; for (j = 0; j < i % 50; j++) printf "-"; printf "\n" } }' >"$T/many"
many() {
  "$P/tai64n" <"$T/many" >"$T/many.out.$$"
  cut -c27- "$T/many.out.$$" | cmp - "$T/many" && echo "text intact"
  grep -vc '^@[0-9a-f]\{24\} ' "$T/many.out.$$"
  cut -c2-25 "$T/many.out.$$" | LC_ALL=C sort -c && echo "stamps in order"
}
check "200000 lines from a file" 0 "text intact
0
stamps in order
" "" many
many_pipe() { dd if="$T/many" bs=1009 status=none | "$P/tai64n" | cut -c27- | cmp - "$T/many" && echo "text intact"; }
check "the same through a pipe in odd-sized pieces" 0 "text intact
" "" many_pipe
long_line() {
  { head -c 1500000 /dev/zero | tr '\0' 'x'; echo; echo after; } >"$T/long"
  "$P/tai64n" <"$T/long" >"$T/long.out.$$"
  grep -c '^@[0-9a-f]\{24\} ' "$T/long.out.$$"
  sed "$NORM" "$T/long.out.$$" | cut -c8- | cmp - "$T/long" && echo "text intact"
}
check "a 1.5 MB line gets one stamp" 0 "2
text intact
" "" long_line
{ head -c 2000000 /dev/urandom; printf x; } >"$T/random"  # last line unfinished
random_bytes() {
  "$P/tai64n" <"$T/random" >"$T/random.out.$$"
  LC_ALL=C sed 's/^@[0-9a-f]\{24\} //' "$T/random.out.$$" | cmp - "$T/random" && echo "text intact"
  [ "$(LC_ALL=C grep -ac '^@[0-9a-f]\{24\} ' "$T/random.out.$$")" = "$(($(tr -cd '\n' <"$T/random" | wc -c) + 1))" ] && echo "one stamp per line"
}
check "2 MB of random bytes" 0 "text intact
one stamp per line
" "" random_bytes

# A line is stamped when its first byte is read and shown at once, while
# the rest of the line and more input are still to come.
prompt() {
  local d pid t1
  d=$(mktemp -d "$T/prompt.XXXXXX")
  mkfifo "$d/in"
  "$P/tai64n" <"$d/in" >"$d/out" &
  pid=$!
  exec 3>"$d/in"
  printf 'first\nsecond, unfinished' >&3
  if wait_until 10 grep -q unfinished "$d/out"; then echo "shown while input stays open"; else echo "not flushed"; fi
  t1=$(now_ns)
  printf ' line\n' >&3
  exec 3>&-
  wait "$pid"
  echo "rc=$?"
  sed "$NORM" "$d/out"
  local s
  s=$(tail -n 1 "$d/out")
  [ "$(decode_ns "${s%% *}")" -le "$t1" ] && echo "stamped when its first byte came"
}
check "lines appear and are stamped as they are read" 0 "shown while input stays open
rc=0
@STAMP first
@STAMP second, unfinished line
stamped when its first byte came
" "" prompt

# Errors: 111, silently.
input "x\n"
full() { "$P/tai64n" >/dev/full; }
check "write error" 111 "" "" full
empty_full() { "$P/tai64n" </dev/null >/dev/full; }
check "nothing to write, no error" 0 "" "" empty_full
dir_in() { "$P/tai64n" <"$T"; }
check "read error (stdin is a directory)" 111 "" "" dir_in
closed_in() { "$P/tai64n" <&-; }
check "stdin closed" 111 "" "" closed_in
closed_out() { "$P/tai64n" >&-; }
check "stdout closed" 111 "" "" closed_out
head -c 2000000 /dev/zero | tr '\0' '\n' >"$T/newlines"
broken_pipe() { "$P/tai64n" <"$T/newlines" | head -c 1 >/dev/null; echo "${PIPESTATUS[0]}"; }
check "a closed pipe ends it by SIGPIPE" 0 "141
" "" broken_pipe

finish
