#include "lib/status.hpp"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <cstring>
#include <string_view>

#include "lib/fd.hpp"
#include "lib/num.hpp"

namespace lib {

void status_encode(const Status& s, unsigned char out[kStatusSize]) noexcept {
  tai64n_pack(s.when, out);
  uint32_t pid = s.pid;
  for (int i = 0; i < 4; ++i, pid >>= 8) out[12 + i] = static_cast<unsigned char>(pid);
  out[16] = s.paused;
  out[17] = s.want;
}

Status status_decode(const unsigned char in[kStatusSize]) noexcept {
  Status s;
  s.when = tai64n_unpack(in);
  for (int i = 3; i >= 0; --i) s.pid = (s.pid << 8) | in[12 + i];
  s.paused = in[16];
  s.want = in[17];
  return s;
}

StatusWriteError status_write(const unsigned char rec[kStatusSize]) noexcept {
  int fd;
  do fd = ::open("supervise/status.new", O_WRONLY | O_CREAT | O_TRUNC | O_NONBLOCK | O_CLOEXEC, 0644);
  while (fd == -1 && errno == EINTR);
  if (fd == -1) return StatusWriteError::kOpen;
  // Allocating the block up front matters on ext4: renaming a file with
  // delayed-allocation data over an existing one makes the kernel flush it
  // first (auto_da_alloc), about a millisecond per status change; with the
  // block allocated the rename takes tens of microseconds. Unsupported
  // (EOPNOTSUPP) is harmless.
  (void)::fallocate(fd, 0, 0, kStatusSize);
  ssize_t w = fd_write(fd, reinterpret_cast<const char*>(rec), kStatusSize);
  int e = errno;
  ::close(fd);
  errno = e;
  if (w == -1) return StatusWriteError::kWrite;
  if (size_t(w) < kStatusSize) return StatusWriteError::kPartial;
  if (::rename("supervise/status.new", "supervise/status") == -1) return StatusWriteError::kRename;
  return StatusWriteError::kNone;
}

namespace {

struct Out {
  char* p;
  size_t cap;
  size_t len = 0;
  void put(std::string_view s) noexcept {
    size_t n = s.size() < cap - len ? s.size() : cap - len;
    std::memcpy(p + len, s.data(), n);
    len += n;
  }
  void num(uint64_t n) noexcept {
    char b[24];
    put(std::string_view(b, format_u64(b, n)));
  }
};

}  // namespace

size_t status_describe(const Status& s, bool normally_up, uint64_t now_label, char* out,
                       size_t cap) noexcept {
  Out o{out, cap};
  uint64_t secs = now_label > s.when.sec ? now_label - s.when.sec : 0;
  if (s.pid) {
    o.put("up (pid ");
    o.num(s.pid);
    o.put(") ");
  } else {
    o.put("down ");
  }
  o.num(secs);
  o.put(" seconds");
  if (s.pid && !normally_up) o.put(", normally down");
  if (!s.pid && normally_up) o.put(", normally up");
  if (s.pid && s.paused) o.put(", paused");
  if (!s.pid && s.want == 'u') o.put(", want up");
  if (s.pid && s.want == 'd') o.put(", want down");
  return o.len;
}

}  // namespace lib
