// setlock [-nNxX] file child...
//
// Opens file for appending (creating it, mode 0600), takes an exclusive
// flock on it and runs child, which inherits the locked descriptor: the
// lock is held until child and everything it started have closed it.
//   -n  fail at once if another process holds the lock
//   -N  wait for the lock (default)
//   -x  if file cannot be opened or locked, exit 0 without a message
//   -X  complain and exit 111 in that case (default)
//
// Exit codes: 100 usage; 111 if file cannot be opened or locked (unless
// -x) or child cannot be run. Otherwise child's, since setlock becomes it.
#include <fcntl.h>
#include <unistd.h>

#include "lib/err.hpp"
#include "lib/exec.hpp"
#include "lib/lock.hpp"
#include "lib/sgetopt.hpp"

extern char** environ;

int main(int argc, char** argv) {
  lib::set_prog("setlock");
  constexpr const char* kUsage = "setlock [ -nNxX ] file program [ arg ... ]";
  bool wait = true, quiet = false;
  lib::SGetOpt opt(argc, argv, "nNxX");
  for (int c; (c = opt.next()) != lib::SGetOpt::kDone;) {
    switch (c) {
      case 'n': wait = false; break;
      case 'N': wait = true; break;
      case 'x': quiet = true; break;
      case 'X': quiet = false; break;
      default: lib::die_usage(kUsage);
    }
  }
  if (opt.index() + 1 >= argc) lib::die_usage(kUsage);
  const char* file = argv[opt.index()];
  char** child = argv + opt.index() + 1;

  // Not close-on-exec: the child must inherit the lock. O_NONBLOCK as the
  // reference opens it, so a FIFO does not block the open.
  int fd = ::open(file, O_WRONLY | O_NONBLOCK | O_APPEND | O_CREAT, 0600);
  if (fd == -1) {
    if (quiet) ::_exit(0);
    lib::die_sys(lib::exitcode::temp, {"unable to open ", file});
  }
  if ((wait ? lib::lock_ex(fd) : lib::lock_ex_nb(fd)) == -1) {
    if (quiet) ::_exit(0);
    lib::die_sys(lib::exitcode::temp, {"unable to lock ", file});
  }
  lib::path_exec(child[0], child, environ);
  lib::die_sys(lib::exitcode::temp, {"unable to run ", child[0]});
}
