// svstat dir ...
//
// Prints one line per service directory, in daemontools 0.76's words:
//   dir: up (pid 123) 45 seconds[, normally down][, paused][, want down]
//   dir: down 45 seconds[, normally up][, want up]
//   dir: supervise not running
//   dir: unable to chdir: <reason>        (and other "unable to" forms)
// The seconds count from the last start or exit of ./run. "supervise not
// running" means nothing has supervise/ok open for reading.
//
// Our supervise also writes supervise/xstatus (for every service); when
// its copy of the status record matches supervise/status, the clauses of
// the features the directory configures are appended (lib/status.hpp):
// ", finishing", ", backoff N seconds", ", failed", ", permanently down"
// or ", not restarted" with setting files; ", ready N seconds" or ", not
// ready" with a readiness protocol; ", unhealthy (N failed checks)" with a
// check. Without them (0.76's supervise, a directory without setting
// files, a stale file) the line is 0.76's.
//
// svstat -l | -j | -p [-o file] dir ...: long, JSON, Prometheus text
// (lib/service_report.hpp; field names in svstat(8)). Only an exact first
// argument is an option, since 0.76 takes every argument as a directory.
// -o writes file.tmp, then renames it over file.
//
// Exit codes: 0, even when a directory could not be read; 100 for -o
// without a file; 111 when the current directory cannot be opened or
// returned to, or the -o file cannot be written.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "lib/buffer.hpp"
#include "lib/err.hpp"
#include "lib/fd.hpp"
#include "lib/service_report.hpp"
#include "svstat/describe_all.hpp"

int main(int argc, char** argv) {
  lib::set_prog("svstat");
  (void)argc;
  // Only an exact first argument is an option: 0.76 takes every argument
  // as a directory.
  char mode = 0;
  const char* file = nullptr;
  char** a = argv + 1;
  if (*a && (!std::strcmp(*a, "-l") || !std::strcmp(*a, "-j") || !std::strcmp(*a, "-p"))) {
    mode = (*a)[1];
    ++a;
    if (mode == 'p' && *a && !std::strcmp(*a, "-o")) {
      if (!a[1]) lib::die_usage("svstat [ -l | -j | -p [ -o file ] ] dir ...");
      file = a[1];
      a += 2;
    }
  }
  int outfd = 1;
  std::string tmp;
  if (file) {
    tmp = std::string(file) + ".tmp";
    outfd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (outfd == -1) lib::die_sys(lib::exitcode::temp, {"unable to create ", tmp.c_str()});
  }
  // Large writes: 10,000 services are 3.4 MB of JSON.
  static char storage[64 * 1024];
  lib::Writer out(outfd, storage, sizeof storage);
  lib::Fd orig(::open(".", O_RDONLY | O_CLOEXEC));
  if (!orig.valid()) lib::die_sys(lib::exitcode::temp, {"unable to open current directory"});
  size_t n = 0;
  while (a[n]) ++n;
  std::vector<svstat::Described> described(n);
  bool lost = false;
  size_t done = svstat::describe_all(a, n, orig.get(), described.data(), lost);
  int lost_errno = errno;
  std::vector<lib::ServiceReport> all;
  if (mode == 'j') out.put('[');
  for (size_t i = 0; i < done + lost; ++i) {
    const lib::ServiceReport& r = described[i].report;
    const lib::Tai64n& now = described[i].now;
    switch (mode) {
      case 0:
        out.put(a[i]);
        out.put(": ");
        lib::report_line(out, r, now);
        out.put('\n');
        break;
      case 'l':
        if (i) out.put('\n');
        lib::report_long(out, r, now);
        break;
      case 'j':
        out.put(i ? ",\n  " : "\n  ");
        lib::report_json(out, r, now);
        break;
      case 'p': all.push_back(r); break;
    }
  }
  if (lost) {
    out.flush();
    errno = lost_errno;
    lib::die_sys(lib::exitcode::temp, {"unable to set directory"});
  }
  a += n;
  if (mode == 'j') out.put(a == argv + 2 ? "]\n" : "\n]\n");
  if (mode == 'p') lib::report_prom(out, all.data(), all.size(), lib::tai64n_now());
  if (!out.flush()) lib::die_sys(lib::exitcode::temp, {"unable to write output"});
  if (file) {
    // node_exporter's textfile collector must never read half a file.
    if (::fsync(outfd) == -1 || ::close(outfd) == -1)
      lib::die_sys(lib::exitcode::temp, {"unable to write ", tmp.c_str()});
    if (::rename(tmp.c_str(), file) == -1)
      lib::die_sys(lib::exitcode::temp, {"unable to rename ", tmp.c_str(), " to ", file});
  }
  return 0;
}
