#!/usr/bin/env bash
# Throughput of tai64n and tai64nlocal, ours beside the reference and cat,
# on a generated log (LINES lines of about 100 bytes, default 1000000),
# read from a file in the page cache and written to /dev/null; best of
# RUNS runs (default 3). Then the time to exec each program on empty
# input (EXECS runs, default 500). Prints numbers, asserts nothing.
set -u
: "${BIN:?}"
REF=${REF:-/usr/bin}
LINES=${LINES:-1000000}
RUNS=${RUNS:-3}
EXECS=${EXECS:-500}
T=$(mktemp -d /tmp/suite-bench-XXXXXX)
trap 'rm -rf "$T"' EXIT

# Plain lines for tai64n; the same lines stamped for tai64nlocal, about a
# hundred lines a second, as a busy service logs them.
perl -e '
  srand(42);
  my ($sec, $nano) = (1700000000, 0);
  open(my $plain, ">", $ARGV[0]) or die;
  open(my $stamped, ">", $ARGV[1]) or die;
  for my $i (1 .. $ARGV[2]) {
    $nano += int(rand(20000000));
    while ($nano >= 1000000000) { $nano -= 1000000000; $sec++; }
    my $line = sprintf("service[%d]: request %07d handled in %d ms, status %d, %s\n",
      1000 + $i % 50, $i, int(rand(900)), 200 + 100 * ($i % 4 == 0), "x" x (10 + $i % 20));
    print $plain $line;
    printf $stamped "\@%08x%08x%08x %s", 0x40000000, $sec, $nano, $line;
  }' "$T/plain" "$T/stamped" "$LINES"

# best_secs CMD...: the shortest wall time of RUNS runs, in seconds.
best_secs() {
  local best="" i t0 t1 d
  for ((i = 0; i < RUNS; i++)); do
    t0=$(date +%s%N)
    "$@" >/dev/null
    t1=$(date +%s%N)
    d=$((t1 - t0))
    if [ -z "$best" ] || [ "$d" -lt "$best" ]; then best=$d; fi
  done
  echo "$best"
}
mbps() { awk -v b="$1" -v ns="$2" 'BEGIN { printf "%8.0f MB/s", b / 1e6 / (ns / 1e9) }'; }
# ratio A B: how many times faster A nanoseconds are than B.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1fx", b / a }'; }

# row LABEL FILE CMD...
row() {
  local label=$1 file=$2
  shift 2
  "$@" <"$file" >/dev/null 2>&1 || true  # warm up
  local ns
  ns=$(best_secs sh -c '"$@" <"$0"' "$file" "$@")
  printf '  %-28s %s  %6.3f s' "$label" "$(mbps "$(stat -c %s "$file")" "$ns")" "$(awk -v n="$ns" 'BEGIN { print n / 1e9 }')"
  LAST=$ns
}

# compare NAME FILE NOTE ENV-ARGS...: ours, the reference, cat.
compare() {
  local name=$1 file=$2 note=$3 ours ref=""
  shift 3
  echo "$name: $(wc -l <"$file") lines, $(($(stat -c %s "$file") / 1000000)) MB, $note"
  row "ours" "$file" env "$@" "$BIN/$name"; echo; ours=$LAST
  if [ -x "$REF/$name" ]; then
    row "reference" "$file" env "$@" "$REF/$name"; ref=$LAST
    echo "   ours: $(ratio "$ours" "$ref") the reference's throughput"
  else
    echo "  reference: not installed"
  fi
  row "cat" "$file" cat
  echo "   cat: $(ratio "$LAST" "$ours") ours${ref:+, $(ratio "$LAST" "$ref") the reference}"
}

compare tai64n "$T/plain" "plain lines"
compare tai64nlocal "$T/stamped" "TZ=America/New_York" TZ=America/New_York
compare tai64nlocal "$T/stamped" "TZ unset (/etc/localtime)" -u TZ

# Start-up: exec on empty input, best of RUNS rounds, ours and the
# reference alternating. spawn_loop (tests/helpers) spawns without copying
# a shell, so the program's own start-up dominates; without it, a shell
# loop (which adds its fork to both).
exec_us() {
  if [ -x "${HELPERS:-}/spawn_loop" ]; then
    printf '%.0f\n' "$("$HELPERS/spawn_loop" -r 1 "$EXECS" "$1" </dev/null)"
  else
    local i t0 t1
    t0=$(date +%s%N)
    for ((i = 0; i < EXECS; i++)); do "$1" </dev/null >/dev/null; done
    t1=$(date +%s%N)
    echo $(((t1 - t0) / EXECS / 1000))
  fi
}
echo "exec and exit on empty input, mean of $EXECS runs, best of $RUNS:"
for name in tai64n tai64nlocal; do
  ours="" ref=""
  for ((r = 0; r < RUNS; r++)); do
    u=$(exec_us "$BIN/$name")
    if [ -z "$ours" ] || [ "$u" -lt "$ours" ]; then ours=$u; fi
    if [ -x "$REF/$name" ]; then
      u=$(exec_us "$REF/$name")
      if [ -z "$ref" ] || [ "$u" -lt "$ref" ]; then ref=$u; fi
    fi
  done
  line=$(printf '  %-12s ours %4d us' "$name" "$ours")
  [ -z "$ref" ] || line="$line, reference $ref us (ours $((100 * ours / ref))% of it)"
  echo "$line"
done
