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

namespace {
int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

bool tai64n_parse_hex(const char in[24], Tai64n& t) noexcept {
  uint64_t sec = 0;
  uint32_t nano = 0;
  for (int i = 0; i < 16; ++i) {
    int v = hex_value(in[i]);
    if (v < 0) return false;
    sec = (sec << 4) | uint64_t(v);
  }
  for (int i = 16; i < 24; ++i) {
    int v = hex_value(in[i]);
    if (v < 0) return false;
    nano = (nano << 4) | uint32_t(v);
  }
  t = {sec, nano};
  return true;
}

}  // namespace lib
