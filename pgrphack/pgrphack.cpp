// pgrphack child...
//
// Runs child in a new session, and so in a new process group of its own,
// for daemons that would otherwise share their parent's group (a signal
// sent to supervise's group then no longer reaches them).
//
// Exit codes: 100 usage; 111 if child cannot be run. Otherwise the exit
// code is child's, since pgrphack becomes it.
#include <unistd.h>

#include "lib/err.hpp"
#include "lib/exec.hpp"

extern char** environ;

int main(int argc, char** argv) {
  lib::set_prog("pgrphack");
  if (argc < 2) lib::die_usage("pgrphack child");
  ::setsid();  // fails only if already a group leader, as the reference ignores
  lib::path_exec(argv[1], argv + 1, environ);
  lib::die_sys(lib::exitcode::temp, {"unable to run ", argv[1]});
}
