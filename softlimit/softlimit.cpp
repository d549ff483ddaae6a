// softlimit [-a allbytes] [-c corebytes] [-d databytes] [-f filebytes]
//           [-l lockbytes] [-m membytes] [-o openfiles] [-p processes]
//           [-r residentbytes] [-s stackbytes] [-t cpusecs] child...
//
// Sets soft resource limits, then runs child. Each value is a decimal
// number, capped at the current hard limit, or "=" for the hard limit
// itself. Options take effect one by one, in command-line order; -m sets
// the data, stack, locked-memory and address-space limits together.
//
// Unlike 0.76, which reads "" as 0 and wraps numbers past 2^64, an empty
// value or one that does not fit in 64 bits is a usage error.
//
// Exit codes: 100 usage (unknown option, missing or bad value, no child);
// 111 if a limit cannot be read or set, or child cannot be run. Otherwise
// child's, since softlimit becomes it.
#include <sys/resource.h>

#include <cstring>

#include "lib/err.hpp"
#include "lib/exec.hpp"
#include "lib/num.hpp"
#include "lib/sgetopt.hpp"

extern char** environ;

namespace {

constexpr const char* kUsage =
    "softlimit [-a allbytes] [-c corebytes] [-d databytes] [-f filebytes] [-l lockbytes] "
    "[-m membytes] [-o openfiles] [-p processes] [-r residentbytes] [-s stackbytes] "
    "[-t cpusecs] child";

[[noreturn]] void usage() { lib::die_usage(kUsage); }

void set_soft(int resource, const char* value) {
  rlimit r;
  if (::getrlimit(resource, &r) == -1) lib::die_sys(lib::exitcode::temp, {"getrlimit failed"});
  if (std::strcmp(value, "=") == 0) {
    r.rlim_cur = r.rlim_max;
  } else {
    uint64_t n;
    if (!lib::parse_u64(value, n)) usage();
    r.rlim_cur = n < r.rlim_max ? rlim_t(n) : r.rlim_max;
  }
  if (::setrlimit(resource, &r) == -1) lib::die_sys(lib::exitcode::temp, {"setrlimit failed"});
}

}  // namespace

int main(int argc, char** argv) {
  lib::set_prog("softlimit");
  lib::SGetOpt opt(argc, argv, "a:c:d:f:l:m:o:p:r:s:t:");
  for (int c; (c = opt.next()) != lib::SGetOpt::kDone;) {
    const char* v = opt.arg();
    switch (c) {
      case 'a': set_soft(RLIMIT_AS, v); break;
      case 'c': set_soft(RLIMIT_CORE, v); break;
      case 'd': set_soft(RLIMIT_DATA, v); break;
      case 'f': set_soft(RLIMIT_FSIZE, v); break;
      case 'l': set_soft(RLIMIT_MEMLOCK, v); break;
      case 'm':  // the reference's order, which decides which failure shows
        set_soft(RLIMIT_DATA, v);
        set_soft(RLIMIT_STACK, v);
        set_soft(RLIMIT_MEMLOCK, v);
        set_soft(RLIMIT_AS, v);
        break;
      case 'o': set_soft(RLIMIT_NOFILE, v); break;
      case 'p': set_soft(RLIMIT_NPROC, v); break;
      case 'r': set_soft(RLIMIT_RSS, v); break;
      case 's': set_soft(RLIMIT_STACK, v); break;
      case 't': set_soft(RLIMIT_CPU, v); break;
      default: usage();
    }
  }
  char** child = argv + opt.index();
  if (opt.index() >= argc || !*child) usage();
  lib::path_exec(child[0], child, environ);
  lib::die_sys(lib::exitcode::temp, {"unable to run ", child[0]});
}
