// svscan [-t ms] [-c control] [dir]: starts and keeps watching a collection of services.
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
// Beyond 0.76 too, the orderly shutdown (shutdown.hpp has the sequence): on
// SIGTERM, SIGINT or SIGPWR, or a request on the control FIFO
// (control.hpp: default .svscan/control in dir; else -c control, whose
// absolute path alone is exported, as SVSCAN_CONTROL), every service is brought
// down, then its logger drains the log pipe and exits; whatever still runs
// at -t ms (default 9000; the mains at 7/9 of it) is killed, and svscan
// exits once it has no child left: 0 after a signal, the code asked for
// after a request. Not process 1, svscan is a child subreaper, so daemons
// that leave their ./run are reaped (at once) and ended by svscan; as
// process 1 it turns ctrl-alt-del into SIGINT.
//
// Trouble is reported as "svscan: warning: ..." on stderr and retried at
// the next scan. svscan exits 111 when it cannot change to dir at
// start-up ("svscan: fatal: unable to chdir to dir: reason"), cannot
// allocate its tables or open the control FIFO that -c names; 100 on a
// usage error.
// Signals: SIGCHLD (reap), SIGHUP and SIGALRM (scan now), SIGTERM, SIGINT
// and SIGPWR (orderly shutdown), unblocked whatever mask svscan inherited;
// others default. Each supervise starts with an empty mask (0.76 passes
// on its own).
#include <unistd.h>

#include "lib/err.hpp"
#include "lib/num.hpp"
#include "lib/sgetopt.hpp"
#include "svscan/scanner.hpp"

int main(int argc, char** argv) {
  lib::set_prog("svscan");
  svscan::Options opt;
  lib::SGetOpt g(argc, argv, "t:c:");
  for (int c; (c = g.next()) != lib::SGetOpt::kDone;) {
    uint64_t v;
    switch (c) {
      case 't':
        if (!lib::parse_u64(g.arg(), v) || v > 86400000) lib::die_usage("svscan [-t ms] [-c control] [dir]");
        opt.deadline_ms = int64_t(v);
        break;
      case 'c':
        if (!*g.arg()) lib::die_usage("svscan [-t ms] [-c control] [dir]");
        opt.control = g.arg();
        break;
      default: lib::die_usage("svscan [-t ms] [-c control] [dir]");
    }
  }
  const char* dir = g.index() < argc ? argv[g.index()] : nullptr;
  if (dir && ::chdir(dir) == -1) lib::die_sys(lib::exitcode::temp, {"unable to chdir to ", dir});
  return svscan::run(opt);
}
