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

namespace {

// Writes n bytes to tmp and renames it over path.
StatusWriteError replace_file(const char* tmp, const char* path, const unsigned char* buf,
                              size_t n) noexcept {
  int fd;
  do fd = ::open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NONBLOCK | O_CLOEXEC, 0644);
  while (fd == -1 && errno == EINTR);
  if (fd == -1) return StatusWriteError::kOpen;
  // Allocating the block up front matters on ext4: renaming a file with
  // delayed-allocation data over an existing one makes the kernel flush it
  // first (auto_da_alloc), about a millisecond per status change; with the
  // block allocated the rename takes tens of microseconds. Unsupported
  // (EOPNOTSUPP) is harmless.
  (void)::fallocate(fd, 0, 0, off_t(n));
  ssize_t w = fd_write(fd, reinterpret_cast<const char*>(buf), n);
  int e = errno;
  ::close(fd);
  errno = e;
  if (w == -1) return StatusWriteError::kWrite;
  if (size_t(w) < n) return StatusWriteError::kPartial;
  if (::rename(tmp, path) == -1) return StatusWriteError::kRename;
  return StatusWriteError::kNone;
}

void put32(unsigned char* p, uint32_t v) noexcept {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<unsigned char>(v >> (24 - 8 * i));
}
uint32_t get32(const unsigned char* p) noexcept {
  return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3];
}
void put16(unsigned char* p, uint16_t v) noexcept {
  p[0] = static_cast<unsigned char>(v >> 8);
  p[1] = static_cast<unsigned char>(v);
}
uint16_t get16(const unsigned char* p) noexcept { return uint16_t(p[0] << 8 | p[1]); }

}  // namespace

StatusWriteError status_write(const unsigned char rec[kStatusSize]) noexcept {
  return replace_file("supervise/status.new", "supervise/status", rec, kStatusSize);
}

StatusWriteError xstatus_write(const unsigned char buf[kXStatusSize]) noexcept {
  return replace_file("supervise/xstatus.new", "supervise/xstatus", buf, kXStatusSize);
}

void xstatus_encode(const unsigned char rec[kStatusSize], const XStatus& x,
                    unsigned char out[kXStatusSize]) noexcept {
  std::memcpy(out, rec, kStatusSize);
  out[18] = 's';
  out[19] = 'v';
  out[20] = 'x';
  out[21] = kXStatusVersion;
  put16(out + 22, kXStatusFields);
  unsigned char* f = out + kXStatusHead;
  f[0] = static_cast<unsigned char>(x.state);
  f[1] = x.flags;
  put16(f + 2, x.deaths);
  tai64n_pack(x.backoff_until, f + 4);
  put16(f + 16, x.exit_code);
  f[18] = x.exit_signal;
  f[19] = 0;
  tai64n_pack(x.exit_when, f + 20);
  f[32] = x.features;
  f[33] = 0;
  put16(f + 34, x.check_failures);
  put32(f + 36, x.restarts);
  tai64n_pack(x.ready_when, f + 40);
  size_t n = x.text_len < kXStatusTextMax ? x.text_len : kXStatusTextMax;
  put16(f + 52, uint16_t(n));
  f[54] = f[55] = 0;
  std::memcpy(f + 56, x.text, n);
  std::memset(f + 56 + n, 0, kXStatusTextMax - n);
}

bool xstatus_decode(const unsigned char* in, size_t n, const unsigned char rec[kStatusSize],
                    XStatus& x) noexcept {
  if (n < kXStatusHead || std::memcmp(in, rec, kStatusSize) != 0) return false;
  if (in[18] != 's' || in[19] != 'v' || in[20] != 'x' || in[21] == 0) return false;
  size_t len = get16(in + 22);
  if (len < kXStatusFieldsV1 || n < kXStatusHead + kXStatusFieldsV1) return false;
  const unsigned char* f = in + kXStatusHead;
  x = XStatus();
  x.state = static_cast<XState>(f[0]);
  x.flags = f[1];
  x.deaths = get16(f + 2);
  x.backoff_until = tai64n_unpack(f + 4);
  x.exit_code = get16(f + 16);
  x.exit_signal = f[18];
  x.exit_when = tai64n_unpack(f + 20);
  if (len >= kXStatusFields && n < kXStatusSize) return false;  // cut short
  if (len < kXStatusFields) {
    x.features = kXFeatureSettings;  // version 1: written only for those
    return true;
  }
  x.features = f[32];
  x.check_failures = get16(f + 34);
  x.restarts = get32(f + 36);
  x.ready_when = tai64n_unpack(f + 40);
  size_t t = get16(f + 52);
  x.text_len = uint16_t(t < kXStatusTextMax ? t : kXStatusTextMax);
  std::memcpy(x.text, f + 56, x.text_len);
  return true;
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

size_t xstatus_describe(const XStatus& x, bool up, const Tai64n& now, char* out, size_t cap) noexcept {
  Out o{out, cap};
  if (x.features & kXFeatureSettings) switch (x.state) {
    case XState::kFinishing: o.put(", finishing"); break;
    case XState::kBackoff: {
      // Seconds left, rounded up: "backoff 0 seconds" would be a lie.
      uint64_t left = 0;
      if (x.backoff_until.sec > now.sec ||
          (x.backoff_until.sec == now.sec && x.backoff_until.nano > now.nano)) {
        left = x.backoff_until.sec - now.sec;
        if (x.backoff_until.nano > now.nano) ++left;
      }
      o.put(", backoff ");
      o.num(left);
      o.put(" seconds");
      break;
    }
    case XState::kFailed: o.put(", failed"); break;
    case XState::kPermanentlyDown: o.put(", permanently down"); break;
    case XState::kNotRestarted: o.put(", not restarted"); break;
    default: break;
  }
  if ((x.features & kXFeatureReadiness) && up) {
    if (x.ready_when.sec) {
      o.put(", ready ");
      o.num(now.sec > x.ready_when.sec ? now.sec - x.ready_when.sec : 0);
      o.put(" seconds");
    } else {
      o.put(", not ready");
    }
  }
  if ((x.features & kXFeatureCheck) && x.check_failures) {
    o.put(", unhealthy (");
    o.num(x.check_failures);
    o.put(x.check_failures == 1 ? " failed check)" : " failed checks)");
  }
  return o.len;
}

}  // namespace lib
