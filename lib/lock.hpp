// Advisory whole-file locks (flock), as daemontools uses them: setlock,
// supervise/lock and multilog's lock are compatible with the reference's.
#pragma once
#include <errno.h>
#include <sys/file.h>

namespace lib {

// Exclusive lock, waiting for it. 0 or -1 with errno; EINTR retried.
inline int lock_ex(int fd) noexcept {
  int r;
  do r = ::flock(fd, LOCK_EX); while (r == -1 && errno == EINTR);
  return r;
}

// Exclusive lock without waiting. 0, or -1 with errno (EWOULDBLOCK = held).
inline int lock_ex_nb(int fd) noexcept { return ::flock(fd, LOCK_EX | LOCK_NB); }

}  // namespace lib
