#include "svscan/control.hpp"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <string_view>

#include "lib/err.hpp"
#include "lib/num.hpp"

namespace svscan {

int ControlParser::feed(const char* p, size_t n) noexcept {
  int code = -1;
  for (size_t i = 0; i < n; ++i) {
    if (p[i] == '\n') {
      int c = line_done();
      if (code < 0) code = c;
      continue;
    }
    if (len_ < sizeof line_)
      line_[len_++] = p[i];
    else
      overflow_ = true;
  }
  return code;
}

int ControlParser::line_done() noexcept {
  std::string_view s(line_, len_);
  bool overflow = overflow_;
  len_ = 0;
  overflow_ = false;
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  uint64_t v;
  if (!overflow && lib::parse_u64(s, v) && v <= 255) return int(v);
  lib::warn({"control: malformed request ignored (want an exit code 0..255)"});
  return -1;
}

int control_open(const char* path, bool mkdir_parent) noexcept {
  if (mkdir_parent) {
    char dir[4096];
    size_t n = std::strlen(path);
    while (n > 0 && path[n - 1] != '/') --n;
    if (n > 1 && n < sizeof dir) {
      std::memcpy(dir, path, n - 1);
      dir[n - 1] = 0;
      if (::mkdir(dir, 0700) == -1 && errno != EEXIST) return -1;
    }
  }
  if (::mkfifo(path, 0600) == -1 && errno != EEXIST) return -1;
  int r = ::open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (r == -1) return -1;
  struct stat st;
  if (::fstat(r, &st) == -1 || !S_ISFIFO(st.st_mode)) {
    ::close(r);
    errno = EINVAL;
    return -1;
  }
  // Kept for svscan's whole life (never read or closed): without it, the
  // reading end reports hang-up after each writer closes, and poll spins.
  if (::open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC) == -1) {
    int e = errno;
    ::close(r);
    errno = e;
    return -1;
  }
  return r;
}

}  // namespace svscan
