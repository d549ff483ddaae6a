# Sourced by the setuidgid and envuidgid black-box tests (after lib.sh).
#
# A crafted user database cannot replace /etc/passwd on a shared machine,
# so these tests run each command in a private mount namespace
# (unshare --mount) where crafted files are bind-mounted over /etc's; the
# rest of the system never sees them. Ours and the reference run in the
# same setting, so each expectation is held against glibc's getpwnam.
#
#   acct_ns DIR CMD...  runs CMD with DIR/passwd, DIR/group and
#                       DIR/nsswitch.conf over /etc's (nscd hidden), and the
#                       suitetest NSS module (tests/helpers/nss) loadable.
#                       ACCT_CLOSE01=1 closes fds 0 and 1 just before CMD.
#   ACCT_NS             1 when mount namespaces work here, else 0 (with the
#                       reason in ACCT_NS_WHY): skip the tests visibly.
#   ACCT_MODULE         1 when the suitetest NSS module is built.

ACCT_NSS_DIR=${HELPERS:+$HELPERS/nss}

acct_ns() {
  local d=$1
  shift
  LD_LIBRARY_PATH=$ACCT_NSS_DIR unshare --mount --propagation private sh -c '
    d=$1
    shift
    for f in passwd group nsswitch.conf; do
      [ -e "$d/$f" ] || continue
      mount --bind "$d/$f" "/etc/$f" || exit 125
    done
    # An nscd would answer from its cache instead of the files.
    for s in /run/nscd /var/run/nscd; do
      [ ! -d "$s" ] || mount -t tmpfs none "$s" || exit 125
    done
    [ -z "${ACCT_CLOSE01:-}" ] || exec <&- >&-
    exec "$@"' sh "$d" "$@"
}

ACCT_NS=0 ACCT_NS_WHY=""
ACCT_MODULE=0
mkdir -p "$T/probe"
printf 'probe:x:4242:4242::/:/bin/sh\n' >"$T/probe/passwd"
if ! command -v unshare >/dev/null; then
  ACCT_NS_WHY="no unshare(1)"
elif [ "$(acct_ns "$T/probe" sh -c 'id -u probe' 2>&1)" != 4242 ]; then
  ACCT_NS_WHY="unshare --mount or bind-mounting over /etc/passwd is not permitted here: $(acct_ns "$T/probe" true 2>&1 | head -1)"
else
  ACCT_NS=1
fi
[ -z "$ACCT_NSS_DIR" ] || [ ! -f "$ACCT_NSS_DIR/libnss_suitetest.so.2" ] || ACCT_MODULE=1

# The crafted databases. files/: passwd only from the file, with entries
# glibc's parser reads differently from a strict one (each first line is
# the one glibc takes). module/: the suitetest module asked first, then
# the file, as with LDAP or sssd before files.
mkdir -p "$T/files" "$T/module"
cat >"$T/files/passwd" <<'PW'
root:x:0:0:root:/root:/bin/sh
zed:x: 1000: 1000::/:/bin/sh
zed:x:0:0::/:/bin/sh
 zed2:x:1001:1001::/:/bin/sh
zed2:x:0:0::/:/bin/sh
zed3:x:+1002:+1002::/:/bin/sh
zed3:x:0:0::/:/bin/sh
alice:x:1234:2345::/:/bin/sh
PW
cat >"$T/files/group" <<'GR'
root:x:0:
alices:x:2345:
extra:x:777:alice
GR
printf 'passwd: files\ngroup: files\n' >"$T/files/nsswitch.conf"
cp "$T/files/passwd" "$T/files/group" "$T/module/"
printf 'passwd: suitetest files\ngroup: files\n' >"$T/module/nsswitch.conf"
