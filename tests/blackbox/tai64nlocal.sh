# tai64nlocal: stamp conversion in several zones, pass-through of
# everything else byte for byte, 0.76's odd-but-sane stamps, malformed
# stamps (where 0.76 crashes we pass the line through), flushing, errors.
. "$(dirname "$0")/lib.sh"
# stamp UNIXSEC NANO: the text form tai64n would write for that moment.
stamp() { printf '@%016x%08x' $((0x400000000000000a + $1)) "$2"; }
# input TEXT: makes TEXT (printf format) the stdin of the next check.
n_in=0
input() { n_in=$((n_in + 1)); STDIN=$T/in.$n_in; printf "$1" >"$STDIN"; }

utc() { TZ=UTC "$P/tai64nlocal" "$@"; }
ny() { TZ=America/New_York "$P/tai64nlocal"; }
posix() { TZ=EST5EDT,M3.2.0,M11.1.0 "$P/tai64nlocal"; }
india() { TZ=IST-5:30 "$P/tai64nlocal"; }

S0=$(stamp 1610612726 0)            # 2021-01-14 08:25:26 UTC
SUMMER=$(stamp 1625140800 123456789) # 2021-07-01 12:00:00.123456789 UTC
WINTER=$(stamp 1609459200 5)         # 2021-01-01 00:00:00.000000005 UTC

input "$S0 hello\n"
check "a stamp becomes UTC time" 0 "2021-01-14 08:25:26.000000000 hello
" "" utc
check "arguments are ignored" 0 "2021-01-14 08:25:26.000000000 hello
" "" utc -x extra
input "$SUMMER summer\n$WINTER winter\n"
check "TZ=UTC" 0 "2021-07-01 12:00:00.123456789 summer
2021-01-01 00:00:00.000000005 winter
" "" utc
check "TZ=America/New_York follows daylight saving" 0 "2021-07-01 08:00:00.123456789 summer
2020-12-31 19:00:00.000000005 winter
" "" ny
check "a POSIX TZ rule string" 0 "2021-07-01 08:00:00.123456789 summer
2020-12-31 19:00:00.000000005 winter
" "" posix
check "a half-hour offset" 0 "2021-07-01 17:30:00.123456789 summer
2021-01-01 05:30:00.000000005 winter
" "" india
# Around a DST change: 2021-03-14 06:59:59 and 07:00:00 UTC in New York.
input "$(stamp 1615705199 999999999)\n$(stamp 1615705200 0)\n$(stamp 1636264799 0)\n$(stamp 1636264800 0)\n"
check "both sides of the spring and autumn changes" 0 "2021-03-14 01:59:59.999999999
2021-03-14 03:00:00.000000000
2021-11-07 01:59:59.000000000
2021-11-07 01:00:00.000000000
" "" ny
unset_tz() { env -u TZ "$P/tai64nlocal"; }
input "$S0\n$SUMMER\n"
same "without TZ, the system zone" unset_tz

# Pass-through: lines without a stamp, '@' not at the start, bytes of any kind.
input "plain line\n\n  $S0 indented\nx$S0\n"
check "lines without a leading stamp are unchanged" 0 "plain line

  $S0 indented
x$S0
" "" utc
input "abc"
check "a last line without newline" 0 "abc" "" utc
input ""
check "empty input" 0 "" "" utc
input "$S0 a\0b\n\0\n\377\376\n"
nul_text() { utc | od -An -c | tr -s ' '; }
check "NUL and high bytes pass through" 0 "$(printf '2021-01-14 08:25:26.000000000 a\0b\n\0\n\377\376\n' | od -An -c | tr -s ' ')
" "" nul_text
head -c 3000000 /dev/urandom >"$T/random"
binary_copy() { tr -d '@' <"$T/random" | utc | cmp - <(tr -d '@' <"$T/random") && echo identical; }
check "3 MB of random bytes without '@' come out identical" 0 "identical
" "" binary_copy
long_line() {
  { head -c 1500000 /dev/zero | tr '\0' 'x'; echo; echo "$S0 after"; } >"$T/long"
  utc <"$T/long" >"$T/long.out"
  head -n 1 "$T/long.out" | cmp - <(head -n 1 "$T/long") && tail -n 1 "$T/long.out"
}
check "a 1.5 MB line, then a stamped line" 0 "2021-01-14 08:25:26.000000000 after
" "" long_line
long_stamped() { { echo "$S0 $(head -c 1000000 /dev/zero | tr '\0' 'y')"; } >"$T/longs"; utc <"$T/longs" | wc -c; }
check "a stamp before a 1 MB line" 0 "1000031
" "" long_stamped

