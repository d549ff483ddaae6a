# svstat: every line form, from crafted supervise/status files (a reader is
# held on supervise/ok, so no supervise is needed), then from live ones.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../helpers/supervise_common.sh"

check "no arguments prints nothing" 0 "" "" svstat
check "missing dir" 0 "$T/nope: unable to chdir: file does not exist
" "" svstat "$T/nope"
mkdir "$T/empty"
check "no supervise directory" 0 "$T/empty: unable to open supervise/ok: file does not exist
" "" svstat "$T/empty"
mkdir -p "$T/dead/supervise" && mkfifo "$T/dead/supervise/ok"
check "supervise not running" 0 "$T/dead: supervise not running
" "" svstat "$T/dead"
mkdir -p "$T/okdir/supervise/ok"
check "ok is a directory" 0 "$T/okdir: unable to open supervise/ok: is a directory
" "" svstat "$T/okdir"
mkdir -p "$T/loop/supervise" && ln -s down "$T/loop/down"
check "down cannot be examined" 0 "$T/loop: unable to stat down: symbolic link loop
" "" svstat "$T/loop"

# s: a service dir with a live reader on supervise/ok.
s=$T/s
mkdir -p "$s/supervise" && mkfifo "$s/supervise/ok"
exec 3<>"$s/supervise/ok"
check "no status file" 0 "$s: unable to open supervise/status: file does not exist
" "" svstat "$s"
printf 'short' >"$s/supervise/status"
check "short status file" 0 "$s: unable to read supervise/status: bad format
" "" svstat "$s"
mkdir -p "$T/sd/supervise" && mkfifo "$T/sd/supervise/ok" && mkdir "$T/sd/supervise/status"
exec 4<>"$T/sd/supervise/ok"
# Deliberate difference: 0.76 compares read()'s -1 with an unsigned size, so
# a read error goes unnoticed and it prints a record of zeros (or the
# previous dir's); we report the error.
check_ours "status is a directory" 0 "$T/sd: unable to read supervise/status: is a directory
" "" svstat "$T/sd"
exec 4<&-

# status PID PAUSED WANT [AGE]: writes a record stamped in the future (shown
# as 0 seconds) or, with AGE, that many seconds ago; its unix time in $stamp.
status() {
  stamp=$((EPOCHSECONDS + ${4:-(-3600)} * -1))
  local hex
  hex=$(printf '40000000%08x%08x%02x%02x%02x%02x%02x%02x' $((stamp + 10)) 0 \
    $(($1 & 255)) $((($1 >> 8) & 255)) $((($1 >> 16) & 255)) $((($1 >> 24) & 255)) "$2" "$3")
  printf '%s' "$hex" | sed 's/../\\x&/g' | xargs -0 printf >"$s/supervise/status"
}

