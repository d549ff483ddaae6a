// TAI64 / TAI64N timestamps, as daemontools writes them.
//
// A TAI64 label is 2^62 + 10 + unix seconds (daemontools' fixed offset; it
// ignores leap seconds). Packed TAI64N is 12 bytes: the label as 8 bytes
// big-endian, then nanoseconds as 4 bytes big-endian. Its external text
// form is '@' followed by those 12 bytes as 24 lowercase hex digits.
#pragma once
#include <cstdint>
#include <ctime>

namespace lib {

constexpr uint64_t kTaiOffset = (uint64_t(1) << 62) + 10;

struct Tai64n {
  uint64_t sec = 0;   // TAI64 label
  uint32_t nano = 0;  // 0 .. 999999999
  friend bool operator==(const Tai64n&, const Tai64n&) = default;
};

// Current time (CLOCK_REALTIME) as a label.
Tai64n tai64n_now() noexcept;
inline Tai64n tai64n_from_unix(int64_t unix_sec, uint32_t nano) noexcept {
  return {uint64_t(unix_sec) + kTaiOffset, nano};
}
// Unix seconds of a label (may be negative or meaningless for odd labels).
inline int64_t tai64n_unix_sec(const Tai64n& t) noexcept {
  return int64_t(t.sec - kTaiOffset);
}

// 12 bytes, big-endian, as above.
void tai64n_pack(const Tai64n& t, unsigned char out[12]) noexcept;
Tai64n tai64n_unpack(const unsigned char in[12]) noexcept;

// 24 lowercase hex digits, no '@', no terminator.
void tai64n_hex(const Tai64n& t, char out[24]) noexcept;

}  // namespace lib
