# envdir: usage, every error path, the value rules, and the child's
# environment byte for byte (order included) against the reference.
. "$(dirname "$0")/lib.sh"

U="envdir: usage: envdir dir child
"
check "no arguments is a usage error (111, as the reference)" 111 "" "$U" envdir
check "a directory alone is a usage error" 111 "" "$U" envdir "$T"
check "options are not parsed: -x is a directory name" 111 "" \
  "envdir: fatal: unable to switch to directory -x: file does not exist
" envdir -x "$T" true
check "missing directory" 111 "" \
  "envdir: fatal: unable to switch to directory $T/nonexistent: file does not exist
" envdir "$T/nonexistent" true
printf 'x\n' >"$T/plain"
check "a file instead of a directory" 111 "" \
  "envdir: fatal: unable to switch to directory $T/plain: not a directory
" envdir "$T/plain" true

mkdir "$T/withdir" "$T/withdir/sub"
check "an entry that is a directory" 111 "" \
  "envdir: fatal: unable to read $T/withdir/sub: is a directory
" envdir "$T/withdir" true

mkdir "$T/empty"
check "child that cannot be run" 111 "" \
  "envdir: fatal: unable to run $T/nonexistent-prog: file does not exist
" envdir "$T/empty" "$T/nonexistent-prog"
check "child not found in PATH" 111 "" \
  "envdir: fatal: unable to run no-such-program-xyz: file does not exist
" envdir "$T/empty" no-such-program-xyz
check "exit code and arguments of the child pass through" 3 "a b
" "" envdir "$T/empty" sh -c 'echo "$@"; exit 3' sh a b

# Values: first line only, trailing blanks cut, NUL -> newline, empty removes.
d=$T/vals
mkdir "$d"
printf 'hello \t \nsecond line\n' >"$d/TRAIL"
printf '  lead\n' >"$d/LEAD"
printf 'a\0b\0\n' >"$d/NULS"
printf 'no newline' >"$d/NONL"
printf '\n' >"$d/BLANKLINE"
printf 'x=y\n' >"$d/EQ"
: >"$d/GONE"
printf 'hidden\n' >"$d/.DOT"
mkfifo "$d/FIFO"
sorted_env() { env -i GONE=was FIFO=was KEEP=1 "$P/envdir" "$d" /usr/bin/env -0 | LC_ALL=C sort -z | tr '\0' '\n'; }
check "values follow the envdir rules" 0 "BLANKLINE=
EQ=x=y
KEEP=1
LEAD=  lead
NONL=no newline
NULS=a
b

TRAIL=hello
" "" sorted_env
raw_env() { env -i A=1 GONE=was B=2 TRAIL=old C=3 EQ=old "$P/envdir" "$d" /usr/bin/env; }
same "environment order matches the reference byte for byte" raw_env
inherit_env() { env -u _ "$P/envdir" "$d" /usr/bin/env; }
same "with the full inherited environment too" inherit_env

# Many files, some replacing or removing inherited variables, names with
# '=' in them (0.76 splits the name at the first '='): order and values as
# the reference, byte for byte.
mkdir "$T/many"
for i in $(seq 1 300); do
  case $((i % 3)) in
    0) printf 'value %s\n' "$i" >"$T/many/V$i";;
    1) : >"$T/many/V$i";;
    2) printf 'v%s \t\0x\n' "$i" >"$T/many/V$i";;
  esac
done
printf 'with equals\n' >"$T/many/E=Q"
: >"$T/many/R=S"
many() {
  env -i E=1 R=2 V1=a V2=b V3=c V30=d V31=e V299=f V300=g Z=last "$P/envdir" "$T/many" /usr/bin/env | od -c
}
same "300 files replacing and removing variables, names with =" many

