# svscanboot DIR: stops leftover supervise processes, then runs svscan DIR
# with a clean environment, its errors shown by readproctitle.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../helpers/svscan_common.sh"

# The same 400 dots and PATH as the reference script (Debian's, which
# hard-codes /etc/service and so cannot be run against a temp dir).
dots() { grep -o 'errors: \.*' "$1" | tr -cd . | wc -c; }
if [ -r "$REF/svscanboot" ]; then
  if [ "$(dots "$BIN/svscanboot")" = "$(dots "$REF/svscanboot")" ]; then pass_both "400 dots as the reference"; else fail_both "400 dots as the reference" "ours $(dots "$BIN/svscanboot"), reference $(dots "$REF/svscanboot")"; fi
  refpath=$(sed -n 's/^PATH=//p' "$REF/svscanboot")
  if grep -qx "PATH=$refpath" "$BIN/svscanboot"; then pass_both "PATH as the reference's"; else fail_both "PATH as the reference's"; fi
else
  skip_both "400 dots as the reference" "no $REF/svscanboot"
  skip_both "PATH as the reference's" "no $REF/svscanboot"
fi

need_supervise
if [ ! -x "$BIN/readproctitle" ]; then
  skip "boot" "our readproctitle (bin/readproctitle) is not built yet"
  finish
  exit
fi

S=$T/service
mkservice "$S/a" "env > '$T/env.out'; exec sleep 1000"
mkservice "$S/b"
mklog "$S/b" "$T/b.log"
mkservice "$S/old"
# A supervise left over from an earlier boot: svscanboot tells it to exit.
spawn OLD env PATH="$RUNPATH" "$SUPBIN/supervise" "$S/old"
wait_until 5 up "$S/old"
oldpid=$(sup_pid "$S/old")

spawn BOOT env FOO=bar "$BIN/svscanboot" "$S"
if wait_until 10 all_up "$S/a" "$S/b" "$S/b/log" "$S/old"; then pass "services start"; else fail "services start"; fi
if wait_until 5 sh -c "! kill -0 $oldpid 2>/dev/null" && newpid=$(sup_pid "$S/old") && [ "$newpid" != "$oldpid" ]; then
  pass "a leftover supervise is told to exit, and svscan starts a new one"
else
  fail "a leftover supervise is told to exit, and svscan starts a new one"
fi
# The environment svscanboot gives svscan, and so every service: PATH
# alone, 0.76's, after svscanboot's own folder (bin/, not on 0.76's PATH).
path76=/command:/usr/local/bin:/usr/local/sbin:/bin:/sbin:/usr/bin:/usr/sbin:/usr/X11R6/bin
wait_until 5 test -s "$T/env.out"
names=$(cut -d= -f1 "$T/env.out" | grep -vx -e PWD -e SHLVL -e _ | sort | tr '\n' ' ')
if [ "$names" = "PATH " ]; then pass "services see only PATH"; else fail "services see only PATH" "$names"; fi
if grep -qx "PATH=$BIN:$path76" "$T/env.out"; then pass "PATH is svscanboot's folder, then 0.76's"; else fail "PATH is svscanboot's folder, then 0.76's" "$(grep ^PATH= "$T/env.out")"; fi

group() { pgrep -a -g "$BOOT" | cut -d' ' -f2-; }
dots400=$(printf '%400s' '' | tr ' ' .)
if group | grep -qx "readproctitle service errors: $dots400"; then pass "readproctitle with 400 dots"; else fail "readproctitle with 400 dots" "$(group | cut -c1-80)"; fi
ln -s "$T/nowhere" "$S/broken"
kill -HUP "$(pgrep -g "$BOOT" -x svscan)"
if wait_until 8 sh -c "pgrep -a -g $BOOT | grep -q 'readproctitle service errors: .*svscan: warning: unable to stat broken: file does not exist'"; then
  pass "svscan's errors show in readproctitle's title"
else
  fail "svscan's errors show in readproctitle's title" "$(group | grep readproctitle | cut -c1-200)"
fi

