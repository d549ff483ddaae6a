#include "multilog/pattern.hpp"

#include <cstring>

namespace multilog {

bool pattern_match(const char* pattern, const char* buf, size_t len) noexcept {
  for (;;) {
    char ch = *pattern++;
    if (!ch) return len == 0;
    if (ch == '*') {
      ch = *pattern;
      if (!ch) return true;
      // Skip to the first occurrence of the next pattern character; the
      // pattern then continues by matching that character itself.
      const void* hit = std::memchr(buf, ch, len);
      if (!hit) return false;
      size_t skip = size_t(static_cast<const char*>(hit) - buf);
      buf += skip;
      len -= skip;
      continue;
    }
    if (!len || *buf != ch) return false;
    ++buf;
    --len;
  }
}

}  // namespace multilog
