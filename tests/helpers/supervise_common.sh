# Sourced by the supervise, svc, svstat and svok black-box tests (after lib.sh).

# Normalises pids and ages so runs of ours and the reference compare.
NORM_SV='s/(pid [0-9][0-9]*)/(pid N)/g; s/ [0-9][0-9]* seconds/ S seconds/g'

# mksvc DIR BODY: a service directory whose run is "#!/bin/sh" + BODY.
mksvc() {
  mkdir -p "$1"
  printf '#!/bin/sh\n%s\n' "$2" >"$1/run"
  chmod 755 "$1/run"
}

# Fields of DIR/supervise/status (empty when unreadable).
sv_pid() { od -An -tu4 -j12 -N4 "$1/supervise/status" 2>/dev/null | tr -d ' '; }
sv_paused() { od -An -tu1 -j16 -N1 "$1/supervise/status" 2>/dev/null | tr -d ' '; }
sv_want() { od -An -tx1 -j17 -N1 "$1/supervise/status" 2>/dev/null | tr -d ' '; }  # 75 u, 64 d, 00
sv_up() { local p; p=$(sv_pid "$1"); [ -n "$p" ] && [ "$p" != 0 ]; }
sv_down() { [ "$(sv_pid "$1")" = 0 ]; }
sv_pid_is_not() { local p; p=$(sv_pid "$1"); [ -n "$p" ] && [ "$p" != 0 ] && [ "$p" != "$2" ]; }
sv_running() { "$BIN/svok" "$1"; }
sv_gone() { ! "$BIN/svok" "$1"; }
lines_at_least() { [ -f "$1" ] && [ "$(wc -l <"$1")" -ge "$2" ]; }
file_has() { grep -q -- "$2" "$1" 2>/dev/null; }
gone() { ! kill -0 "$1" 2>/dev/null; }                            # gone PID
svstat_has() { "$BIN/svstat" "$1" | grep -q -- "$2"; }            # svstat_has DIR PATTERN
nlines() { [ -f "$1" ] && wc -l <"$1" || echo 0; }                # nlines FILE: 0 if missing

# start_sup VAR SUPERVISE DIR: spawns a supervise (its own process group)
# and waits until it answers on supervise/ok.
start_sup() {
  spawn "$1" "$2" "$3"
  wait_until 10 sv_running "$3"
}

# end_sup PID DIR: svc -dx, wait for supervise to leave, then end its group.
end_sup() {
  "$BIN/svc" -dx "$2" 2>/dev/null
  local i=0
  while kill -0 "$1" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
  stop "$1"
}

# cpu_ticks PID: utime + stime of a process, in clock ticks.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# Process start times, for latencies that must not include a shell's
# start-up: the kernel notes a process's start (its fork) in clock ticks
# since boot, /proc/PID/stat field 22, which /proc/uptime reads too
# (10 ms resolution both).
HZ=$(getconf CLK_TCK)
# stat_start_ms: a line of /proc/PID/stat on stdin; its start, in ms since boot.
stat_start_ms() { awk -v hz="$HZ" '{ sub(/.*\) /, ""); print int($20 * 1000 / hz) }'; }
# start_ms PID: when PID started, in ms since boot (empty once it is gone).
start_ms() { stat_start_ms <"/proc/$1/stat" 2>/dev/null; }
# uptime_ms: now, in ms since boot.
uptime_ms() { local u; read -r u _ </proc/uptime; u=${u/./}; echo $((10#$u * 10)); }