# TERM to svscanboot's shell alone (as systemd's KillMode=mixed sends it):
# passed on to svscan, whose orderly shutdown svscanboot waits for; b's
# logger gets b's last line; nothing of the tree is left.
echo HUP >"$S/b/down-signal"
mkservice "$S/b" "exec 2>&1; trap 'echo b last line; exit 0' HUP; echo b up; while :; do sleep 0.05; done"
"$SUPBIN/svc" -t "$S/b"
wait_until 10 grep -q "b up" "$T/b.log"
kill -TERM "$BOOT"
wait_for 20 "$BOOT"
rc=$?
if [ "$rc" = 0 ] && [ "$(tail -1 "$T/b.log")" = "b last line" ] && nothing_left "$S" && ! pgrep -g "$BOOT" >/dev/null; then
  pass "TERM to svscanboot: svscan's orderly shutdown, then svscanboot exits"
else
  fail "TERM to svscanboot: svscan's orderly shutdown, then svscanboot exits" "rc $rc, b.log ends $(tail -1 "$T/b.log"), left: $(pgrep -a -g "$BOOT" | cut -c1-60 | tr '\n' '|')"
fi
stop "$BOOT"
stop "$OLD"
kill_under "$T"

# Installed where 0.76's PATH already looks (/usr/local/bin, the default
# install), svscanboot gives every service exactly 0.76's environment:
# PATH alone, 0.76's value, as the reference's svscanboot does (a copy of
# Debian's, which hard-codes /etc/service, with the directory changed).
# Each runs in a mount namespace of its own with its programs (ours, or
# none for the reference) bound over /usr/local/bin. /proc shows the
# environment ./run's shell was given (it does not exec; dash adds PWD).
printf 'PATH=%s\n' "$path76" >"$T/env76"
# boot_env NAME FOLDER SVSCANBOOT WHO: runs SVSCANBOOT with FOLDER as
# /usr/local/bin on a tree of one service, and compares that service's
# environment; counted for WHO ($BIN: ours, $REF: the reference).
boot_env() {
  local name=$1 folder=$2 sb=$3 who=$4 S2=$T/$1 pid
  mkservice "$S2/a" "echo \$\$ >'$T/$name.pid'; sleep 1000"
  spawn B2 unshare -m sh -c "mount --bind '$folder' /usr/local/bin && exec $sb '$S2'"
  if wait_until 15 test -s "$T/$name.pid" && pid=$(cat "$T/$name.pid") && tr '\0' '\n' <"/proc/$pid/environ" | cmp -s - "$T/env76"; then
    pass_for "$who" "installed in /usr/local/bin: services see 0.76's environment exactly"
  else
    fail_for "$who" "installed in /usr/local/bin: services see 0.76's environment exactly" "$(tr '\0' ' ' <"/proc/${pid:-0}/environ" 2>&1)"
  fi
  stop "$B2"
  kill_under "$S2"
}
if [ "$(id -u)" != 0 ] || ! unshare -m true 2>/dev/null; then
  skip "installed in /usr/local/bin: services see 0.76's environment exactly" "needs root and unshare -m"
  ref_skip "installed in /usr/local/bin: services see 0.76's environment exactly" "needs root and unshare -m"
else
  mkdir -p "$T/ours-bin"
  cp "$BIN/svscanboot" "$BIN/svscan" "$BIN/supervise" "$BIN/readproctitle" "$BIN/svc" "$T/ours-bin/"
  boot_env ours "$T/ours-bin" /usr/local/bin/svscanboot "$BIN"
  if [ -r "$REF/svscanboot" ]; then
    # The reference's programs come from /usr/bin, after an empty /usr/local/bin.
    mkdir -p "$T/ref-bin" "$T/ref-script"
    sed "s|/etc/service|$T/ref|g" "$REF/svscanboot" >"$T/ref-script/svscanboot"
    boot_env ref "$T/ref-bin" "sh $T/ref-script/svscanboot" "$REF"
  else
    ref_skip "installed in /usr/local/bin: services see 0.76's environment exactly" "no $REF/svscanboot"
  fi
fi
if nothing_left "$T" && ! pgrep -g "$BOOT" >/dev/null; then pass "nothing left running"; else fail "nothing left running"; fi
finish
