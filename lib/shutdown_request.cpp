#include "lib/shutdown_request.hpp"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "lib/num.hpp"

namespace lib {

bool shutdown_request(const char* path, int code) noexcept {
  char line[24];
  size_t n = format_u64(line, uint64_t(code & 255));
  line[n++] = '\n';
  int fd = ::open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd == -1) return false;
  ssize_t w;
  do w = ::write(fd, line, n); while (w == -1 && errno == EINTR);
  int e = errno;
  ::close(fd);
  if (w == -1) {
    errno = e;
    return false;
  }
  if (size_t(w) != n) {
    errno = EAGAIN;
    return false;
  }
  return true;
}

}  // namespace lib
