#!/usr/bin/env bash
# svweb (issue 13), ours only. Prints numbers, asserts nothing.
# The tree: $TREE (1000) services s1..sN in one scan directory, each under
# a real supervise of ours (started directly, as bench/ready.sh does, no
# svscan) with a ./run of `exec sleep 100000`: every status file is a real
# one, every supervise/lock held, as svweb finds them on a live machine.
#   rps:    GET /api/services (the whole tree), keep-alive, with $CONNS
#           ("1 4 16") concurrent connections, $SECS (10) s each, by
#           tests/helpers/httpload (one thread, one poll loop, one request in
#           flight per connection); then GET /api/services/s1 and GET /
#           with 4. (Python's http.client in 4 threads peaked at about a
#           fifth of httpload's rate against svweb's GET /: it would measure
#           itself.) And, for scale, the time svstat -j takes to report the
#           same services (median of 5 runs).
#   page:   headless chromium driven by tests/helpers/cdp.py: its start,
#           then $LOADS (5) loads of the page: from the navigation's start
#           to the load event, and until the first rows show a state and
#           the frame after (the page builds the rows in view only), by the
#           page's clock (median and worst). bench/svweb-page.sh measures
#           the page alone, at 10,000 services too.
#   memory: svweb's VmRSS and VmHWM (/proc/PID/status) once started, after
#           the rps runs, and after the page section.
#   idle:   svweb's CPU (utime+stime, clock ticks) over $SPAN (60) s on the
#           idle tree, first with no client, then with one live page open
#           (and chromium's own CPU for that page: its process group).
# SECTIONS (default "rps page idle") picks parts; memory is always shown.
# Measured on the shared 2-core machine (load about 4 to 6, other work
# running), 1000 services: GET /api/services 21 req/s with 1 connection
# (p50 48 ms: about 10 system calls, 48 us, per service; svstat -j of the
# same 1000 takes 65 ms), 27 with 4, 23 with 16 (one process, one poll
# loop: more clients only queue); GET /api/services/s1 12,300 req/s, GET /
# 24,700 req/s (4 connections; httpload itself near one core). Memory:
# VmRSS 6.2 MB once started, 6.7 MB after the load and the page loads
# (VmHWM the same). Chromium 156 starts in 1 to 1.7 s; the page: load
# event 62 ms, all 1000 rows shown 2.0 s (median of 5), when it built
# every row; building the rows in view only (load 7, nice 19): first rows
# shown 140 ms (worst 467), load event 67 ms. Idle tree: svweb
# 0 ticks per minute with no client; one live page open: svweb 173 ticks
# (100 per s) per minute (a /api/services a second), chromium 965.
set -u
: "${BIN:?}" "${HELPERS:?}"
TREE=${TREE:-1000}
CONNS=${CONNS:-1 4 16}
SECS=${SECS:-10}
LOADS=${LOADS:-5}
SPAN=${SPAN:-60}
SECTIONS=${SECTIONS:-rps page idle}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
CDP=$here/../tests/helpers/cdp.py
[ -x "$BIN/svweb" ] || { echo "svweb: not built ($BIN/svweb), skipped"; exit 0; }
T=$(mktemp -d /tmp/suite-bench-XXXXXX)
S=$T/service
pids=""
cleanup() {
  local p
  [ -z "${SW:-}" ] || kill -TERM "$SW" 2>/dev/null
  term_pids
  # the ./run processes (sleep), once their supervise is gone
  sleep 0.2
  for p in /proc/[0-9]*; do
    case $(readlink "$p/cwd" 2>/dev/null) in "$S"/*) kill -KILL "${p#/proc/}" 2>/dev/null ;; esac
  done
  rm -rf "$T"
}
trap cleanup EXIT
hz=$(getconf CLK_TCK)

# The tree.
started=$EPOCHREALTIME
for i in $(seq 1 "$TREE"); do
  d=$S/s$i
  mkdir -p "$d"
  printf '#!/bin/sh\nexec sleep 100000\n' >"$d/run"
  chmod 755 "$d/run"
  "$BIN/supervise" "$d" </dev/null >/dev/null 2>>"$T/errors" &
  pids="$pids $!"
done
for i in $(seq 1 "$TREE"); do
  n=0
  until "$BIN/svok" "$S/s$i" 2>/dev/null; do n=$((n + 1)); [ $n -lt 400 ] || { echo "  (s$i did not start)"; break; }; sleep 0.025; done
done
printf 'a tree of %s supervised services started in %.1f s\n' "$TREE" "$(awk -v a="$started" -v b="$EPOCHREALTIME" 'BEGIN { print b - a }')"

printf 'bench-token-%s' "$RANDOM$RANDOM" >"$T/token"
"$BIN/svweb" -l 127.0.0.1:0 -c "$T/token" "$S" >"$T/svweb.out" 2>"$T/svweb.err" &
SW=$!
n=0
until grep -q ':' "$T/svweb.out" 2>/dev/null; do n=$((n + 1)); [ $n -lt 200 ] || { echo "svweb did not start: $(cat "$T/svweb.err")"; exit 1; }; sleep 0.05; done
ADDR=$(head -1 "$T/svweb.out")

memory() {  # memory WHEN
  printf 'svweb memory %s: VmRSS %s kB, VmHWM %s kB\n' "$1" \
    "$(awk '/^VmRSS:/ { print $2 }' "/proc/$SW/status")" "$(awk '/^VmHWM:/ { print $2 }' "/proc/$SW/status")"
}
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
memory "once started"

if want idle; then
  sleep 2
  a=$(ticks "$SW"); sleep "$SPAN"; b=$(ticks "$SW")
  printf 'svweb CPU, idle tree, no client: %s ticks over %s s (%s per s) = %s ticks per minute\n' \
    $((b - a)) "$SPAN" "$hz" $(((b - a) * 60 / SPAN))
fi

# load PATH CONNECTIONS: httpload's numbers for $SECS s.
load() {
  local out
  if out=$("$HELPERS/httpload" "$ADDR" "$1" "$2" "$SECS" 2>&1) && set -- "$1" "$2" $out && [ $# -eq 16 ]; then
    printf 'GET %s, %2s connections: %s req/s (p50 %s us, p99 %s us; %s errors, %s reconnects)\n' \
      "$1" "$2" "$6" "${10}" "${12}" "${14}" "${16}"
  else
    printf 'GET %s, %2s connections: failed: %s\n' "$1" "$2" "$out"
  fi
}

if want rps; then
  bytes=$(curl -s "http://$ADDR/api/services" | wc -c)
  echo "GET /api/services: $bytes bytes for $TREE services"
  for i in 1 2 3 4 5; do
    a=$EPOCHREALTIME; "$BIN/svstat" -j "$S"/s* >/dev/null; z=$EPOCHREALTIME
    awk -v a="$a" -v z="$z" 'BEGIN { printf "%d\n", (z - a) * 1000000 }'
  done | sort -n | sed -n '3s/.*/svstat -j of the same services: & us (median of 5)/p'
  for c in $CONNS; do load /api/services "$c"; done
  load /api/services/s1 4
  load / 4
  memory "after the rps runs"
fi

if want page || want idle; then
  [ -x /usr/bin/chromium ] || { echo "page: no /usr/bin/chromium, skipped"; exit 0; }
  want page && loads=$LOADS || loads=1
  want idle && span=$SPAN || span=0
  TMPDIR=$T python3 - "$CDP" "http://$ADDR/" "$TREE" "$loads" "$span" "$SW" "$hz" <<'EOF'
import os, sys, time
sys.path.insert(0, os.path.dirname(sys.argv[1]))
import cdp
url, tree, loads, span, sw, hz = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7])

