// libnss_suitetest.so.2: an NSS passwd source for the setuidgid and
// envuidgid black-box tests, standing in for backends (LDAP, AD via sssd)
// that match names without regard to case and answer with their own
// spelling: "casey", "CASEY"... all find the account "Casey" (uid and gid
// 1500). Any other name is not found, so the next source is asked.
// Loaded by glibc when nsswitch.conf names "suitetest" and this folder is
// in LD_LIBRARY_PATH; built without sanitizers, as the reference and
// system tools load it too.
#include <errno.h>
#include <nss.h>
#include <pwd.h>
#include <string.h>
#include <strings.h>

extern "C" enum nss_status _nss_suitetest_getpwnam_r(const char* name, struct passwd* pw, char* buf,
                                                     size_t buflen, int* errnop) {
  if (strcasecmp(name, "casey") != 0) return NSS_STATUS_NOTFOUND;
  static const char text[] = "Casey\0x\0\0/\0/bin/sh";  // name, password, gecos, dir, shell
  if (buflen < sizeof text) {
    *errnop = ERANGE;
    return NSS_STATUS_TRYAGAIN;
  }
  memcpy(buf, text, sizeof text);
  pw->pw_name = buf;
  pw->pw_passwd = buf + 6;
  pw->pw_gecos = buf + 8;
  pw->pw_dir = buf + 9;
  pw->pw_shell = buf + 11;
  pw->pw_uid = 1500;
  pw->pw_gid = 1500;
  return NSS_STATUS_SUCCESS;
}
