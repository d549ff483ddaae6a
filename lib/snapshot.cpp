#include "lib/snapshot.hpp"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/fd.hpp"

namespace lib {
namespace {

bool later(const timespec& a, const timespec& b) noexcept {
  return a.tv_sec > b.tv_sec || (a.tv_sec == b.tv_sec && a.tv_nsec >= b.tv_nsec);
}

}  // namespace

SnapshotError snapshot_read(int dirfd, Snapshot& s) noexcept {
  s = Snapshot();
  int fd = ::openat(dirfd, "supervise/status", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd == -1) return SnapshotError::kOpen;
  unsigned char rec[kStatusSize];
  ssize_t r = read_full(fd, reinterpret_cast<char*>(rec), sizeof rec);
  int e = errno;
  struct stat st_status;
  bool have_st = ::fstat(fd, &st_status) == 0;
  ::close(fd);
  if (r == -1) {
    errno = e;
    return SnapshotError::kRead;
  }
  if (r < ssize_t(sizeof rec)) return SnapshotError::kShort;
  s.status = status_decode(rec);
  fd = ::openat(dirfd, "supervise/xstatus", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd == -1) return SnapshotError::kNone;
  unsigned char buf[kXStatusSize + 64];
  ssize_t xr = read_full(fd, reinterpret_cast<char*>(buf), sizeof buf);
  struct stat st_x;
  bool have_x = ::fstat(fd, &st_x) == 0;
  ::close(fd);
  if (xr > 0 && xstatus_decode(buf, size_t(xr), rec, s.x)) {
    s.extended = true;
  } else if (have_st && have_x && later(st_x.st_mtim, st_status.st_mtim)) {
    s.settling = true;
  }
  return SnapshotError::kNone;
}

}  // namespace lib
