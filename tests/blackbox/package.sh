# package/install and package/run, in temp dirs only: ROOT, PREFIX and
# stand-ins for systemctl and telinit keep the real system untouched.
. "$(dirname "$0")/lib.sh"
TOP=$(cd "$(dirname "$0")/../.." && pwd)

# --- package/install --no-build into DESTDIR ------------------------------
out=$(cd "$TOP" && DESTDIR=$T/dest PREFIX=/opt/suite BINDIR=$BIN sh package/install --no-build 2>&1)
if [ -x "$T/dest/opt/suite/bin/svscan" ] && [ -x "$T/dest/opt/suite/bin/svscanboot" ] &&
  [ -f "$T/dest/opt/suite/share/man/man8/svscan.8" ] && [ -f "$T/dest/opt/suite/share/man/man8/svscanboot.8" ]; then
  pass "install puts programs and man pages under DESTDIR/PREFIX"
else
  fail "install puts programs and man pages under DESTDIR/PREFIX" "$out" "$(find "$T/dest" | head -20)"
fi
if cmp -s "$BIN/svscan" "$T/dest/opt/suite/bin/svscan" && ! ls -A "$T/dest/opt/suite/bin" "$T/dest/opt/suite/share/man/man8" | grep -q '^\.'; then
  pass "installed files are complete, no temporary files left"
else
  fail "installed files are complete, no temporary files left"
fi

# --- package/run -----------------------------------------------------------
# A fake machine: ROOT with svscanboot installed (a stand-in that records
# how it was started), and systemctl/telinit stand-ins that log their args.
mkroot() {
  R=$T/$1
  mkdir -p "$R/usr/local/bin" "$T/stub"
  printf '#!/bin/sh\necho "svscanboot $*" >> "%s/calls"\n' "$T" >"$R/usr/local/bin/svscanboot"
  chmod 755 "$R/usr/local/bin/svscanboot"
  printf '#!/bin/sh\necho "systemctl $*" >> "%s/calls"\n' "$T" >"$T/stub/systemctl"
  printf '#!/bin/sh\necho "telinit $*" >> "%s/calls"\n' "$T" >"$T/stub/telinit"
  chmod 755 "$T/stub/systemctl" "$T/stub/telinit"
  : >"$T/calls"
}
prun() { ROOT=$R SYSTEMCTL=$T/stub/systemctl TELINIT=$T/stub/telinit sh "$TOP/package/run" "$@"; }
calls() { cat "$T/calls"; }

# systemd
mkroot sd
mkdir -p "$R/run/systemd/system"
prun >"$T/out" 2>&1
rc=$?
unit=$R/etc/systemd/system/svscan.service
if grep -qx 'KillMode=mixed' "$unit" && grep -qx 'TimeoutStopSec=15' "$unit"; then
  pass "systemd: stop sends TERM to svscanboot alone and waits beyond svscan's deadline"
else
  fail "systemd: stop sends TERM to svscanboot alone and waits beyond svscan's deadline" "$(cat "$unit")"
fi
if [ $rc = 0 ] && grep -qxF 'ExecStart="/usr/local/bin/svscanboot" "/service"' "$unit" && grep -qx 'WantedBy=multi-user.target' "$unit"; then
  pass "systemd: unit installed, running svscanboot /service"
else
  fail "systemd: unit installed, running svscanboot /service" "$(cat "$T/out")"
