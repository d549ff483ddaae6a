// fghack child...
//
// Runs a daemon that puts itself in the background as if it stayed in the
// foreground, so supervise can watch it. child inherits 30 extra copies of
// the write end of a pipe (besides the original), which a backgrounding
// daemon rarely closes all of; fghack reads the pipe until every copy is
// closed -- that is, until the daemon and all its descendants holding them
// are gone -- then collects child's exit status.
//
// Exit codes: 100 usage; 111 if the pipe or the fork fails, if child cannot
// be run, or if it was killed by a signal ("child crashed"). Otherwise
// child's own exit code.
#include <sys/wait.h>
#include <unistd.h>

#include "lib/err.hpp"
#include "lib/exec.hpp"
#include "lib/fd.hpp"

extern char** environ;

namespace {
constexpr int kCopies = 30;  // as daemontools: extra descriptors the child gets
}

int main(int argc, char** argv) {
  lib::set_prog("fghack");
  if (argc < 2) lib::die_usage("fghack child");
  int pi[2];
  if (::pipe(pi) == -1) lib::die_sys(lib::exitcode::temp, {"unable to create pipe"});
  pid_t pid = ::fork();
  if (pid == -1) lib::die_sys(lib::exitcode::temp, {"unable to fork"});
  if (pid == 0) {
    ::close(pi[0]);
    // Running out of descriptors just means fewer copies, as in 0.76.
    for (int i = 0; i < kCopies; ++i) (void)!::dup(pi[1]);
    lib::path_exec(argv[1], argv + 1, environ);
    lib::die_sys(lib::exitcode::temp, {"unable to run ", argv[1]});
  }
  ::close(pi[1]);
  char buf[512];
  for (;;) {
    ssize_t r = lib::fd_read(pi[0], buf, sizeof buf);
    if (r <= 0) break;  // EOF: every copy is closed (an error ends the wait too)
  }
  int status;
  pid_t w;
  do w = ::waitpid(pid, &status, 0); while (w == -1 && errno == EINTR);
  if (w == -1) lib::die_sys(lib::exitcode::temp, {"wait failed"});
  if (WIFSIGNALED(status)) lib::die(lib::exitcode::temp, {"child crashed"});
  ::_exit(WEXITSTATUS(status));
}
