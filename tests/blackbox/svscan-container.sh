# The container recipe of doc/containers.md, without Docker: the same
# image layout (the programs in /usr/local/bin, /service with one service
# and its logger, ENTRYPOINT svscan /service) as a root file system, run
# with unshare (new PID and mount namespaces, svscan as PID 1) and chroot,
# then stopped as `docker stop` would (SIGTERM to PID 1). The root file
# system holds only what debian:12-slim would provide that the services
# use: /bin/sh (dash), sleep, the glibc they and setuidgid/envuidgid load, and
# /etc/passwd. Needs root; skipped (counted) otherwise.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../helpers/svscan_common.sh"
need_supervise

CHECKS="image-starts stop-exit-0 stop-time log-complete envuidgid-in-image essential-exit"
if [ "$(id -u)" != 0 ] || ! unshare --pid --fork --mount-proc true 2>/dev/null || [ ! -x /bin/dash ]; then
  echo "NOTE - $TEST_NAME: needs root, unshare and /bin/dash: skipping"
  for c in $CHECKS; do skip "$c" "no namespaces or no dash"; done
  finish
  exit
fi

R=$T/root
# mkimage: the image's root file system.
mkimage() {
  rm -rf "$R"
  mkdir -p "$R/usr/local/bin" "$R/bin" "$R/lib/x86_64-linux-gnu" "$R/lib64" "$R/etc" "$R/proc" "$R/tmp"
  cp "$BIN"/* "$R/usr/local/bin/"
  cp /bin/dash "$R/bin/sh"
  cp /bin/sleep "$R/bin/sleep"
  local lib
  for lib in $(ldd /bin/dash /bin/sleep "$BIN/setuidgid" | grep -o '/[^ ]*\.so[^ ]*' | sort -u); do cp -L "$lib" "$R$lib"; done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n' >"$R/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$R/etc/group"
  mkdir -p "$R/service/app/log"
  # The service of the recipe: a line a tenth of a second, a last line on TERM.
  cat >"$R/service/app/run" <<'RUN'
#!/bin/sh
exec 2>&1
envuidgid nobody sh -c 'echo "app up as uid $UID"'
trap 'echo "app last line"; exit 0' TERM
i=0
while :; do i=$((i + 1)); echo "tick $i"; sleep 0.1; done
RUN
  printf '#!/bin/sh\nexec multilog t ./main\n' >"$R/service/app/log/run"
  chmod 755 "$R/service/app/run" "$R/service/app/log/run"
}
# image: runs the image's entrypoint (PATH as debian:12-slim sets it).
image() {
  exec env - PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    unshare --pid --fork --mount-proc="$R/proc" chroot "$R" /usr/local/bin/svscan /service 2>"$T/err"
}
lines() { sed 's/^@[0-9a-f]* //' "$R/service/app/log/main/current" 2>/dev/null; }

mkimage
spawn U image
if wait_until 10 sh -c "sed 's/^@[0-9a-f]* //' '$R/service/app/log/main/current' 2>/dev/null | grep -qx 'tick 3'"; then pass "image-starts"; else fail "image-starts" "$(cat "$T/err")"; fi
SV=$(pgrep -P "$U" | head -1)
t0=$(now_ms)
kill -TERM "$SV"
wait_for 15 "$U"
rc=$?
took=$(($(now_ms) - t0))
if [ "$rc" = 0 ] && [ ! -s "$T/err" ]; then pass "stop-exit-0"; else fail "stop-exit-0" "rc $rc: $(cat "$T/err")"; fi
# The app ends on TERM and its logger at the end of its input: the stop
# is over in a moment, far from the 9 s deadline (what a service that
# ignored TERM, or a logger left waiting, would take). Measured: plain,
# load 7-20: N 5, p50 318, max 367 ms; sanitizers, load 8-79: N 2, 352
# and 490 ms.
timing "docker stop equivalent, TERM to exit" "$took" ms
if [ "$took" -lt 2000 ]; then pass "stop-time"; else fail "stop-time" "$took ms"; fi
echo "NOTE - $TEST_NAME: docker-stop equivalent took $took ms"
# Every tick, in order, then the last line: nothing lost at the stop.
n=$(lines | grep -c '^tick ')
if [ "$(lines | tail -1)" = "app last line" ] && [ "$(lines | grep '^tick ' | awk '$2 != NR { bad = 1 } END { print bad ? "bad" : NR }')" = "$n" ]; then
  pass "log-complete"
else
  fail "log-complete" "$(lines | tail -3 | tr '\n' '|')"
fi
if lines | grep -qx "app up as uid 65534"; then pass "envuidgid-in-image"; else fail "envuidgid-in-image" "$(lines | head -2 | tr '\n' '|')"; fi

# essential: the container ends with its key process, with its code.
mkimage
printf '#!/bin/sh\nsleep 0.3\nexit 4\n' >"$R/service/app/run"
: >"$R/service/app/essential"
spawn U image
wait_for 15 "$U"
rc=$?
if [ "$rc" = 4 ]; then pass "essential-exit"; else fail "essential-exit" "rc $rc: $(cat "$T/err")"; fi
finish