fi
if [ "$(calls)" = "systemctl daemon-reload
systemctl enable --now svscan.service" ]; then pass "systemd: reloaded, enabled and started"; else fail "systemd: reloaded, enabled and started" "$(calls)"; fi
if [ -x "$R/service/example/run" ] && [ -x "$R/service/example/log/run" ] && [ ! -e "$R/service/.example.new" ]; then
  pass "a new service directory gets the example service"
else
  fail "a new service directory gets the example service" "$(find "$R/service")"
fi
cp "$unit" "$T/unit.1"
: >"$T/calls"
prun >"$T/out" 2>&1
if cmp -s "$unit" "$T/unit.1" && [ "$(calls)" = "systemctl enable --now svscan.service" ] && grep -q 'already installed' "$T/out"; then
  pass "systemd: running again changes nothing"
else
  fail "systemd: running again changes nothing" "$(calls)" "$(cat "$T/out")"
fi
: >"$T/calls"
prun --remove >"$T/out" 2>&1
if [ ! -e "$unit" ] && [ "$(calls)" = "systemctl disable --now svscan.service
systemctl daemon-reload" ] && [ -d "$R/service/example" ]; then
  pass "systemd: --remove stops and removes the unit, keeps the services"
else
  fail "systemd: --remove stops and removes the unit, keeps the services" "$(calls)" "$(cat "$T/out")"
fi
prun --remove >"$T/out" 2>&1 && grep -q 'nothing to remove' "$T/out" && pass "systemd: --remove twice is harmless" || fail "systemd: --remove twice is harmless" "$(cat "$T/out")"

# inittab, with Debian's directory
mkroot it
mkdir -p "$R/etc"
printf 'id:2:initdefault:\n1:2345:respawn:/sbin/getty 38400 tty1\n' >"$R/etc/inittab"
cp "$R/etc/inittab" "$T/inittab.orig"
SERVICEDIR=/etc/service prun >"$T/out" 2>&1
SERVICEDIR=/etc/service prun >>"$T/out" 2>&1
if [ "$(grep -c '^SV:' "$R/etc/inittab")" = 1 ] && grep -qx 'SV:123456:respawn:/usr/local/bin/svscanboot /etc/service' "$R/etc/inittab" &&
  [ -d "$R/etc/service" ] && [ "$(calls)" = "telinit q
telinit q" ]; then
  pass "inittab: one SV respawn line, telinit q, idempotent"
else
  fail "inittab: one SV respawn line, telinit q, idempotent" "$(cat "$R/etc/inittab")" "$(calls)" "$(cat "$T/out")"
fi
SERVICEDIR=/etc/service prun --remove >"$T/out" 2>&1
if cmp -s "$R/etc/inittab" "$T/inittab.orig"; then pass "inittab: --remove restores the file"; else fail "inittab: --remove restores the file" "$(cat "$R/etc/inittab")"; fi
printf 'SV:123456:respawn:/usr/bin/svscanboot\n' >>"$R/etc/inittab"
SERVICEDIR=/etc/service prun >"$T/out" 2>&1
rc=$?
if [ $rc = 100 ] && grep -q "already has an entry with id SV" "$T/out" && [ "$(grep -c '^SV:' "$R/etc/inittab")" = 1 ]; then
  pass "inittab: someone else's SV entry is left alone"
else
  fail "inittab: someone else's SV entry is left alone" "rc $rc" "$(cat "$T/out")"
fi

# rc.local
mkroot rc
mkdir -p "$R/etc"
printf '#!/bin/sh -e\n# rc.local\nexit 0\n' >"$R/etc/rc.local"
prun >"$T/out" 2>&1
prun >>"$T/out" 2>&1
wait_until 5 grep -q svscanboot "$T/calls"
if [ "$(cat "$R/etc/rc.local")" = '#!/bin/sh -e
# rc.local
/usr/local/bin/svscanboot /service &
exit 0' ] && [ -x "$R/etc/rc.local" ]; then
  pass "rc.local: one line before exit 0"
else
  fail "rc.local: one line before exit 0" "$(cat "$R/etc/rc.local")"
fi
if grep -qx 'svscanboot /service' "$T/calls"; then pass "rc.local: svscanboot started now"; else fail "rc.local: svscanboot started now" "$(calls)"; fi
prun --remove >"$T/out" 2>&1
if [ "$(cat "$R/etc/rc.local")" = '#!/bin/sh -e
# rc.local
exit 0' ]; then pass "rc.local: --remove takes the line out"; else fail "rc.local: --remove takes the line out" "$(cat "$R/etc/rc.local")"; fi

# Refusals: usage, svscanboot not installed, no permission (as nobody).
bogus() { sh "$TOP/package/run" --bogus; }
check_ours "usage" 100 "" "package/run: usage: package/run [--remove]
" bogus
mkroot missing
rm "$R/usr/local/bin/svscanboot"
mkdir -p "$R/run/systemd/system"
prun >"$T/out" 2>&1
rc=$?
if [ $rc = 100 ] && grep -q 'svscanboot is not installed' "$T/out" && [ ! -e "$R/etc" ] && [ ! -e "$R/service" ]; then
  pass "refuses without svscanboot installed, changing nothing"
else
  fail "refuses without svscanboot installed, changing nothing" "rc $rc" "$(cat "$T/out")"
fi
if command -v setpriv >/dev/null && [ "$(id -u)" = 0 ]; then
  mkroot perm
  mkdir -p "$R/run/systemd/system" "$R/etc"
  chmod 755 "$T"
  ROOT=$R SYSTEMCTL=$T/stub/systemctl setpriv --reuid=65534 --regid=65534 --clear-groups sh "$TOP/package/run" >"$T/out" 2>&1
  rc=$?
  if [ $rc = 100 ] && grep -q 'access denied (run package/run as root)' "$T/out" && [ ! -e "$R/service" ] && [ ! -s "$T/calls" ]; then
    pass "refuses clearly without permission, changing nothing"
  else
    fail "refuses clearly without permission, changing nothing" "rc $rc" "$(cat "$T/out")"
  fi
else
  skip "refuses without permission" "needs root and setpriv to act as nobody"
fi
# --- install: temporary files, umask ----------------------------------------
# A symlink planted at the temporary name of the old scheme (.NAME.new)
# must not be written through.
mkdir -p "$T/dest2/opt/suite/bin" "$T/dest2/opt/suite/share/man/man8"
printf 'precious\n' >"$T/victim"
chmod 600 "$T/victim"
ln -s "$T/victim" "$T/dest2/opt/suite/bin/.svscan.new"
ln -s "$T/victim" "$T/dest2/opt/suite/share/man/man8/.svscan.8.new"
out=$(cd "$TOP" && DESTDIR=$T/dest2 PREFIX=/opt/suite BINDIR=$BIN sh package/install --no-build 2>&1)
if [ "$(cat "$T/victim")" = precious ] && [ "$(stat -c %a "$T/victim")" = 600 ] &&
  [ ! -L "$T/dest2/opt/suite/bin/svscan" ] && cmp -s "$BIN/svscan" "$T/dest2/opt/suite/bin/svscan" &&
  [ ! -L "$T/dest2/opt/suite/share/man/man8/svscan.8" ] && cmp -s "$TOP/man/svscan.8" "$T/dest2/opt/suite/share/man/man8/svscan.8"; then
  pass "install never writes through a symlink planted at a temporary name"
else
  fail "install never writes through a symlink planted at a temporary name" "$out" "victim: $(stat -c %a "$T/victim") $(head -c 20 "$T/victim" | od -c | head -1)"
fi
out=$(umask 000 && cd "$TOP" && DESTDIR=$T/dest3 PREFIX=/opt/suite BINDIR=$BIN sh package/install --no-build 2>&1)
writable=$(find "$T/dest3" -perm -o+w)
if [ -x "$T/dest3/opt/suite/bin/svscan" ] && [ -z "$writable" ] &&
  [ "$(stat -c %a "$T/dest3/opt/suite/bin" "$T/dest3/opt/suite/bin/svscan" "$T/dest3/opt/suite/share/man/man8/svscan.8")" = "755
755
644" ]; then
  pass "install under umask 000: nothing writable by others"
else
  fail "install under umask 000: nothing writable by others" "$out" "$writable"
fi

# --- run: umask, quoting, literal matching, a symlinked rc.local ------------
mkroot um
mkdir -p "$R/run/systemd/system"
(umask 000 && prun) >"$T/out" 2>&1
writable=$(find "$R/service" "$R/etc" -perm -o+w)
if [ -d "$R/service/example" ] && [ -z "$writable" ] && [ "$(stat -c %a "$R/service")" = 755 ] &&
  [ "$(stat -c %a "$R/etc/systemd/system/svscan.service")" = 644 ]; then
  pass "run under umask 000: the service directory is 0755, nothing writable by others"
else
  fail "run under umask 000: the service directory is 0755, nothing writable by others" "$(cat "$T/out")" "$writable"
fi

mkroot space
mkdir -p "$R/run/systemd/system" "$R/opt/my suite/bin"
cp "$R/usr/local/bin/svscanboot" "$R/opt/my suite/bin/"
PREFIX="/opt/my suite" prun >"$T/out" 2>&1
if grep -qxF 'ExecStart="/opt/my suite/bin/svscanboot" "/service"' "$R/etc/systemd/system/svscan.service"; then
  pass "systemd: ExecStart quotes a path with a space"
else
  fail "systemd: ExecStart quotes a path with a space" "$(cat "$T/out")" "$(grep ExecStart "$R/etc/systemd/system/svscan.service")"
fi

# A boot line with regex metacharacters is found literally, by install
# (running again adds nothing) and by --remove.
meta='/opt/a.b[1]*'
mkroot meta
mkdir -p "$R/etc" "$R$meta/bin"
cp "$R/usr/local/bin/svscanboot" "$R$meta/bin/"
printf 'id:2:initdefault:\n' >"$R/etc/inittab"
cp "$R/etc/inittab" "$T/inittab.orig"
PREFIX=$meta prun >"$T/out" 2>&1
PREFIX=$meta prun >>"$T/out" 2>&1
if [ "$(cat "$R/etc/inittab")" = "id:2:initdefault:
SV:123456:respawn:'/opt/a.b[1]*/bin/svscanboot' /service" ]; then
  pass "inittab: a path with regex and shell metacharacters, quoted, added once"
else
  fail "inittab: a path with regex and shell metacharacters, quoted, added once" "$(cat "$R/etc/inittab")" "$(cat "$T/out")"
fi
PREFIX=$meta prun --remove >"$T/out" 2>&1
if cmp -s "$R/etc/inittab" "$T/inittab.orig"; then
  pass "inittab: --remove finds a line with regex metacharacters"
else
  fail "inittab: --remove finds a line with regex metacharacters" "$(cat "$R/etc/inittab")" "$(cat "$T/out")"
fi
rm "$R/etc/inittab"
printf '#!/bin/sh -e\nexit 0\n' >"$R/etc/rc.local"
cp "$R/etc/rc.local" "$T/rc.orig"
PREFIX=$meta prun >"$T/out" 2>&1
PREFIX=$meta prun >>"$T/out" 2>&1
added=$(cat "$R/etc/rc.local")
PREFIX=$meta prun --remove >>"$T/out" 2>&1
if [ "$added" = "#!/bin/sh -e
'/opt/a.b[1]*/bin/svscanboot' /service &
exit 0" ] && cmp -s "$R/etc/rc.local" "$T/rc.orig"; then
  pass "rc.local: a path with metacharacters, quoted, added once and removed"
else
  fail "rc.local: a path with metacharacters, quoted, added once and removed" "$added" "$(cat "$R/etc/rc.local")" "$(cat "$T/out")"
fi

# An rc.local that is a symlink (absolute, taken under ROOT, or relative)
# stays one; its target is edited.
for target in /etc/rc.d/rc.local rc.d/rc.local; do
  mkroot link
  mkdir -p "$R/etc/rc.d"
  printf '#!/bin/sh -e\nexit 0\n' >"$R/etc/rc.d/rc.local"
  chmod 755 "$R/etc/rc.d/rc.local"
  cp "$R/etc/rc.d/rc.local" "$T/rc.orig"
  ln -s "$target" "$R/etc/rc.local"
  prun >"$T/out" 2>&1
  added=$(cat "$R/etc/rc.d/rc.local")
  linked=$(readlink "$R/etc/rc.local")
  prun --remove >>"$T/out" 2>&1
  if [ "$added" = "#!/bin/sh -e
/usr/local/bin/svscanboot /service &
exit 0" ] && [ "$linked" = "$target" ] && [ "$(readlink "$R/etc/rc.local")" = "$target" ] &&
    cmp -s "$R/etc/rc.d/rc.local" "$T/rc.orig" && [ -x "$R/etc/rc.d/rc.local" ]; then
    pass "rc.local a symlink to $target: the target is edited, the link kept"
  else
    fail "rc.local a symlink to $target: the target is edited, the link kept" "link: $linked" "$added" "$(cat "$T/out")"
  fi
  rm -rf "$R"
done

# --- run on a full disk ------------------------------------------------------
# $R/etc is a 64 KiB tmpfs, filled up, in a private mount namespace: every
# write fails with ENOSPC. package/run must fail (111, saying so) and leave
# every file exactly as it was, with no temporary file behind.
# full_prun ARGS...: runs package/run so, $R/etc seeded from $T/seed; then
# $T/after holds what $R/etc held (the filler excepted); stderr in $T/out;
# sets rc.
full_prun() {
  rm -rf "$T/after"
  mkdir -p "$T/after" "$R/etc"
  unshare --mount --propagation private env ROOT="$R" SYSTEMCTL="$T/stub/systemctl" TELINIT="$T/stub/telinit" \
    TOP="$TOP" T="$T" sh -c '
    mount -t tmpfs -o size=64k none "$ROOT/etc" || exit 125
    cp -a "$T/seed/." "$ROOT/etc/" || exit 125
    dd if=/dev/zero of="$ROOT/etc/.fill" bs=1k 2>/dev/null
    sh "$TOP/package/run" "$@"
    rc=$?
    rm -f "$ROOT/etc/.fill"
    cp -a "$ROOT/etc/." "$T/after/"
    exit $rc' sh "$@" >"$T/stdout" 2>"$T/out"
  rc=$?
}
# full_case NAME FILE ARGS...: runs full_prun ARGS; FILE (under etc) is the
# one it cannot write.
full_case() {
  local name=$1 file=$2
  shift 2
  : >"$T/calls"
  full_prun "$@"
  if [ "$rc" = 111 ] && [ "$(cat "$T/out")" = "package/run: fatal: unable to write $R/etc/$file: No space left on device" ] &&
    diff -r "$T/seed" "$T/after" >/dev/null && [ ! -s "$T/calls" ]; then
    pass "full disk: $name"
  else
    fail "full disk: $name" "rc $rc" "$(cat "$T/out")" "$(diff -r "$T/seed" "$T/after")" "$(calls)"
  fi
}
mkroot full
mkdir -p "$T/probe"
if ! unshare --mount --propagation private mount -t tmpfs -o size=64k none "$T/probe" 2>"$T/probe.err"; then
  skip "package/run on a full disk" "cannot mount a tmpfs in a private mount namespace: $(cat "$T/probe.err")"
else
  rm -rf "$T/seed" && mkdir -p "$T/seed"
  printf 'id:2:initdefault:\nSV:123456:respawn:/usr/local/bin/svscanboot /service\n' >"$T/seed/inittab"
  full_case "--remove leaves inittab as it was" inittab --remove
  printf 'id:2:initdefault:\n' >"$T/seed/inittab"
  full_case "adding to inittab leaves it as it was" inittab
  rm -rf "$T/seed" && mkdir -p "$T/seed"
  printf '#!/bin/sh -e\n/usr/local/bin/svscanboot /service &\nexit 0\n' >"$T/seed/rc.local"
  chmod 755 "$T/seed/rc.local"
  full_case "--remove leaves rc.local as it was" rc.local --remove
  printf '#!/bin/sh -e\nexit 0\n' >"$T/seed/rc.local"
  full_case "adding to rc.local leaves it as it was (svscanboot not started)" rc.local
  rm -rf "$T/seed" && mkdir -p "$T/seed/systemd/system" "$R/run/systemd/system"
  full_case "no partial systemd unit" systemd/system/svscan.service
fi
finish
