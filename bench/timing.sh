#!/usr/bin/env bash
# timing: the distributions behind the test suite's timing bounds. Every
# check that bounds a promised latency notes what it measured in its log,
# "TIMING - test: name: value unit" (tests/blackbox/lib.sh, timing). This
# runs the black-box scripts that do so ROUNDS times (1) through tests/run,
# with LOAD busy loops beside them (0; 2 make a loaded 2-core machine on
# demand), notes the load average at each round, and prints for each value:
# N, p50, p99, max (nearest rank: with fewer than 100 samples p99 is the
# largest but one or the largest). Asserts nothing.
#   [ROUNDS=3] [LOAD=2] [SCRIPTS="svscan svwait"] make bench BENCH=timing
#   LOGS="/tmp/suite-logs-*" bash bench/timing.sh  only gathers from those logs
# The comment beside each bound gives what this printed, and under what
# load. With BIN=.../bin-san and HELPERS=.../build-san/helpers the same
# under the sanitizers.
set -u
: "${BIN:?}"
here=$(cd "$(dirname "$0")" && pwd)
ROUNDS=${ROUNDS:-1}
LOAD=${LOAD:-0}
SCRIPTS=${SCRIPTS:-$(grep -l '^[^#]*timing ' "$here"/../tests/blackbox/*.sh | xargs -n1 basename | sed 's/\.sh$//' | tr '\n' ' ')}

# summary LOG...: N p50 p99 max for each "test: name" of the TIMING lines.
summary() {
  grep -h '^TIMING - ' "$@" 2>/dev/null | sed 's/^TIMING - //' |
    awk '{ v = $(NF - 1); u = $NF; k = $0; sub(/: [^:]*$/, "", k); print k "\t" u "\t" v }' |
    sort -t "$(printf '\t')" -k1,1 -k3,3n |
    awk -F '\t' '
      function out() {
        if (n == 0) return
        p50 = int((n + 1) / 2); p99 = int(n * 0.99 + 0.999); if (p99 < 1) p99 = 1
        printf "%-78s N %4d  p50 %8s  p99 %8s  max %8s %s\n", key, n, a[p50], a[p99], a[n], unit
      }
      $1 != key { out(); key = $1; unit = $2; n = 0 }
      { a[++n] = $3 }
      END { out() }'
}

if [ -n "${LOGS:-}" ]; then
  summary $(for d in $LOGS; do echo "$d"/*.log; done)
  exit 0
fi

loops=""
end_loops() { local p; for p in $loops; do kill "$p" 2>/dev/null; done; }
trap end_loops EXIT
for ((i = 0; i < LOAD; i++)); do
  sh -c 'while :; do :; done' &
  loops="$loops $!"
done
out=$(mktemp -d /tmp/timing-XXXXXX)
for ((r = 1; r <= ROUNDS; r++)); do
  mkdir -p "$out/$r"
  echo "round $r: load average $(cut -d' ' -f1-3 /proc/loadavg), $LOAD busy loops"
  LOGDIR=$out/$r UNIT=/bin/true BIN=$BIN HELPERS=${HELPERS:-} bash "$here/../tests/run" $SCRIPTS |
    grep -E '^FAIL|passed, [1-9][0-9]* failed'
  echo "  load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
done
end_loops
loops=""
summary "$out"/*/*.log
echo "logs: $out"