# aged CMD...: runs CMD (a program in $P, or a function) and writes each
# "N seconds" in its output as "AGE seconds" when N is an age svstat could
# have computed: its clock, read during the run, minus $stamp. The clock may
# pass a second boundary during any run, so the bounds are read just before
# and just after it: before from EPOCHSECONDS, the coarse clock time(2) reads
# (the reference), after from EPOCHREALTIME, the precise clock (ours); the
# coarse clock never runs ahead of the precise one, so whatever either
# program reads lies between the two. An age outside them is kept, and
# explained on stderr, so the comparison fails.
aged() {
  local lo=$((EPOCHSECONDS - stamp)) hi rc out res="" rest n
  if is_function "$1"; then "$@" >"$T/aged.out"; else "$P/$1" "${@:2}" >"$T/aged.out"; fi
  rc=$?
  hi=$((${EPOCHREALTIME%.*} - stamp))
  out=$(cat "$T/aged.out"; echo .)
  rest=${out%.}
  while [[ $rest =~ \ ([0-9]+)\ seconds ]]; do
    n=${BASH_REMATCH[1]}
    res+="${rest%%"${BASH_REMATCH[0]}"*} "
    if [ "$n" -ge "$lo" ] && [ "$n" -le "$hi" ]; then
      res+="AGE"
    else
      res+="$n"
      echo "age $n is not between $lo and $hi" >&2
    fi
    res+=" seconds"
    rest=${rest#*"${BASH_REMATCH[0]}"}
  done
  printf '%s' "$res$rest"
  return $rc
}
U=117 D=100
status 4660 0 $U
check "up" 0 "$s: up (pid 4660) 0 seconds
" "" svstat "$s"
status 305419896 0 $U
check "large pid, little-endian" 0 "$s: up (pid 305419896) 0 seconds
" "" svstat "$s"
status 0 0 $D
check "down, normally up" 0 "$s: down 0 seconds, normally up
" "" svstat "$s"
status 0 0 $U
check "down, want up" 0 "$s: down 0 seconds, normally up, want up
" "" svstat "$s"
status 0 0 0
check "down after once" 0 "$s: down 0 seconds, normally up
" "" svstat "$s"
status 0 1 $U
check "paused flag ignored when down" 0 "$s: down 0 seconds, normally up, want up
" "" svstat "$s"
status 77 1 $U
check "paused" 0 "$s: up (pid 77) 0 seconds, paused
" "" svstat "$s"
status 77 1 $D
check "paused, want down" 0 "$s: up (pid 77) 0 seconds, paused, want down
" "" svstat "$s"
status 77 0 0
check "up once" 0 "$s: up (pid 77) 0 seconds
" "" svstat "$s"
touch "$s/down"
status 77 1 $D
check "every suffix of an up service" 0 "$s: up (pid 77) 0 seconds, normally down, paused, want down
" "" svstat "$s"
status 0 0 $D
check "down, normally down" 0 "$s: down 0 seconds
" "" svstat "$s"
status 0 0 $U
check "down with down file, want up" 0 "$s: down 0 seconds, want up
" "" svstat "$s"
status 77 0 $U 100
check "age in seconds" 0 "$s: up (pid 77) AGE seconds, normally down
" "" aged svstat "$s"
rm "$s/down"
check "several dirs, one line each" 0 "$s: up (pid 77) AGE seconds
$T/nope: unable to chdir: file does not exist
$T/dead: supervise not running
" "" aged svstat "$s" "$T/nope" "$T/dead"
in_dir() { cd "$T" && "$P/svstat" s ./s/; }
check "relative names as given" 0 "s: up (pid 77) AGE seconds
./s/: up (pid 77) AGE seconds
" "" aged in_dir

# Many dirs at once: from 256 on, ours describes them on several threads,
# each with a working directory of its own. The lines must stay in order,
# relative names must still be found from where svstat started, and each
# error must read as it does alone. 75 rounds of 8 names, 600 in all.
status 77 0 0
pattern=(s ./s/ "$s" nope empty dead okdir loop)
many=()
for i in $(seq 75); do many+=("${pattern[@]}"); done
one_round="s: up (pid 77) 0 seconds
./s/: up (pid 77) 0 seconds
$s: up (pid 77) 0 seconds
nope: unable to chdir: file does not exist
empty: unable to open supervise/ok: file does not exist
dead: supervise not running
okdir: unable to open supervise/ok: is a directory
loop: unable to stat down: symbolic link loop
"
many_lines=$(for i in $(seq 75); do printf '%s' "$one_round"; done; echo .)
many_lines=${many_lines%.}
in_T() { cd "$T" && "$P/svstat" "$@"; }
check "600 dirs: every line in order, as each reads alone" 0 "$many_lines" "" in_T "${many[@]}"
# -j: the 600 objects are the 8 of one round (below the threaded count)
# repeated, in the same array form.
objects=$(cd "$T" && "$BIN/svstat" -j "${pattern[@]}" | sed '1d;$d;s/,$//')
want_json=$(printf '[\n'; for i in $(seq 75); do printf '%s\n' "$objects"; done | sed '$!s/$/,/;s/^ */  /'; printf ']\n.')
want_json=${want_json%.}
check_ours "600 dirs as JSON: the objects of one round, repeated in order" 0 "$want_json" "" in_T -j "${many[@]}"
exec 3<&-

# Live supervise, ours and the reference's: same lines after normalising.
NORM=$NORM_SV
live() {
  local d=live
  cd "$(mktemp -d "$T/l.XXXXXX")" || return 1
  mksvc "$d" 'exec sleep 100'
  "$P/supervise" "$d" &
  local sp=$!
  wait_until 10 sv_up "$d"
  "$P/svstat" "$d"
  "$P/svc" -p "$d"; wait_until 10 eval '[ "$(sv_paused "$d")" = 1 ]'
  "$P/svstat" "$d"
  "$P/svc" -d "$d"; wait_until 10 sv_down "$d"
  "$P/svstat" "$d"
  touch "$d/down"
  "$P/svstat" "$d"
  "$P/svc" -u "$d"; wait_until 10 sv_up "$d"
  "$P/svstat" "$d"
  "$P/svc" -dx "$d"; wait "$sp"
  "$P/svstat" "$d"
}

same "live supervise: svstat lines agree" live

finish
