// svc -udopchaitkx dir ...
//
// Sends control letters to the supervise running in each dir, by writing
// them to dir/supervise/control (see supervise(8) for their meaning). The
// letters are sent in the order first given, each once, in one write.
// A dir that cannot be controlled gets a warning and svc goes on.
//
// Exit codes: 0 (also after warnings); 100 for an unknown option; 111 when
// the current directory cannot be opened or returned to.
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cstring>
#include <string_view>

#include "lib/err.hpp"
#include "lib/fd.hpp"
#include "lib/fd_flags.hpp"
#include "lib/sgetopt.hpp"

namespace {

[[noreturn]] void usage() {
  lib::write_line(2, {"svc options: u up, d down, o once, x exit, p pause, c continue, h hup, "
                      "a alarm, i interrupt, t term, k kill"});
  ::_exit(lib::exitcode::perm);
}

}  // namespace

int main(int argc, char** argv) {
  lib::set_prog("svc");
  ::signal(SIGPIPE, SIG_IGN);  // a vanished reader is reported as EPIPE
  char data[16];
  size_t len = 0;
  // On an unknown letter SGetOpt has printed "svc: illegal option -- c".
  lib::SGetOpt opts(argc, argv, "udopchaitkx");
  for (int c; (c = opts.next()) != lib::SGetOpt::kDone;) {
    if (c == '?') usage();
    if (!std::memchr(data, c, len) && len < sizeof data) data[len++] = char(c);
  }
  int i = opts.index();
  lib::Fd orig(::open(".", O_RDONLY | O_CLOEXEC));
  if (!orig.valid()) lib::die_sys(lib::exitcode::temp, {"unable to open current directory"});
  for (; i < argc; ++i) {
    const char* dir = argv[i];
    if (::chdir(dir) == -1) {
      lib::warn_sys({"unable to chdir to ", dir});
    } else {
      int fd = ::open("supervise/control", O_WRONLY | O_NONBLOCK | O_CLOEXEC);
      if (fd == -1) {
        if (errno == ENXIO)
          lib::warn({"unable to control ", dir, ": supervise not running"});
        else
          lib::warn_sys({"unable to control ", dir});
      } else {
        lib::set_nonblock(fd, false);
        if (!lib::write_all(fd, std::string_view(data, len)))
          lib::warn_sys({"error writing commands to ", dir});
        ::close(fd);
      }
    }
    if (::fchdir(orig.get()) == -1) lib::die_sys(lib::exitcode::temp, {"unable to set directory"});
  }
  return 0;
}
