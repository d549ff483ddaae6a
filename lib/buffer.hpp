// A small buffered writer over caller-provided storage: no heap, so it
// suits long-running loops and code after fork().
#pragma once
#include <cstddef>
#include <string_view>

namespace lib {

class Writer {
 public:
  Writer(int fd, char* storage, size_t capacity) noexcept
      : fd_(fd), buf_(storage), cap_(capacity) {}
  // Appends s, flushing whenever the buffer fills; a piece larger than the
  // buffer is written straight through. false on write error, errno set.
  bool put(std::string_view s) noexcept;
  bool put(char c) noexcept { return len_ < cap_ ? (buf_[len_++] = c, true) : put(std::string_view(&c, 1)); }
  // Writes everything buffered (through short writes, EINTR retried).
  // false on error, errno set; the unwritten bytes stay buffered.
  bool flush() noexcept;
  size_t pending() const noexcept { return len_; }

 private:
  int fd_;
  char* buf_;
  size_t cap_;
  size_t len_ = 0;
};

}  // namespace lib