# A very long single-line value (100 kB, close to Linux's 128 kB limit for
# one variable), without a trailing newline; then one too long to exec.
mkdir "$T/long" "$T/toolong"
head -c 100000 /dev/zero | tr '\0' 'v' >"$T/long/BIG"
printf 'tail  ' >>"$T/long/BIG"
long_value() { env -i "$P/envdir" "$T/long" /usr/bin/env | cksum; }
check "a 100 kB value" 0 "$( (printf 'BIG='; head -c 100000 /dev/zero | tr '\0' v; printf 'tail\n') | cksum)
" "" long_value
head -c 1048576 /dev/zero | tr '\0' 'v' >"$T/toolong/HUGE"
check "a 1 MB value is read, but too big to exec" 111 "" \
  "envdir: fatal: unable to run /usr/bin/env: argument list too long
" envdir "$T/toolong" /usr/bin/env

# A file too big for memory (an address-space limit, 100 MB, below its
# 256 MB): 0.76's message, exit 111 -- not an abort. A sanitizer build
# reserves terabytes of address space and cannot run under such a limit.
if grep -q __asan_init "$BIN/envdir" 2>/dev/null; then
  skip "a file too big for memory" "an address-space limit cannot apply to a sanitizer build"
elif ! command -v prlimit >/dev/null; then
  skip "a file too big for memory" "prlimit (util-linux) is not installed"
else
  mkdir "$T/huge"
  truncate -s 256M "$T/huge/BIG"
  limited_envdir() { prlimit --as=100000000 "$P/envdir" "$@"; }
  check "a file too big for memory" 111 "" "envdir: fatal: unable to read $T/huge/BIG: out of memory
" limited_envdir "$T/huge" true
  rm -rf "$T/huge"
fi

# 0.76 quirk: a name that cannot be opened because it does not exist (a
# dangling symlink) reuses the previous file's bytes; we do the same.
mkdir "$T/dangle"
printf 'val\0x \n' >"$T/dangle/A"
for n in L1 L2 L3 L4 L5 L6; do ln -s /nonexistent "$T/dangle/$n"; done
dangle() { env -i "$P/envdir" "$T/dangle" /usr/bin/env | od -c; }
same "dangling symlinks behave as in the reference" dangle

# Running out of descriptors (the reference's loader needs fd 3 at start-up,
# so limits start at 4): opendir, then a file.
fds() {
  exec 3<&- 4<&-
  ulimit -n "$1"
  shift
  exec "$P/envdir" "$@"
}
fd4() { fds 4 "$d" true; }
fd5() { fds 5 "$d" true; }
check "no descriptor for the directory" 111 "" \
  "envdir: fatal: unable to read directory $d: process cannot open more files
" fd4
check "no descriptor for a file" 111 "" \
  "envdir: fatal: unable to read $d/$(ls -f "$d" | grep -v '^\.' | head -1): process cannot open more files
" fd5

# Permissions, as an unprivileged user.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
  chmod 711 "$T"
  nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
  mkdir "$T/noexec" "$T/noread" "$T/badfile" "$T/cwd"
  chmod 700 "$T/noexec"
  chmod 711 "$T/noread"
  printf 'secret\n' >"$T/badfile/F"
  chmod 600 "$T/badfile/F"
  chmod 711 "$T/cwd"
  as_nobody() { nobody "$P/envdir" "$@"; }
  check "directory without search permission" 111 "" \
    "envdir: fatal: unable to switch to directory $T/noexec: access denied
" as_nobody "$T/noexec" true
  check "directory without read permission" 111 "" \
    "envdir: fatal: unable to read directory $T/noread: access denied
" as_nobody "$T/noread" true
  check "unreadable file" 111 "" \
    "envdir: fatal: unable to read $T/badfile/F: access denied
" as_nobody "$T/badfile" true
  in_cwd() { cd "$T/cwd" && nobody "$P/envdir" "$T/empty" true; }
  check "unreadable current directory" 111 "" \
    "envdir: fatal: unable to switch to current directory: access denied
" in_cwd
  back_home() { cd "$T/empty/.." && "$P/envdir" "$d" sh -c pwd; }
  check "the child runs in the starting directory" 0 "$T
" "" back_home
else
  skip "permission checks" "need root and setpriv to run as nobody"
fi

finish
