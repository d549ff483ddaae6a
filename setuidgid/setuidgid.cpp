// setuidgid account child...
//
// Runs child as account: sets the group id to the account's primary group,
// the supplementary group list to that one group alone, and the user id,
// then runs child. Looks the account up as getpwnam would (setuidgid/user.hpp).
//
// Exit codes: 100 usage; 111 for an unknown account, a refused setgid or
// setuid, or a child that cannot be run. Otherwise child's, since
// setuidgid becomes it.
#include <grp.h>
#include <unistd.h>

#include "lib/err.hpp"
#include "lib/exec.hpp"
#include "setuidgid/user.hpp"

extern char** environ;

int main(int argc, char** argv) {
  lib::set_prog("setuidgid");
  if (argc < 3) lib::die_usage("setuidgid account child");
  const char* name = argv[1];
  setuidgid::Account acct;
  if (!setuidgid::lookup_account(name, acct)) lib::die(lib::exitcode::temp, {"unknown account ", name});
  // Groups first: once the uid is dropped, they can no longer be changed.
  if (::setgroups(1, &acct.gid) == -1 || ::setgid(acct.gid) == -1)
    lib::die_sys(lib::exitcode::temp, {"unable to setgid"});
  if (::setuid(acct.uid) == -1) lib::die_sys(lib::exitcode::temp, {"unable to setuid"});
  lib::path_exec(argv[2], argv + 2, environ);
  lib::die_sys(lib::exitcode::temp, {"unable to run ", argv[2]});
}
