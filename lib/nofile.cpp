#include "lib/nofile.hpp"

#include <errno.h>
#include <sys/resource.h>

namespace lib {

bool raise_nofile() noexcept {
  int e = errno;
  rlimit r;
  bool raised = ::getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < r.rlim_max &&
                (r.rlim_cur = r.rlim_max, ::setrlimit(RLIMIT_NOFILE, &r) == 0);
  errno = e;
  return raised;
}

}  // namespace lib
