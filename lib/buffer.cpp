#include "lib/buffer.hpp"

#include <cstring>

#include "lib/fd.hpp"

namespace lib {

bool Writer::flush() noexcept {
  size_t done = 0;
  while (done < len_) {
    ssize_t w = fd_write(fd_, buf_ + done, len_ - done);
    if (w < 0) {
      std::memmove(buf_, buf_ + done, len_ - done);
      len_ -= done;
      return false;
    }
    done += size_t(w);
  }
  len_ = 0;
  return true;
}

bool Writer::put(std::string_view s) noexcept {
  if (s.empty()) return true;  // an empty view may have a null data(): no memcpy of it
  if (s.size() <= cap_ - len_) {
    std::memcpy(buf_ + len_, s.data(), s.size());
    len_ += s.size();
    return true;
  }
  if (!flush()) return false;
  if (s.size() >= cap_) return write_all(fd_, s);
  std::memcpy(buf_, s.data(), s.size());
  len_ = s.size();
  return true;
}

}  // namespace lib
