#include "envdir/envfile.hpp"

#include <cstring>

namespace envdir {

size_t envfile_value(char* buf, size_t len) noexcept {
  if (const void* nl = std::memchr(buf, '\n', len)) len = size_t(static_cast<char*>(const_cast<void*>(nl)) - buf);
  while (len && (buf[len - 1] == ' ' || buf[len - 1] == '\t')) --len;
  for (size_t i = 0; i < len; ++i)
    if (!buf[i]) buf[i] = '\n';
  return len;
}

}  // namespace envdir
