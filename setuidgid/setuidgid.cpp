// setuidgid account child...
//
// Runs child as account: sets the group id to the account's primary group,
// the supplementary group list to that one group alone, and the user id,
// then runs child. The account is looked up with getpwnam(3), as 0.76 does:
// this program is linked dynamically against libc so that every NSS source
// (files, LDAP, sssd, systemd...) answers exactly as it does for the
// reference, malformed entries included.
//
// Exit codes: 100 usage; 111 for an unknown account, a refused setgid or
// setuid, or a child that cannot be run. Otherwise child's, since
// setuidgid becomes it.
#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include "lib/err.hpp"
#include "lib/exec.hpp"

extern char** environ;

int main(int argc, char** argv) {
  lib::set_prog("setuidgid");
  if (argc < 3) lib::die_usage("setuidgid account child");
  const char* name = argv[1];
  const passwd* pw = ::getpwnam(name);
  if (!pw) lib::die(lib::exitcode::temp, {"unknown account ", name});
  gid_t gid = pw->pw_gid;
  uid_t uid = pw->pw_uid;
  // Groups first: once the uid is dropped, they can no longer be changed.
  if (::setgroups(1, &gid) == -1 || ::setgid(gid) == -1)
    lib::die_sys(lib::exitcode::temp, {"unable to setgid"});
  if (::setuid(uid) == -1) lib::die_sys(lib::exitcode::temp, {"unable to setuid"});
  lib::path_exec(argv[2], argv + 2, environ);
  lib::die_sys(lib::exitcode::temp, {"unable to run ", argv[2]});
}
