// svc -udopchaitkx -q12wr -s sig dir ...
//
// Sends control letters to the supervise running in each dir, by writing
// them to dir/supervise/control (see supervise(8) for their meaning). The
// letters are sent in the order first given, each once, in one write.
// A dir that cannot be controlled gets a warning and svc goes on.
//
// Beyond 0.76: -q, -1, -2, -w send QUIT, USR1, USR2, WINCH (the letters of
// daemontools-encore's svc), -s sig any signal (a name, with or without
// SIG, or a number), each as the byte 0x80 + signal number; -r restarts
// (byte 'r'). 0.76's supervise ignores these bytes. The usage message
// stays 0.76's, byte for byte.
//
// Exit codes: 0 (also after warnings); 100 for an unknown option or
// signal; 111 when the current directory cannot be opened or returned to.
// With -E (ours, for scripts), 111 also when any dir could not be
// controlled (after going on with the others).
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
#include "lib/signame.hpp"

namespace {

[[noreturn]] void usage() {
  lib::write_line(2, {"svc options: u up, d down, o once, x exit, p pause, c continue, h hup, "
                      "a alarm, i interrupt, t term, k kill"});
  ::_exit(lib::exitcode::perm);
}

// The bytes supervise takes for a signal (machine.hpp): 0x80 + number.
constexpr unsigned char kSignalByteBase = 0x80;

}  // namespace

int main(int argc, char** argv) {
  lib::set_prog("svc");
  ::signal(SIGPIPE, SIG_IGN);  // a vanished reader is reported as EPIPE
  // 0.76's eleven letters, r, and at most one byte per signal.
  unsigned char data[16 + 64];
  bool strict = false, failed = false;
  size_t len = 0;
  auto add = [&](unsigned char b) {
    if (!std::memchr(data, b, len) && len < sizeof data) data[len++] = b;
  };
  // Options as daemontools' sgetopt reads them (0.76's svc uses it).
  lib::SGetOpt opts(argc, argv, "udopchaitkxq12wrs:E");
  for (int c; (c = opts.next()) != lib::SGetOpt::kDone;) {
    int sig = 0;
    switch (c) {
      case '?': usage();  // SGetOpt has printed "svc: illegal option -- c"
      case 'q': sig = SIGQUIT; break;
      case '1': sig = SIGUSR1; break;
      case '2': sig = SIGUSR2; break;
      case 'w': sig = SIGWINCH; break;
      case 'E': strict = true; break;
      case 's':
        sig = lib::signal_from_name(opts.arg());
        if (!sig) lib::die(lib::exitcode::perm, {"unknown signal: ", opts.arg()});
        break;
      default: add(static_cast<unsigned char>(c)); break;
    }
    if (sig) add(static_cast<unsigned char>(kSignalByteBase + sig));
  }
  int i = opts.index();
  lib::Fd orig(::open(".", O_RDONLY | O_CLOEXEC));
  if (!orig.valid()) lib::die_sys(lib::exitcode::temp, {"unable to open current directory"});
  for (; i < argc; ++i) {
    const char* dir = argv[i];
    if (::chdir(dir) == -1) {
      failed = true;
      lib::warn_sys({"unable to chdir to ", dir});
    } else {
      int fd = ::open("supervise/control", O_WRONLY | O_NONBLOCK | O_CLOEXEC);
      if (fd == -1) {
        failed = true;
        if (errno == ENXIO)
          lib::warn({"unable to control ", dir, ": supervise not running"});
        else
          lib::warn_sys({"unable to control ", dir});
      } else {
        lib::set_nonblock(fd, false);
        if (!lib::write_all(fd, std::string_view(reinterpret_cast<char*>(data), len))) {
          failed = true;
          lib::warn_sys({"error writing commands to ", dir});
        }
        ::close(fd);
      }
    }
    if (::fchdir(orig.get()) == -1) lib::die_sys(lib::exitcode::temp, {"unable to set directory"});
  }
  return strict && failed ? lib::exitcode::temp : 0;
}
