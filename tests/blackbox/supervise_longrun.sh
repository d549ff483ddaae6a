# Long run: 40 supervise each restarting a crashing ./run a dozen times
# (several hundred restarts in all, about once a second each) end with the
# same open descriptors and resident memory they had after warming up.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../helpers/supervise_common.sh"

N=40 WARM=3 MORE=9
# Under the sanitizers the runtime itself grows a little; allow it 64 kB.
SLACK=0
case $BIN in *-san) SLACK=64;; esac
fds() { ls "/proc/$1/fd" | wc -l; }
fds_are() { [ "$(fds "$1")" = "$2" ]; }
# fds_rest PID: the fewest seen in five looks 50 ms apart (a restart holds
# a descriptor or two for a moment).
fds_rest() {
  local k n min=
  for k in 1 2 3 4 5; do
    n=$(fds "$1"); [ -z "$min" ] || [ "$n" -lt "$min" ] && min=$n
    sleep 0.05
  done
  echo "$min"
}
rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
all_started() {
  local i
  for i in $(seq 1 $N); do lines_at_least "$T/s$i/starts" "$1" || return 1; done
}

pids=()
for i in $(seq 1 $N); do
  mksvc "$T/s$i" "echo x >>$T/s$i/starts; exit 1"
  spawn sp "$BIN/supervise" "$T/s$i"
  pids+=("$sp")
done
if wait_until 30 all_started $WARM; then pass "all $N started"; else fail "all $N started"; fi
declare -A fd0 rss0 n0
for i in $(seq 1 $N); do
  p=${pids[$((i - 1))]}
  fd0[$i]=$(fds_rest "$p") rss0[$i]=$(rss "$p") n0[$i]=$(wc -l <"$T/s$i/starts")
done
# MORE starts beyond each one's own count at the snapshot (under load some
# had already passed WARM when it was taken).
all_gained() {
  local i
  for i in $(seq 1 $N); do lines_at_least "$T/s$i/starts" $((n0[$i] + MORE)) || return 1; done
}
wait_until 60 all_gained
total=0 bad_fd=() bad_rss=()
for i in $(seq 1 $N); do
  p=${pids[$((i - 1))]}
  total=$((total + $(wc -l <"$T/s$i/starts") - n0[$i]))
  wait_until 3 fds_are "$p" "${fd0[$i]}" || bad_fd+=("s$i: ${fd0[$i]} -> $(fds "$p")")
  [ "$(rss "$p")" -le $((rss0[$i] + SLACK)) ] || bad_rss+=("s$i: ${rss0[$i]} kB -> $(rss "$p") kB")
done
if [ "$total" -ge $((N * MORE)) ]; then pass "$total restarts measured"; else fail "restarts measured" "only $total"; fi
if [ ${#bad_fd[@]} -eq 0 ]; then pass "open descriptors unchanged (${fd0[1]} each)"; else fail "open descriptors unchanged" "${bad_fd[@]}"; fi
if [ ${#bad_rss[@]} -eq 0 ]; then pass "no growth in VmRSS (${rss0[1]} kB)"; else fail "no growth in VmRSS" "${bad_rss[@]}"; fi
for i in $(seq 1 $N); do "$BIN/svc" -dx "$T/s$i"; done
gone() { local p; for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && return 1; done; return 0; }
if wait_until 20 gone; then pass "every supervise left on svc -dx"; else fail "every supervise left on svc -dx"; fi
for p in "${pids[@]}"; do stop "$p"; done
finish
