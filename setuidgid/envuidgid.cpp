// envuidgid account child...
//
// Runs child with $UID and $GID set to account's user id and primary group
// id, for programs such as multilog and supervise's children that drop
// privileges themselves. GID is set before UID, as the reference does, so
// the environment's order matches 0.76. The account is looked up with
// getpwnam(3), linked dynamically as in setuidgid.cpp, so every NSS source
// answers exactly as for the reference.
//
// Exit codes: 100 usage; 111 for an unknown account or a child that cannot
// be run. Otherwise child's, since envuidgid becomes it.
#include <pwd.h>

#include "lib/err.hpp"
#include "lib/exec.hpp"
#include "lib/num.hpp"

int main(int argc, char** argv) {
  lib::set_prog("envuidgid");
  if (argc < 3) lib::die_usage("envuidgid account child");
  const char* name = argv[1];
  const passwd* pw = ::getpwnam(name);
  if (!pw) lib::die(lib::exitcode::temp, {"unknown account ", name});
  char gid[20], uid[20];
  lib::EnvEdit env;
  env.set("GID", std::string_view(gid, lib::format_u64(gid, pw->pw_gid)));
  env.set("UID", std::string_view(uid, lib::format_u64(uid, pw->pw_uid)));
  env.exec(argv + 2);
  lib::die_sys(lib::exitcode::temp, {"unable to run ", argv[2]});
}