def ticks(pid):
    with open("/proc/%d/stat" % pid) as f:
        s = f.read()
    f = s[s.rindex(")") + 2:].split()
    return int(f[11]) + int(f[12])

def group_ticks(pgid):
    t = 0
    for p in cdp.group_members(pgid):
        try:
            t += ticks(p)
        except (OSError, ValueError):
            pass
    return t

# In the page: once the first row shows a state, the milliseconds since the
# navigation began to the frame after, and the load event's (the page's own
# clock).
SHOWN = """new Promise(done => {
  const shown = () => { const s = document.querySelector('tr[data-service] > [data-field=state]');
    return s && s.textContent.trim() !== ''; };
  const look = () => shown()
    ? requestAnimationFrame(() => setTimeout(() =>
        done([performance.getEntriesByType('navigation')[0].loadEventEnd, performance.now()]), 0))
    : setTimeout(look, 5);
  look(); })"""
with cdp.Browser() as b:
    print("chromium %s started in %.2f s" % (b.version.get("product", "?"), b.start_seconds))
    page = b.new_page()
    load, full = [], []
    for _ in range(loads):
        page.navigate("about:blank")
        page.navigate(url, timeout=60)
        a, z = page.evaluate(SHOWN, timeout=60)
        load.append(a / 1000)
        full.append(z / 1000)
    load.sort(); full.sort()
    if loads > 1 or span == 0:
        print("page load, %d services, %d loads: load event median %.0f ms (worst %.0f); first rows shown median %.0f ms (worst %.0f)"
              % (tree, loads, 1000 * load[len(load) // 2], 1000 * load[-1], 1000 * full[len(full) // 2], 1000 * full[-1]))
    if span:
        time.sleep(2)
        a, ca = ticks(sw), group_ticks(b.pid)
        time.sleep(span)
        z, cz = ticks(sw), group_ticks(b.pid)
        print("svweb CPU, idle tree, one live page open: %d ticks over %d s (%d per s) = %d ticks per minute; chromium for that page: %d ticks per minute"
              % (z - a, span, hz, (z - a) * 60 // span, (cz - ca) * 60 // span))
EOF
  memory "after the page section"
fi
[ ! -s "$T/errors" ] || { echo "  supervise said:"; sort "$T/errors" | uniq -c | head -5; }
[ ! -s "$T/svweb.err" ] || { echo "  svweb said:"; head -5 "$T/svweb.err"; }
