# softlimit: every option's effect (read from /proc/self/limits in the
# child), "=", capping at the hard limit, usage and exec errors; empty and
# overflowing numbers are usage errors for us (the reference misreads them).
. "$(dirname "$0")/lib.sh"

U="softlimit: usage: softlimit [-a allbytes] [-c corebytes] [-d databytes] [-f filebytes] [-l lockbytes] [-m membytes] [-o openfiles] [-p processes] [-r residentbytes] [-s stackbytes] [-t cpusecs] child
"
check "no arguments is a usage error" 100 "" "$U" softlimit
check "options without a child" 100 "" "$U" softlimit -o 50
check "unknown option" 100 "" "softlimit: illegal option -- z
$U" softlimit -z 1 true
check "missing value" 100 "" "softlimit: option requires an argument -- o
$U" softlimit -o
check "junk after the number" 100 "" "$U" softlimit -o 12x true
check "negative number" 100 "" "$U" softlimit -o -1 true
check "words are not numbers" 100 "" "$U" softlimit -o unlimited true
check "a sign is not a number" 100 "" "$U" softlimit -o +5 true
renamed() { mkdir "$T/r$BASHPID" && ln -s "$P/softlimit" "$T/r$BASHPID/limits" && "$T/r$BASHPID/limits" -z 1 true; }
check "option messages name the program as it was called" 100 "" "limits: illegal option -- z
$U" renamed
check_ours "empty number (0.76 reads it as 0)" 100 "" "$U" softlimit -o '' true
check_ours "number beyond 64 bits (0.76 wraps it)" 100 "" "$U" softlimit -o 18446744073709551617 true
check_ours "huge number beyond 64 bits" 100 "" "$U" softlimit -d 99999999999999999999999999 true
check "child that cannot be run" 111 "" "softlimit: fatal: unable to run /nonexistent/prog: file does not exist
" softlimit -o 50 /nonexistent/prog
check "child not found in PATH" 111 "" "softlimit: fatal: unable to run no-such-program-xyz: file does not exist
" softlimit no-such-program-xyz
check "a lone - is the child's name" 111 "" "softlimit: fatal: unable to run -: file does not exist
" softlimit -o 50 -
check "exit code and arguments of the child pass through" 6 "a b
" "" softlimit -o 50 sh -c 'echo "$@"; exit 6' sh a b

# AddressSanitizer reserves terabytes of address space: a sanitized
# softlimit dies once it has lowered the address-space or data limit itself.
if grep -q __asan_init "$BIN/softlimit" 2>/dev/null; then ASAN=1; else ASAN=0; fi
memcheck() {
  if [ "$ASAN" = 1 ]; then skip "$1" "address-space and data limits cannot apply to a sanitizer build"; return; fi
  check "$@"
}
memsame() {
  if [ "$ASAN" = 1 ]; then skip "$1" "address-space and data limits cannot apply to a sanitizer build"; return; fi
  same "$@"
}

# soft NAME OPTIONS...: the child's soft limit for the /proc/self/limits row NAME.
soft() {
  local row=$1
  shift
  "$P/softlimit" "$@" cat /proc/self/limits | awk -v row="$row" 'index($0, row) == 1 { print $(NF - 2 + (row == "Max nice priority" || row == "Max realtime priority")) }'
}
# Limits are kept below any sane hard limit so the results do not depend on the machine.
lim() { soft "$@"; }
a() { lim "Max address space" -a 300000000; }
c() { lim "Max core file size" -c 1000; }
d() { lim "Max data size" -d 200000000; }
f() { lim "Max file size" -f 5000000; }
l() { lim "Max locked memory" -l 4096; }
o() { lim "Max open files" -o 100; }
p() { lim "Max processes" -p 500; }
r() { lim "Max resident set" -r 1000000; }
s() { lim "Max stack size" -s 1000000; }
t() { lim "Max cpu time" -t 60; }
memcheck "-a sets the address space" 0 "300000000
" "" a
check "-c sets the core size" 0 "1000
" "" c
memcheck "-d sets the data size" 0 "200000000
" "" d
check "-f sets the file size" 0 "5000000
" "" f
check "-l sets locked memory" 0 "4096
" "" l
check "-o sets open files" 0 "100
" "" o
check "-p sets processes" 0 "500
" "" p
check "-r sets the resident set" 0 "1000000
" "" r
check "-s sets the stack size" 0 "1000000
" "" s
check "-t sets cpu seconds" 0 "60
" "" t
m() {
  ulimit -l 4096  # kB, soft and hard; so locked memory is capped whatever the machine allows
  for row in "Max data size" "Max stack size" "Max locked memory" "Max address space"; do
    lim "$row" -m 100000000
  done
}
memcheck "-m sets data, stack, locked memory and address space" 0 "100000000
100000000
4194304
100000000
" "" m
later() { lim "Max open files" -o 50 -o60; }
check "options apply in order; values may be glued to the letter" 0 "60
" "" later
all() { "$P/softlimit" -a 300000000 -c 1000 -d 200000000 -f 5000000 -l 4096 -o 100 -p 500 -r 1000000 -s 1000000 -t 60 cat /proc/self/limits; }
memsame "all options together, the whole limits table" all

# With a known hard limit: "=" raises the soft limit to it, and larger
# values are capped at it.
hard() {
  ulimit -S -n 30
  ulimit -H -n 1000
  lim "Max open files" "$@"
}
eq() { hard -o =; }
cap() { hard -o 5000; }
check "= means the hard limit" 0 "1000
" "" eq
check "values above the hard limit are capped" 0 "1000
" "" cap
hard_core() {
  ulimit -S -c 0
  ulimit -H -c 2048
  lim "Max core file size" -c =
}
check "= for core size (ulimit counts 1 kB blocks)" 0 "2097152
" "" hard_core
unlimited_max() { ulimit -H -t unlimited 2>/dev/null; lim "Max cpu time" -t 18446744073709551615; }
check "the largest number is unlimited when the hard limit is" 0 "unlimited
" "" unlimited_max
effect() { "$P/softlimit" -o 3 sh -c 'exec 3</dev/null' 2>&1 | sed 's/.*: //'; }
same "the limit is enforced on the child" effect

finish
