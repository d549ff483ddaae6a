#include "lib/tai.hpp"

namespace lib {

Tai64n tai64n_now() noexcept {
  timespec ts;
  ::clock_gettime(CLOCK_REALTIME, &ts);
  return tai64n_from_unix(ts.tv_sec, uint32_t(ts.tv_nsec));
}

void tai64n_pack(const Tai64n& t, unsigned char out[12]) noexcept {
  for (int i = 0; i < 8; ++i) out[i] = static_cast<unsigned char>(t.sec >> (56 - 8 * i));
  for (int i = 0; i < 4; ++i) out[8 + i] = static_cast<unsigned char>(t.nano >> (24 - 8 * i));
}

Tai64n tai64n_unpack(const unsigned char in[12]) noexcept {
  Tai64n t;
  for (int i = 0; i < 8; ++i) t.sec = (t.sec << 8) | in[i];
  for (int i = 0; i < 4; ++i) t.nano = (t.nano << 8) | in[8 + i];
  return t;
}

void tai64n_hex(const Tai64n& t, char out[24]) noexcept {
  static const char digits[] = "0123456789abcdef";
  for (int i = 0; i < 16; ++i) out[i] = digits[(t.sec >> (60 - 4 * i)) & 15];
  for (int i = 0; i < 8; ++i) out[16 + i] = digits[(t.nano >> (28 - 4 * i)) & 15];
}

}  // namespace lib
