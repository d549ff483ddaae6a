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
// Exit codes: 0, even when a directory could not be read; 111 when the
// current directory cannot be opened or returned to.
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string_view>

#include "lib/buffer.hpp"
#include "lib/err.hpp"
#include "lib/fd.hpp"
#include "lib/status.hpp"

namespace {

// Appends the report for the current directory (already chdir'd into).
void describe(lib::Writer& out) {
  struct stat st;
  bool normally_up = false;
  if (::stat("down", &st) == -1) {
    if (errno != ENOENT) {
      out.put("unable to stat down: ");
      out.put(lib::error_str(errno));
      return;
    }
    normally_up = true;
  }
  // A FIFO with no reader refuses a nonblocking writer with ENXIO: that is
  // how "is a supervise running here?" is asked.
  int fd = ::open("supervise/ok", O_WRONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd == -1) {
    if (errno == ENXIO) {
      out.put("supervise not running");
      return;
    }
    out.put("unable to open supervise/ok: ");
    out.put(lib::error_str(errno));
    return;
  }
  ::close(fd);
  fd = ::open("supervise/status", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd == -1) {
    out.put("unable to open supervise/status: ");
    out.put(lib::error_str(errno));
    return;
  }
  unsigned char rec[lib::kStatusSize];
  ssize_t r = lib::read_full(fd, reinterpret_cast<char*>(rec), sizeof rec);
  int e = errno;
  ::close(fd);
  if (r < ssize_t(sizeof rec)) {
    out.put("unable to read supervise/status: ");
    out.put(r == -1 ? lib::error_str(e) : "bad format");
    return;
  }
  lib::Tai64n now = lib::tai64n_now();
  char line[192];
  lib::Status st0 = lib::status_decode(rec);
  size_t n = lib::status_describe(st0, normally_up, now.sec, line, sizeof line);
  unsigned char xbuf[lib::kXStatusSize + 64];
  lib::XStatus x;
  fd = ::open("supervise/xstatus", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd >= 0) {
    ssize_t xr = lib::read_full(fd, reinterpret_cast<char*>(xbuf), sizeof xbuf);
    ::close(fd);
    if (xr > 0 && lib::xstatus_decode(xbuf, size_t(xr), rec, x))
      n += lib::xstatus_describe(x, st0.pid != 0, now, line + n, sizeof line - n);
  }
  out.put(std::string_view(line, n));
}

}  // namespace

int main(int argc, char** argv) {
  lib::set_prog("svstat");
  (void)argc;
  char storage[1024];
  lib::Writer out(1, storage, sizeof storage);
  lib::Fd orig(::open(".", O_RDONLY | O_CLOEXEC));
  if (!orig.valid()) lib::die_sys(lib::exitcode::temp, {"unable to open current directory"});
  for (char** a = argv + 1; *a; ++a) {
    out.put(*a);
    out.put(": ");
    if (::chdir(*a) == -1) {
      out.put("unable to chdir: ");
      out.put(lib::error_str(errno));
    } else {
      describe(out);
    }
    out.put('\n');
    if (::fchdir(orig.get()) == -1) {
      out.flush();
      lib::die_sys(lib::exitcode::temp, {"unable to set directory"});
    }
  }
  out.flush();
  return 0;
}
