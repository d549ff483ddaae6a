#!/usr/bin/env bash
# Readiness and liveness (issue 10), ours only. Prints numbers, asserts nothing.
#   svwait: from the rename of supervise/status to svwait -u's exit,
#           median and p95 over $CYCLES (200) cycles, microseconds
#           (tests/helpers/svwait_latency; target: within 5 ms)
#   notify: clock ticks used by a tree of $TREE (1000) idle, up and ready
#           services over $IDLE (10) s, without and with notification-fd
#           (target: no more with it)
#   check:  a tree of $TREE services with a ./check (sh, exit 0) every
#           $EVERY ms (10000) for $SPAN (60) s: ticks used by the supervise
#           processes themselves, and the checks' cost (their number times
#           one check's fork + exec + wait), per minute (target: supervise's
#           own share no more than the checks')
# SECTIONS (default "svwait notify check") picks parts.
# Measured on the shared 2-core machine (load about 2.5, other work
# running): svwait median 830 us, p95 2883 us (before a child took over
# the release of the inotify instance: median 9.5 ms, p95 20 ms); 1000
# idle services: 0 ticks over 10 s both without and with notification-fd;
# 1000 services with a 10 s check: supervise itself 45 ticks per minute,
# the checks about 584 (6000 checks of 974 us), so supervise adds under
# 8% to what the checks cost.
set -u
: "${BIN:?}" "${HELPERS:?}"
TREE=${TREE:-1000}
CYCLES=${CYCLES:-200}
IDLE=${IDLE:-10}
EVERY=${EVERY:-10000}
SPAN=${SPAN:-60}
SECTIONS=${SECTIONS:-svwait notify check}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
T=$(mktemp -d /tmp/suite-bench-XXXXXX)
pids=""
cleanup() { term_pids; rm -rf "$T"; }
trap cleanup EXIT

# tree KIND: starts $TREE supervise on up services of KIND (plain, notify:
# notification-fd and a ./run that says ready, check: a ./check every
# $EVERY ms); sets $list.
tree() {
  local i d
  list=""
  for i in $(seq 1 "$TREE"); do
    d=$T/s$i
    mkdir -p "$d"
    case $1 in
      notify) printf '#!/bin/sh\necho >&3\nexec sleep 100000\n' >"$d/run"; echo 3 >"$d/notification-fd" ;;
      *) printf '#!/bin/sh\nexec sleep 100000\n' >"$d/run" ;;
    esac
    chmod 755 "$d/run"
    if [ "$1" = check ]; then
      printf '#!/bin/sh\nexit 0\n' >"$d/check"; chmod 755 "$d/check"
      echo "$EVERY" >"$d/check-interval"
    fi
    "$BIN/supervise" "$d" </dev/null >/dev/null 2>>"$T/errors" &
    list="$list $!"
  done
  pids="$pids $list"
  for i in $(seq 1 "$TREE"); do wait_ok "$BIN/svok" "$T/s$i" || echo "  ($T/s$i did not start)"; done
}
untree() {
  local i
  for i in $(seq 1 "$TREE"); do "$BIN/svc" -dx "$T/s$i"; done
  end_pids $list
  rm -rf "$T"/s*
  [ ! -s "$T/errors" ] || { echo "  supervise said:"; sort "$T/errors" | uniq -c | head -5; : >"$T/errors"; }
}
# ticks FIELDS: the sum over $list of /proc/PID/stat fields (14+15: own,
# 16+17: reaped children's).
ticks() {
  local p s=0
  for p in $list; do
    [ -r "/proc/$p/stat" ] || continue
    s=$((s + $(awk -v f="$1" '{ split(f, a, "+"); print $a[1] + $a[2] }' "/proc/$p/stat")))
  done
  echo $s
}

if want svwait; then
  set -- $("$HELPERS/svwait_latency" "$BIN/svwait" "$CYCLES")
  printf 'svwait -u: status rename -> exit (us, %s cycles): median %s p95 %s (target: < 5000)\n' "$CYCLES" "$2" "$4"
fi

if want notify; then
  for kind in plain notify; do
    tree $kind
    sleep 1
    a=$(ticks 14+15); sleep "$IDLE"; b=$(ticks 14+15)
    printf 'idle CPU of %s up services over %s s (%s): %s ticks\n' "$TREE" "$IDLE" "$kind" $((b - a))
    untree
  done
fi

if want check; then
  # The checks' own CPU cannot be read from the supervise processes'
  # reaped-children times: most checks end between two clock ticks and
  # are charged nothing. So it is the number of checks in the span times
  # the cost of one (fork + exec + wait of the same script, median).
  tree check
  # Measured once every service is ready (its first check passed), so the
  # quicker checks before ready do not count.
  "$BIN/svwait" -U -t 120000 "$T"/s* || echo "  (not all ready after 120 s)"
  a=$(ticks 14+15); sleep "$SPAN"; b=$(ticks 14+15)
  echo "  e.g. $("$BIN/svstat" "$T/s1")"
  untree
  printf '#!/bin/sh\nexit 0\n' >"$T/check1"; chmod 755 "$T/check1"
  set -- $("$HELPERS/svlatency" exec "$T/check1" 200)
  one=$2
  n=$((TREE * SPAN * 1000 / EVERY))
  hz=$(getconf CLK_TCK)
  printf '%s services, a check every %s ms, over %s s: supervise itself %s ticks (%s per s); about %s checks of %s us each = %s ticks\n' \
    "$TREE" "$EVERY" "$SPAN" $((b - a)) "$hz" "$n" "$one" $((n * one * hz / 1000000))
  printf '  per minute: supervise %s ticks, the checks %s ticks\n' $(((b - a) * 60 / SPAN)) $((n * one * hz * 60 / SPAN / 1000000))
fi
