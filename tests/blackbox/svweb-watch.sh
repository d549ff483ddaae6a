# svweb's table between requests (svweb/watches.hpp): each change is in
# the very next GET /api/services, with no wait: a state written by
# supervise, a supervise killed (its ok FIFO closed), a down file made and
# removed, a service added, renamed, removed, a log added. Then the same
# with the inotify watches limited in a user namespace (max 4), where the
# rows it could not watch are read at every request: one warning, the
# same answers. Ours only.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../helpers/supervise_common.sh"

if ! command -v curl >/dev/null; then
  skip "svweb-watch" "curl is not installed"
  finish
  exit
fi

# rows URL: "dir state normally_up error" per row, from one request.
rows() {
  curl -s --max-time 10 "$1/api/services" | python3 -c '
import json, sys
for o in json.load(sys.stdin):
    print(o["dir"], o.get("state", "-"), json.dumps(o.get("normally_up", "-")).strip("\""), (o.get("error") or "-").replace(" ", "_"))'
}
# row_is URL DIR WANT: DIR's row is "DIR WANT" in the next request.
row_is() {
  local got
  got=$(rows "$1" | grep -F "$2 " | grep -v "^$2/")
  [ "$got" = "$2 $3" ] || { echo "${got:-no row for $2}"; return 1; }
}
check_row() {
  local name=$1 got
  if got=$(row_is "$2" "$3" "$4"); then pass "$name"; else fail "$name" "$got"; fi
}
listed() { rows "$1" | awk '{ print $1 }' | paste -sd' '; }
# kill9 PID: KILL, then wait (bounded) until it has exited: its descriptors
# are closed by then (a zombie holds none).
kill9() {
  kill -KILL "$1"
  wait_until 10 eval "! grep -q '^State:[[:space:]]*[RSD]' /proc/$1/status 2>/dev/null"
}

start_web() {
  local var=$1 err=$2 out=$T/.web.$RANDOM
  shift 2
  spawn "${var}_PID" "$@" >"$out" 2>"$err"
  wait_until 10 test -s "$out"
  printf -v "$var" 'http://%s' "$(head -1 "$out")"
}

# scenario TAG URL S: the changes, each checked in the next request.
scenario() {
  local tag=$1 u=$2 s=$3 p
  start_sup SUP_A "$BIN/supervise" "$s/a"
  start_sup SUP_B "$BIN/supervise" "$s/b"
  start_sup SUP_C "$BIN/supervise" "$s/c"
  for p in a b c; do wait_until 10 sv_up "$s/$p"; done
  check_row "$tag: up" "$u" "$s/b" "up true -"

  "$BIN/svc" -d "$s/b"
  wait_until 10 sv_down "$s/b"
  check_row "$tag: svc -d in the next request" "$u" "$s/b" "down true -"
  "$BIN/svc" -u "$s/b"
  wait_until 10 sv_up "$s/b"
  check_row "$tag: svc -u in the next request" "$u" "$s/b" "up true -"

  : >"$s/a/down"
  check_row "$tag: down file made: normally down" "$u" "$s/a" "up false -"
  rm "$s/a/down"
  check_row "$tag: down file removed: normally up" "$u" "$s/a" "up true -"

  kill9 "$SUP_C"
  check_row "$tag: supervise killed: not running, in the next request" "$u" "$s/c" "- - supervise_not_running"
  stop "$SUP_C"  # its ./run, left in the group
  start_sup SUP_C "$BIN/supervise" "$s/c"
  wait_until 10 sv_up "$s/c"
  check_row "$tag: supervise back: up" "$u" "$s/c" "up true -"

  mksvc "$s/d" 'exec sleep 1000'
  check_row "$tag: new directory: listed, not supervised" "$u" "$s/d" "- - unable_to_open_supervise/ok:_file_does_not_exist"
  start_sup SUP_D "$BIN/supervise" "$s/d"
  wait_until 10 sv_up "$s/d"
  check_row "$tag: its supervise started: up" "$u" "$s/d" "up true -"
  mksvc "$s/d/log" 'exec cat >/dev/null'
  local want="$s/a $s/b $s/c $s/d $s/d/log"
  if [ "$(listed "$u")" = "$want" ]; then pass "$tag: log directory added: listed"; else fail "$tag: log directory added: listed" "$(listed "$u")"; fi

  end_sup "$SUP_D" "$s/d"
  mv "$s/d" "$s/e"
  want="$s/a $s/b $s/c $s/e $s/e/log"
  if [ "$(listed "$u")" = "$want" ]; then pass "$tag: renamed: listed under the new name"; else fail "$tag: renamed: listed under the new name" "$(listed "$u")"; fi
  rm -rf "$s/e"
  want="$s/a $s/b $s/c"
  if [ "$(listed "$u")" = "$want" ]; then pass "$tag: removed: gone"; else fail "$tag: removed: gone" "$(listed "$u")"; fi
  # Every row as svstat -j says it, but the ages (a second may turn between).
  local ours theirs
  ours=$(curl -s --max-time 10 "$u/api/services" | sed 's/seconds": [0-9]*/seconds": N/g')
  theirs=$("$BIN/svstat" -j "$s/a" "$s/b" "$s/c" | sed 's/seconds": [0-9]*/seconds": N/g')
  if [ "$ours" = "$theirs" ]; then pass "$tag: the list is svstat -j's"; else fail "$tag: the list is svstat -j's" "$(diff <(echo "$ours") <(echo "$theirs") | head -5)"; fi
  for p in "$SUP_A:$s/a" "$SUP_B:$s/b" "$SUP_C:$s/c"; do end_sup "${p%%:*}" "${p#*:}"; done
}

