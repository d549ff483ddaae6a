#include "lib/num.hpp"

namespace lib {

bool parse_u64(std::string_view s, uint64_t& out) noexcept {
  if (s.empty()) return false;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    uint64_t d = uint64_t(c - '0');
    if (v > (UINT64_MAX - d) / 10) return false;
    v = v * 10 + d;
  }
  out = v;
  return true;
}

size_t scan_ulong(std::string_view s, unsigned long& out) noexcept {
  unsigned long v = 0;
  size_t i = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
    v = v * 10 + static_cast<unsigned long>(s[i] - '0');
    ++i;
  }
  out = v;
  return i;
}

size_t format_u64(char* buf, uint64_t n) noexcept {
  char tmp[20];
  size_t len = 0;
  do {
    tmp[len++] = char('0' + n % 10);
    n /= 10;
  } while (n);
  for (size_t i = 0; i < len; ++i) buf[i] = tmp[len - 1 - i];
  return len;
}

}  // namespace lib
