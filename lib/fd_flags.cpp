#include "lib/fd_flags.hpp"

#include <fcntl.h>

namespace lib {

int set_nonblock(int fd, bool on) noexcept {
  int fl = ::fcntl(fd, F_GETFL);
  if (fl == -1) return -1;
  return ::fcntl(fd, F_SETFL, on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK);
}

}  // namespace lib
