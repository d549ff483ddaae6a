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
if [ $rc = 0 ] && grep -qx 'ExecStart=/usr/local/bin/svscanboot /service' "$unit" && grep -qx 'WantedBy=multi-user.target' "$unit"; then
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

finish
