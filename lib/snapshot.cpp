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

// One read(2): a regular file written whole and renamed into place gives
// all it has at once, so a short read is its end.
ssize_t read_once(int fd, unsigned char* buf, size_t n) noexcept {
  ssize_t r;
  do r = ::read(fd, buf, n);
  while (r == -1 && errno == EINTR);
  return r;
}

}  // namespace

SnapshotError snapshot_read(int dirfd, Snapshot& s) noexcept {
  s = Snapshot();
  Fd status(::openat(dirfd, "supervise/status", O_RDONLY | O_NONBLOCK | O_CLOEXEC));
  if (!status.valid()) return SnapshotError::kOpen;
  unsigned char rec[kStatusSize];
  ssize_t r = read_full(status.get(), reinterpret_cast<char*>(rec), sizeof rec);
  if (r == -1) return SnapshotError::kRead;
  if (r < ssize_t(sizeof rec)) return SnapshotError::kShort;
  s.status = status_decode(rec);
  Fd x(::openat(dirfd, "supervise/xstatus", O_RDONLY | O_NONBLOCK | O_CLOEXEC));
  if (!x.valid()) return SnapshotError::kNone;
  unsigned char buf[kXStatusSize + 64];
  ssize_t xr = read_once(x.get(), buf, sizeof buf);
  if (xr > 0 && xstatus_decode(buf, size_t(xr), rec, s.x)) {
    s.extended = true;
    return SnapshotError::kNone;
  }
  // Only when the two disagree are their times asked for (both still
  // open: the files read, not ones renamed in since).
  struct stat st_status, st_x;
  if (::fstat(status.get(), &st_status) == 0 && ::fstat(x.get(), &st_x) == 0 &&
      later(st_x.st_mtim, st_status.st_mtim))
    s.settling = true;
  return SnapshotError::kNone;
}

}  // namespace lib
