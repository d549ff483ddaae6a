// svok dir
//
// Asks whether a supervise is running in dir, without printing anything:
// it is when something holds dir/supervise/ok open for reading.
//
// Exit codes: 0 a supervise is running; 100 none is (no reader on the
// FIFO, or no FIFO at all), or usage; 111 dir cannot be entered or the
// FIFO cannot be opened for another reason (with a message).
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "lib/err.hpp"

int main(int argc, char** argv) {
  lib::set_prog("svok");
  if (argc < 2) lib::die_usage("svok dir");
  const char* dir = argv[1];
  if (::chdir(dir) == -1) lib::die_sys(lib::exitcode::temp, {"unable to chdir to ", dir});
  int fd = ::open("supervise/ok", O_WRONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd == -1) {
    if (errno == ENXIO || errno == ENOENT) return 100;
    lib::die_sys(lib::exitcode::temp, {"unable to open ", dir, "/supervise/ok"});
  }
  return 0;
}
