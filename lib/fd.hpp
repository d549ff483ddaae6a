// File descriptors: an owning handle and EINTR-safe read/write.
#pragma once
#include <errno.h>
#include <unistd.h>

#include <string_view>
#include <utility>

namespace lib {

// Owns one descriptor; move-only; closes on destruction (errno kept).
class Fd {
 public:
  explicit Fd(int fd = -1) noexcept : fd_(fd) {}
  Fd(Fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  Fd& operator=(Fd&& o) noexcept {
    reset(std::exchange(o.fd_, -1));
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }
  int get() const noexcept { return fd_; }
  bool valid() const noexcept { return fd_ >= 0; }
  int release() noexcept { return std::exchange(fd_, -1); }
  void reset(int fd = -1) noexcept {
    if (fd_ >= 0) {
      int e = errno;
      ::close(fd_);
      errno = e;
    }
    fd_ = fd;
  }

 private:
  int fd_;
};

// read(2), retried on EINTR. Returns bytes read, 0 at EOF, -1 with errno.
inline ssize_t fd_read(int fd, char* p, size_t n) noexcept {
  ssize_t r;
  do r = ::read(fd, p, n); while (r == -1 && errno == EINTR);
  return r;
}

// write(2), retried on EINTR. Returns bytes written or -1 with errno.
inline ssize_t fd_write(int fd, const char* p, size_t n) noexcept {
  ssize_t r;
  do r = ::write(fd, p, n); while (r == -1 && errno == EINTR);
  return r;
}

// Writes all of s, through short writes; false on error with errno set
// (EAGAIN: a nonblocking descriptor is full; what was written is lost to
// the caller, so use it on blocking descriptors).
inline bool write_all(int fd, std::string_view s) noexcept {
  while (!s.empty()) {
    ssize_t w = fd_write(fd, s.data(), s.size());
    if (w < 0) return false;
    s.remove_prefix(size_t(w));
  }
  return true;
}

// Reads until n bytes or EOF. Returns bytes read (< n only at EOF), -1 on error.
inline ssize_t read_full(int fd, char* p, size_t n) noexcept {
  size_t got = 0;
  while (got < n) {
    ssize_t r = fd_read(fd, p + got, n - got);
    if (r < 0) return -1;
    if (r == 0) break;
    got += size_t(r);
  }
  return ssize_t(got);
}

}  // namespace lib
