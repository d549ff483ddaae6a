#include "readproctitle/proctitle.hpp"

#include <cstring>

namespace readproctitle {

void title_push(char* window, size_t size, const char* data, size_t n) noexcept {
  // Find the shortest tail of data holding `size` non-NUL bytes (or all).
  size_t take = 0, i = n;
  while (i > 0 && take < size) {
    --i;
    if (data[i]) ++take;
  }
  if (take < size) std::memmove(window, window + take, size - take);
  char* out = window + (size - take);
  for (; i < n; ++i)
    if (data[i]) *out++ = data[i];
}

}  // namespace readproctitle
