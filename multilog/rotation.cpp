#include "multilog/rotation.hpp"

#include <cstring>

namespace multilog {

void RotationModel::put_bytes(uint64_t n, uint64_t in_off) noexcept {
  while (n) {
    sync_read(in_off);
    // Bytes until the reference's next read, and room left in the buffer.
    const uint64_t rel = in_off > origin_ ? in_off - origin_ : 0;
    uint64_t k = (uint64_t(1) << kReadShift) - (rel & ((uint64_t(1) << kReadShift) - 1));
    if (k > n) k = n;
    in_off += k;
    n -= k;
    while (k) {
      if (p_ == kBufSize) flush();
      uint64_t m = kBufSize - p_;
      if (m > k) m = k;
      p_ += uint32_t(m);
      k -= m;
    }
  }
}

void RotationModel::write(uint64_t n) noexcept {
  const uint64_t zone = size_ - 2000;  // size_ >= 4096
  while (n) {
    if (bytes_ >= size_) rotate();
    uint64_t len = n;
    if (len >= size_ - bytes_) len = size_ - bytes_;
    if (bytes_ + len < zone) {
      bytes_ += len;
      wpos_ += len;
      n -= len;
      continue;
    }
    const char* d = sink_->stream_data(wpos_);
    const void* nl = ::memrchr(d, '\n', len);
    if (nl) len = uint64_t(static_cast<const char*>(nl) - d) + 1;
    bool ends_line = d[len - 1] == '\n';
    bytes_ += len;
    wpos_ += len;
    n -= len;
    if (bytes_ >= zone && ends_line) rotate();
  }
}

bool RotationModel::force_rotate() noexcept {
  flush();
  if (bytes_ == 0) return false;
  rotate();
  return true;
}

}  // namespace multilog
