#include "svstat/describe_all.hpp"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <thread>

#include "lib/err.hpp"

namespace svstat {

namespace {

struct Share {
  char* const* dirs;
  Described* out;
  size_t begin, end;
  int orig;
  size_t done = 0;     // described and returned from
  bool lost = false;   // the one after done was described but not returned from
  int err = 0;
  bool ran = false;    // false: the thread could not have its own directory
};

void describe_share(Share& s) noexcept {
  for (size_t i = s.begin; i < s.end; ++i) {
    lib::ServiceReport& r = s.out[i].report;
    r.dir = s.dirs[i];
    if (::chdir(s.dirs[i]) == -1)
      lib::report_error(r, "unable to chdir: ", lib::error_str(errno));
    else
      lib::report_describe(AT_FDCWD, r);
    s.out[i].now = lib::tai64n_now();
    if (::fchdir(s.orig) == -1) {
      s.err = errno;
      s.lost = true;
      return;
    }
    ++s.done;
  }
}

void* share_thread(void* arg) noexcept {
  Share& s = *static_cast<Share*>(arg);
  // A working directory of its own, then the starting one: the main
  // thread may be anywhere in its own share by now.
  if (::unshare(CLONE_FS | CLONE_FILES) == -1 || ::fchdir(s.orig) == -1) return nullptr;
  s.ran = true;
  describe_share(s);
  return nullptr;
}

}  // namespace

size_t describe_all(char* const* dirs, size_t n, int orig, Described* out, bool& lost) noexcept {
  constexpr size_t kMaxThreads = 8;
  size_t cores = std::thread::hardware_concurrency();
  size_t shares = n < kThreadedFrom ? 1 : std::clamp<size_t>(cores, 1, kMaxThreads);
  Share share[kMaxThreads];
  pthread_t thread[kMaxThreads];
  bool started[kMaxThreads] = {};
  for (size_t k = 0; k < shares; ++k) {
    share[k].dirs = dirs;
    share[k].out = out;
    share[k].begin = n * k / shares;
    share[k].end = n * (k + 1) / shares;
    share[k].orig = orig;
  }
  for (size_t k = 1; k < shares; ++k)
    started[k] = ::pthread_create(&thread[k], nullptr, share_thread, &share[k]) == 0;
  share[0].ran = true;
  describe_share(share[0]);
  for (size_t k = 1; k < shares; ++k) {
    if (started[k]) ::pthread_join(thread[k], nullptr);
    // Without a thread (or a directory of its own), the share is ours.
    if (!share[k].ran && !share[0].lost) describe_share(share[k]);
  }
  // In order: everything up to the first share that stopped short.
  size_t done = 0;
  lost = false;
  for (size_t k = 0; k < shares; ++k) {
    done += share[k].done;
    if (share[k].done < share[k].end - share[k].begin) {
      lost = share[k].lost;
      if (lost) errno = share[k].err;
      break;
    }
  }
  return done;
}

}  // namespace svstat
