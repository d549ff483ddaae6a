# Shared by the svscan black-box tests (sourced after tests/blackbox/lib.sh).
#
# svscan runs `supervise` through PATH. The tests put the folder of OUR
# supervise first in PATH (SUPBIN, normally $BIN), so svscan, ours or the
# reference's, drives our supervise. Without bin/supervise the tests skip
# with a note; SVSCAN_DEV_SUPERVISE=/usr/bin runs them against the
# reference supervise (for development only).
#
# Cleanup: supervise and its ./run keep running when svscan dies, and a
# supervise may put its child in a new session, so a process-group kill is
# not enough. kill_under DIR ends, by pid, every process whose working
# directory is inside DIR (every supervise and run of a test lives in $T).

need_supervise() {
  if [ -x "$BIN/supervise" ] && [ -x "$BIN/svok" ]; then
    SUPBIN=$BIN
  elif [ -n "${SVSCAN_DEV_SUPERVISE:-}" ]; then
    SUPBIN=$SVSCAN_DEV_SUPERVISE
    echo "NOTE - $TEST_NAME: using $SUPBIN/supervise (development mode)"
  else
    skip "all" "our supervise (bin/supervise, bin/svok) is not built yet; svscan's tests need it"
    finish
    exit
  fi
  RUNPATH="$SUPBIN:/usr/local/bin:/usr/bin:/bin"
}

# procs_under DIR: pids (one a line) of processes working inside DIR.
procs_under() {
  find /proc -mindepth 2 -maxdepth 2 -name cwd \( -lname "$1" -o -lname "$1/*" -o -lname "$1 (deleted)" \) 2>/dev/null |
    cut -d/ -f3 | grep -vx "$$"
}

# kill_under DIR: KILL every process working inside DIR, until none is left
# (bounded: a supervise may be starting a child while we look).
kill_under() {
  local i pids
  for i in 1 2 3 4 5 6 7 8 9 10; do
    pids=$(procs_under "$1")
    [ -n "$pids" ] || return 0
    kill -KILL $pids 2>/dev/null
    sleep 0.1
  done
}
trap 'kill_under "$T"; cleanup' EXIT

# nothing_left DIR: true when no process works inside DIR any more.
nothing_left() { [ -z "$(procs_under "$1")" ]; }

# sup_pid DIR: the pid of the supervise whose working directory is DIR.
# One find for the whole of /proc, not a readlink per process: on a busy
# machine (thousands of processes) a look must stay cheap, or the test's
# own pace takes the time it measures.
sup_pid() {
  local p
  for p in $(find /proc -mindepth 2 -maxdepth 2 -name cwd -lname "$1" 2>/dev/null | cut -d/ -f3); do
    case "$(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)" in
      supervise\ *) echo "$p"; return 0 ;;
    esac
  done
  return 1
}

# supervisors DIR: "relative-cwd: command line" of every supervise under
# DIR, sorted.
supervisors() {
  local p c cmd
  for p in $(procs_under "$1"); do
    c=$(readlink "/proc/$p/cwd" 2>/dev/null) || continue
    case $c in "$1"/*) ;; *) continue ;; esac
    cmd=$(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)
    case $cmd in supervise\ *) echo "${c#"$1"/}: $cmd" ;; esac
  done | sort
}

# mkservice DIR [RUN-LINE]: a service whose run execs RUN-LINE
# (default: sleep 1000, which dies with its process group). A new DIR is
# made whole under a dot name (which svscan skips) and renamed into place:
# a scan in between must not find it without its run ("unable to start
# run", a warning the tests count), however slowly the machine lets us
# write it. An existing DIR gets its run replaced, atomically too.
mkservice() {
  local tmp=$1
  [ -d "$1" ] || { tmp=${1%/*}/.${1##*/}.new; rm -rf "$tmp"; mkdir -p "$tmp"; }
  printf '#!/bin/sh\n%s\n' "${2:-exec sleep 1000}" >"$tmp/run.new"
  chmod 755 "$tmp/run.new"
  mv "$tmp/run.new" "$tmp/run"
  [ "$tmp" = "$1" ] || mv "$tmp" "$1"
}

# mklog DIR FILE: DIR/log appends what it reads to FILE.
mklog() { mkservice "$1/log" "exec cat >> '$2'"; }

# up DIR: our svok says a supervise runs in DIR.
up() { "$SUPBIN/svok" "$1"; }

# all_up DIR...: every DIR is up.
all_up() {
  local d
  for d in "$@"; do up "$d" || return 1; done
}

# fd_count PID
fd_count() { ls "/proc/$1/fd" 2>/dev/null | wc -l; }
