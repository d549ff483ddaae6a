# Sourced by the black-box tests that lower RLIMIT_NPROC for real (after
# lib.sh). The limit counts the processes of a real uid, and root ignores
# it: such a test needs root (to take on another uid) and a uid nothing
# else runs as.
#
#   tasks_of UID      how many processes (threads) run with real uid UID
#   nproc_uid BASE    sets U to a uid in BASE..BASE+99 with no account and
#                     no process (picked from our pid, so that two runs at
#                     once differ) and AS_U to the setpriv prefix that runs
#                     a command as U; or, without root, setpriv or a free
#                     uid, skips the whole test visibly and exits.

tasks_of() { awk -v u="$1" '$1 == "Uid:" && $2 == u { n++ } END { print n + 0 }' /proc/[0-9]*/status 2>/dev/null; }

nproc_uid() {
  local i u base=$1
  if [ "$(id -u)" != 0 ] || ! command -v setpriv >/dev/null; then
    skip "all" "needs root and setpriv(1): RLIMIT_NPROC binds only a uid other than root"
    finish
    exit
  fi
  U=""
  for i in $(seq 0 99); do
    u=$((base + ($$ + i) % 100))
    if ! getent passwd "$u" >/dev/null && [ "$(tasks_of "$u")" = 0 ]; then U=$u; break; fi
  done
  if [ -z "$U" ]; then
    skip "all" "no free uid in $base..$((base + 99))"
    finish
    exit
  fi
  AS_U="setpriv --reuid=$U --regid=$U --clear-groups --"
}