# What ends a stamp: the first byte that is not a lowercase hex digit. It
# stays in the output, whatever it is.
input "$S0\n${S0}x\n$S0@\n${S0}\ttab\n${S0}A\n"
check "the byte ending a stamp is kept" 0 "2021-01-14 08:25:26.000000000
2021-01-14 08:25:26.000000000x
2021-01-14 08:25:26.000000000@
2021-01-14 08:25:26.000000000	tab
2021-01-14 08:25:26.000000000A
" "" utc
# 0.76 reads every hex digit: extra leading digits fall off the top.
input "@0${S0#@} 25 digits\n@000000${S0#@} 30 digits\n@ffffffffffffffffffffffff${S0#@} 48 digits\n"
check "digits beyond 24 fall off the top" 0 "2021-01-14 08:25:26.000000000 25 digits
2021-01-14 08:25:26.000000000 30 digits
2021-01-14 08:25:26.000000000 48 digits
" "" utc
input "@40000000600000003b9aca00 a\n@4000000060000000ffffffff b\n"
check "nanoseconds above 999999999 print as 0.76 prints them" 0 "2021-01-14 08:25:26.1000000000 a
2021-01-14 08:25:26.4294967295 b
" "" utc
input "@3ffc72815b39800a00000000 a\n@40038d7ea4c6800a00000000 b\n@3ffffff1886e090900000000 c\n@4000003afff4418a00000000 d\n@400000000000000900000000 e\n@40f0c29d8688b1ca00000000 f\n@3f0f3d537c55080a00000000 g\n"
check "distant years as 0.76 prints them" 0 "18446744073677864847-06-29 22:13:20.000000000 a
31690708-07-05 01:46:40.000000000 b
0-12-31 23:59:59.000000000 c
10000-01-01 00:00:00.000000000 d
1969-12-31 23:59:59.000000000 e
2147483647-12-29 12:00:00.000000000 f
18446744071562069868-01-01 00:00:00.000000000 g
" "" utc

# Malformed stamps: 0.76 dies of a segmentation fault on these (losing
# its buffered output); we pass the line through unchanged.
for bad in "@" "@4000" "@4000000060000000" "@40000000600000000000000" "${S0%?}A" \
  "@ffffffffffffffffffffffff" "@000000000000000000000000" \
  "@800000000000000a00000000" "@3f0f3d537c55080900000000" "@40000000G00000000000000"; do
  input "before\n$bad rest\nafter\n"
  check_ours "malformed stamp $bad passes through" 0 "before
$bad rest
after
" "" utc
done
bad_then_good() { TZ=America/New_York "$P/tai64nlocal"; }
input "@4000 bad\n$S0 good\n"
check_ours "a malformed stamp does not disturb the next line" 0 "@4000 bad
2021-01-14 03:25:26.000000000 good
" "" bad_then_good
# A digit run longer than the 128 KiB input buffer is not a stamp.
huge_digits() { { printf '@'; head -c 200000 /dev/zero | tr '\0' '0'; printf '%s end\nnext\n' "${S0#@}"; } >"$T/huge"; utc <"$T/huge" | cmp - "$T/huge" && echo unchanged; }
check_ours "a 200000-digit run passes through" 0 "unchanged
" "" huge_digits
# 0.76 drops a last line that is only a stamp without a newline; we
# convert it like any other line.
input "first\n$S0"
check_ours "a stamp at end of input, without newline" 0 "first
2021-01-14 08:25:26.000000000" "" utc
input "first\n@4000"
check_ours "a short stamp at end of input passes through" 0 "first
@4000" "" utc

