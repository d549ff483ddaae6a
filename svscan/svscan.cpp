// svscan [dir]: starts and keeps watching a collection of services.
//
// Changes to dir (default: the current directory), then scans it at once
// and every 5 seconds. For each subdirectory NAME (a symlink to a directory
// counts) whose name does not begin with a dot, it runs `supervise NAME`,
// found through PATH, unless one it started for that directory (known by
// device and inode, so a renamed directory is not started twice) is still
// running. If NAME/log exists when NAME is first seen, it also runs
// `supervise log` in NAME, and joins the two with a pipe: NAME's supervise
// writes to it on descriptor 1 and the log's reads it on descriptor 0.
// svscan creates that pipe once and keeps both ends open, so either side
// can be restarted without losing what the other side has written.
//
// Beyond daemontools 0.76: there is no limit on the number of services (the
// reference stops at 1000); the descriptor limit is raised to its hard
// value when log pipes need it (children get the original limit back);
// children are reaped as soon as they exit (SIGCHLD), but a supervise that
// exited is still started again only at a scan, and at most once per scan
// interval, so one that fails at once does not spin; SIGHUP or SIGALRM
// make svscan scan again at once; and a scan re-reads the directory only
// when it has changed (see scanner.cpp).
//
// Trouble is reported as "svscan: warning: ..." on stderr and retried at
// the next scan. svscan does not exit on its own; it exits 111 only when
// it cannot change to dir at start-up ("svscan: fatal: unable to chdir to
// dir: reason") or cannot allocate its tables.
// Signals: SIGCHLD (reap), SIGHUP and SIGALRM (scan now); others default.
#include <unistd.h>

#include "lib/err.hpp"
#include "svscan/scanner.hpp"

int main(int argc, char** argv) {
  lib::set_prog("svscan");
  if (argc > 1 && argv[1] && ::chdir(argv[1]) == -1)
    lib::die_sys(lib::exitcode::temp, {"unable to chdir to ", argv[1]});
  return svscan::run();
}
