#include "svwait/watch.hpp"

#include <errno.h>
#include <fcntl.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <string>

#include "lib/err.hpp"

namespace svwait {
namespace {

bool g_warned = false;

// Why a limit refused us, naming the limit: error_str's words would
// mislead (ENOSPC is "out of disk space"; inotify_init1's EMFILE is also
// the instance limit, not only the descriptor limit).
const char* limit_reason(int e, bool instance) noexcept {
  if (e == ENOSPC) return "inotify watch limit reached";
  if (e == EMFILE && instance) {
    int probe = ::open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (probe >= 0) {  // descriptors to spare: it was the instance limit
      ::close(probe);
      return "inotify instance limit reached";
    }
  }
  return lib::error_str(e);
}

void warn_once(const char* what, int e, bool instance) noexcept {
  static_assert(kPollMs == 100, "the warning says 100 ms");
  if (g_warned) return;
  g_warned = true;
  lib::warn({what, ", polling every 100 ms: ", limit_reason(e, instance)});
}

}  // namespace

int watch_start() noexcept {
  int in = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (in >= 0) return in;
  int e = errno;
  if (e != EMFILE && e != ENFILE && e != ENOMEM)
    lib::die_sys(lib::exitcode::temp, {"unable to create an inotify instance"});
  warn_once("unable to create an inotify instance", e, true);
  return -1;
}

int watch_add(int in, const char* dir, int& okwd) noexcept {
  okwd = -1;
  if (in == -1) return -1;
  std::string sup = std::string(dir) + "/supervise";
  int wd = ::inotify_add_watch(in, sup.c_str(), IN_MOVED_TO | IN_DELETE_SELF);
  int e = errno;
  if (wd >= 0) {
    okwd = ::inotify_add_watch(in, (sup + "/ok").c_str(), IN_CLOSE_NOWRITE);
    if (okwd >= 0) return wd;
    e = errno;
    ::inotify_rm_watch(in, wd);
    if (e != ENOSPC && e != ENOMEM) {
      errno = e;
      lib::die_sys(lib::exitcode::temp, {"unable to watch ", sup.c_str(), "/ok"});
    }
  } else if (e != ENOSPC && e != ENOMEM) {
    errno = e;
    lib::die_sys(lib::exitcode::temp, {"unable to watch ", sup.c_str()});
  }
  warn_once(("unable to watch " + sup).c_str(), e, false);
  return -1;
}

int watch_ok(int in, const char* dir) noexcept {
  std::string ok = std::string(dir) + "/supervise/ok";
  return ::inotify_add_watch(in, ok.c_str(), IN_CLOSE_NOWRITE);
}

}  // namespace svwait
