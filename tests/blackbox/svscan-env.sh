# A service sees exactly the environment svscan was given, byte for byte
# and in order, as under 0.76: svscan, each supervise, each ./run and each
# log/run start with it, nothing added or removed. The one exception is
# asked for: svscan -c exports SVSCAN_CONTROL. An essential service finds
# the control FIFO without any variable (../.svscan/control).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../helpers/svscan_common.sh"
need_supervise

# environ PID: the environment PID was started with, one entry a line
# (NUL turned into a newline; no value below holds a newline).
environ() { tr '\0' '\n' <"/proc/$1/environ"; }

# child_in PARENT DIR: the pid of PARENT's child working in DIR (a
# supervise of svscan's, or the shell running a supervise's ./run, which
# does not exec, so /proc shows the environment it was given, before dash
# adds PWD). Children only: a walk of all /proc is slow on a busy machine.
child_in() {
  local p
  for p in $(pgrep -P "$1"); do
    [ "$(readlink "/proc/$p/cwd" 2>/dev/null)" = "$2" ] && { echo "$p"; return 0; }
  done
  return 1
}
sup_of() { child_in "$SV" "$1"; }
# svscan_pipes: the pipes svscan holds close-on-exec (its log pipes; not
# what it inherited, which every child inherits too), one a line.
svscan_pipes() {
  local fd t flags
  for fd in $(ls "/proc/$SV/fd"); do
    t=$(readlink "/proc/$SV/fd/$fd")
    flags=$(sed -n 's/^flags:[[:space:]]*//p' "/proc/$SV/fdinfo/$fd")
    case $t in pipe:*) (((8#$flags) & 0x80000)) && echo "$t" ;; esac  # O_CLOEXEC
  done
}
# shared_with_svscan PID: "fd" a line for each descriptor of PID's that is
# one of svscan's log pipes.
shared_with_svscan() {
  local fd t pipes
  pipes=$(svscan_pipes)
  for fd in $(ls "/proc/$1/fd" | sort -n); do
    t=$(readlink "/proc/$1/fd/$fd")
    case $t in pipe:*) grep -qxF -- "$t" <<<"$pipes" && echo "$fd" ;; esac
  done
}
# check_fds NAME PID WANT FOLDER: PID holds descriptor 7 (svscan was
# started with it) and of svscan's log pipes only its own, at WANT.
check_fds() {
  local shared
  shared=$(shared_with_svscan "$2" | paste -sd' ')
  if [ "$(readlink "/proc/$2/fd/7")" = "$T/seven" ] && [ "$shared" = "$3" ]; then
    pass_for "$4" "$1"
  else
    fail_for "$4" "$1" "descriptor 7: $(readlink "/proc/$2/fd/7" || echo none); svscan's pipes at: ${shared:-none}, want $3"
  fi
}
run_of() { local s; s=$(sup_of "$1") && child_in "$s" "$1"; }

# both_running DIR...: each DIR has its supervise and its ./run.
both_running() {
  local d
  for d in "$@"; do run_of "$d" >/dev/null || return 1; done
}

# same_env NAME EXPECTED-FILE PID FOLDER: PID's environment is EXPECTED's.
same_env() {
  if environ "$3" | cmp -s - "$2"; then
    pass_for "$4" "$1"
  else
    fail_for "$4" "$1" "$(environ "$3" | diff "$2" - | tr '\n' '|')"
  fi
}

# One tree per implementation, svscan and supervise both from FOLDER.
for P in "$BIN" "$REF"; do
  if [ "$P" = "$REF" ] && [ "$HAVE_REF" = 0 ]; then
    for c in svscan supervise run log-supervise log-run; do ref_skip "environment: $c" "no reference"; done
    for c in supervise log-supervise; do ref_skip "descriptors: $c" "no reference"; done
    continue
  fi
  if [ "$P" = "$REF" ]; then S=$T/ref; else S=$T/ours; fi
  mkservice "$S/a" "sleep 1000"
  mkservice "$S/a/log" "sleep 1000"
  # Values a careless copy would mangle: a space, an empty value, an '='
  # in the value, a name svscan might think its own. Not sorted.
  printf '%s\n' "PATH=$P:/usr/bin:/bin" "ZED=last" "A=1" "B=x y" "EMPTY=" "C=a=b" "SVSCAN=not ours" >"$T/given"
  # More logged services, so that svscan holds pipe ends a careless start
  # would pass on; and descriptor 7, which svscan was started with and
  # every supervise inherits, as under 0.76 (ours keeps it from ./run:
  # supervise(8)).
  for x in b c; do mkservice "$S/$x" "sleep 1000"; mkservice "$S/$x/log" "sleep 1000"; done
  spawn SV env -i "PATH=$P:/usr/bin:/bin" "ZED=last" "A=1" "B=x y" "EMPTY=" "C=a=b" "SVSCAN=not ours" "$P/svscan" "$S" 7>>"$T/seven"
  if wait_until 15 both_running "$S/a" "$S/a/log" "$S/b" "$S/b/log" "$S/c" "$S/c/log"; then
    same_env "environment: svscan" "$T/given" "$SV" "$P"
    same_env "environment: supervise" "$T/given" "$(sup_of "$S/a")" "$P"
    same_env "environment: run" "$T/given" "$(run_of "$S/a")" "$P"
    same_env "environment: log-supervise" "$T/given" "$(sup_of "$S/a/log")" "$P"
    same_env "environment: log-run" "$T/given" "$(run_of "$S/a/log")" "$P"
    check_fds "descriptors: supervise" "$(sup_of "$S/a")" 1 "$P"
    check_fds "descriptors: log-supervise" "$(sup_of "$S/a/log")" 0 "$P"
  else
    for c in svscan supervise run log-supervise log-run; do fail_for "$P" "environment: $c" "the services did not start"; done
    for c in supervise log-supervise; do fail_for "$P" "descriptors: $c" "the services did not start"; done
  fi
  stop "$SV"  # its process group: every supervise and ./run
done

# -c names the FIFO elsewhere: that path, absolute, is exported as
# SVSCAN_CONTROL (asked for), after what svscan was given.
S=$T/c
mkservice "$S/a" "sleep 1000"
mkdir -p "$T/ctl"
spawn SV env -i "PATH=$BIN:/usr/bin:/bin" "A=1" "$BIN/svscan" -c ../ctl/control "$S"
printf '%s\n' "PATH=$BIN:/usr/bin:/bin" "A=1" "SVSCAN_CONTROL=$S/../ctl/control" >"$T/given-c"
if wait_until 15 both_running "$S/a"; then
  same_env "environment with -c: run" "$T/given-c" "$(run_of "$S/a")" "$BIN"
else
  fail "environment with -c: run" "the service did not start"
fi
stop "$SV"

# essential: supervise finds the FIFO in the scan directory with no
# variable. For a service (../.svscan/control) and for a logger
# (../../.svscan/control), and before an inherited SVSCAN_CONTROL (a
# nested svscan's services must stop their own svscan, not the outer one).
mkfifo "$T/outer"
for who in main logger; do
  S=$T/e-$who
  mkservice "$S/k" "exec sleep 1000"
  mkservice "$S/k/log" "exec cat >/dev/null"
  if [ $who = main ]; then mkservice "$S/k" "sleep 0.2; exit 7"; f=$S/k/essential; else mkservice "$S/k/log" "sleep 0.2; exit 7"; f=$S/k/log/essential; fi
  : >"$f"
  spawn SV env -i "PATH=$BIN:/usr/bin:/bin" "SVSCAN_CONTROL=$T/outer" "$BIN/svscan" "$S"
  wait_for 15 "$SV"
  rc=$?
  if [ "$rc" = 7 ]; then pass "essential $who finds ../.svscan/control"; else fail "essential $who finds ../.svscan/control" "svscan exited $rc"; fi
done

# Without -c and without a FIFO of its own (a read-only scan directory, or
# a supervise run by hand), an inherited SVSCAN_CONTROL is still honoured.
S=$T/e-env
mkservice "$S/k" "sleep 0.2; exit 5"
: >"$S/k/essential"
spawn SUP env -i "PATH=$BIN:/usr/bin:/bin" "SVSCAN_CONTROL=$T/outer" "$BIN/supervise" "$S/k"
within 15 sh -c "head -1 '$T/outer' >'$T/outer.line'"
if [ "$(cat "$T/outer.line")" = 5 ]; then pass "essential by hand writes to \$SVSCAN_CONTROL"; else fail "essential by hand writes to \$SVSCAN_CONTROL" "read '$(cat "$T/outer.line")'"; fi
"$BIN/svc" -x "$S/k"
wait_for 10 "$SUP" >/dev/null

if nothing_left "$T"; then pass "nothing left running"; else fail "nothing left running" "$(procs_under "$T" | tr '\n' ' ')"; fi
finish