# Stamps cut by read boundaries: many lines of varied lengths, each
# stamped, through a file (128 KiB reads) and through a pipe in small
# pieces, against the reference.
awk 'BEGIN { srand(7); for (i = 0; i < 40000; i++) {
  printf "@4000000060%06x%08x ", i * 3, int(rand() * 999999999);
  n = int(rand() * 150); s = ""; for (j = 0; j < n; j++) s = s "z";
  if (i % 7 == 0) printf "no stamp here %d\n", i; else printf "%d %s\n", i, s } }' >"$T/many"
many_file() { TZ=America/New_York "$P/tai64nlocal" <"$T/many"; }
same "3 MB of stamped lines from a file match the reference" many_file
many_pipe() { dd if="$T/many" bs=997 status=none | TZ=America/New_York "$P/tai64nlocal"; }
same "the same through a pipe in odd-sized pieces" many_pipe
# A random mix 0.76 survives: stamps from 35000 years either side of 1970,
# any 32-bit fraction, extra leading zeros, every kind of byte ending the
# stamp (NUL included), binary after it, and binary lines without one
# (no '@' in them: a line of junk after '@' is what 0.76 crashes on).
perl -e 'srand(11);
  for my $i (1 .. 20000) {
    if (rand() < 0.5) {
      my $sec = int(rand(2 * 2**40)) - 2**40;
      my $label = sprintf("%016x", 0x400000000000000a + $sec);
      print "@", "0" x int(rand(3)), $label, sprintf("%08x", int(rand(2**32)));
      print ((" ", "\n", "x", "@", "A", "\0", "\t", "G", "\377")[int(rand(9))]);
    } else {
      print "z";
    }
    print map { my $c = chr(int(rand(256))); $c =~ /[\n@]/ ? "." : $c } 1 .. int(rand(60));
    print "\n";
  }' >"$T/mix"
mix() { TZ=Australia/Lord_Howe "$P/tai64nlocal" <"$T/mix"; }
same "random stamps, terminators and bytes match the reference (TZ with a 30-minute DST)" mix
split_stamp() { { printf '%s' "${S0:0:11}"; sleep 0.2; printf '%s split\n' "${S0:11}"; } | utc; }
check "a stamp split across two writes" 0 "2021-01-14 08:25:26.000000000 split
" "" split_stamp

# Output is flushed as soon as input is read, while more may follow.
prompt() {
  local d
  d=$(mktemp -d "$T/prompt.XXXXXX")
  mkfifo "$d/in"
  TZ=UTC "$P/tai64nlocal" <"$d/in" >"$d/out" &
  local pid=$!
  exec 3>"$d/in"
  printf '%s first\nsecond, unfinished' "$S0" >&3
  if wait_until 10 grep -q unfinished "$d/out"; then echo "shown while input stays open"; else echo "not flushed"; fi
  printf ' line\n' >&3
  exec 3>&-
  wait "$pid"
  echo "rc=$?"
  cat "$d/out"
}
check "lines appear while input stays open" 0 "shown while input stays open
rc=0
2021-01-14 08:25:26.000000000 first
second, unfinished line
" "" prompt

# Errors: 111, silently.
input "$S0 x\n"
full() { utc >/dev/full; }
check "write error" 111 "" "" full
empty_full() { utc </dev/null >/dev/full; }
check "nothing to write, no error" 0 "" "" empty_full
dir_in() { utc <"$T"; }
check "read error (stdin is a directory)" 111 "" "" dir_in
closed_in() { utc <&-; }
check "stdin closed" 111 "" "" closed_in
closed_out() { utc >&-; }
check "stdout closed" 111 "" "" closed_out
head -c 2000000 /dev/zero | tr '\0' '\n' >"$T/newlines"
broken_pipe() { utc <"$T/newlines" | head -c 1 >/dev/null; echo "${PIPESTATUS[0]}"; }
check "a closed pipe ends it by SIGPIPE" 0 "141
" "" broken_pipe

finish