S=$T/sv
mkdir -p "$S"
for p in a b c; do mksvc "$S/$p" 'exec sleep 1000'; done
start_web W "$T/web.err" "$BIN/svweb" -l 127.0.0.1:0 "$S"
scenario watched "$W" "$S"
if [ ! -s "$T/web.err" ]; then pass "watched: no warning"; else fail "watched: no warning" "$(head -3 "$T/web.err")"; fi
stop "$W_PID"

# limited TAG FILE VALUE WARNING: the scenario under an svweb in a user
# namespace whose /proc/sys/user/FILE is VALUE; its stderr must be the
# one line WARNING (DIR: the scan directory in it).
limited() {
  local tag=$1 file=/proc/sys/user/$2 value=$3 warning=$4 s=$T/sv-$3 err=$T/web-$3.err
  mkdir -p "$s"
  for p in a b c; do mksvc "$s/$p" 'exec sleep 1000'; done
  if ! unshare -U -r sh -c "echo $value >$file" 2>/dev/null; then
    skip "$tag" "unshare -U -r cannot set $file here"
    return
  fi
  start_web W "$err" unshare -U -r sh -c "echo $value >$file && exec '$BIN/svweb' -l 127.0.0.1:0 '$s'"
  scenario "$tag" "$W" "$s"
  warning=${warning//DIR/$s}
  if [ "$(cat "$err")" = "$warning" ]; then pass "$tag: one warning"; else fail "$tag: one warning" "$(head -5 "$err")"; fi
  stop "$W_PID"
}
# Four watches: the scan directory, a's three; b and c read every time.
limited "4 watches" max_inotify_watches 4 "svweb: warning: unable to watch DIR/b: out of disk space"
# No inotify instance: everything read at every request.
limited "no inotify" max_inotify_instances 0 "svweb: warning: unable to watch DIR: process cannot open more files"

# A row in a backoff pause counts down to the nanosecond, so no body is
# kept for its second while one is (svweb(8)). Crafted files (a reader
# held on supervise/ok stands for supervise), the pause ending at half
# past a second, three seconds on: every answer over 2.5 s, 10 ms apart,
# must say what the pause leaves at some moment of its request.
BACKOFF=$(cd "$(dirname "$0")/../helpers" && pwd)/backoff_rows.py
B=$T/sv-backoff
mkdir -p "$B/bo/supervise"
mkfifo "$B/bo/supervise/ok"
exec 7<>"$B/bo/supervise/ok"
python3 "$BACKOFF" write "$B/bo" 3
start_web W "$T/web-backoff.err" "$BIN/svweb" -l 127.0.0.1:0 "$B"
out=$(timeout 30 python3 "$BACKOFF" poll "$W" "$B/bo" 2500 2>&1)
set -- $out
if [ "${1:-}" = ok ] && [ $# -ge 4 ]; then
  pass "backoff: every answer counts down from the request's own moment ($2 answers: ${*:3})"
else
  fail "backoff: every answer counts down from the request's own moment" "$out"
fi
stop "$W_PID"
exec 7<&-
finish
