// tai64n
//
// Copies stdin to stdout, putting a TAI64N stamp before each line: "@",
// 24 lowercase hex digits (label and nanoseconds of the moment the line's
// first byte was read) and a space. A last line without a newline gets its
// stamp and stays without one. Arguments are ignored.
//
// Input is read in large blocks; every line that starts in one block gets
// the time that block was read. Output is flushed before every read, so a
// line appears as soon as it has been read, even when more input is
// pending later (0.76 does the same).
//
// Exit codes: 0 at end of input; 111 on a read or write error, silently,
// as 0.76 does.
#include <string.h>
#include <unistd.h>

#include "lib/fd.hpp"
#include "lib/tai.hpp"

namespace {

constexpr size_t kStampLen = 26;  // '@', 24 hex digits, ' '
constexpr size_t kInSize = 128 * 1024;
// A block of newlines grows 27-fold; flushing mid-block copes with that,
// and ordinary lines fit in one write.
constexpr size_t kOutSize = 2 * kInSize;
char in_buf[kInSize];
char out_buf[kOutSize];
size_t out_len = 0;

[[noreturn]] void fail() { ::_exit(111); }

void flush() {
  if (out_len && !lib::write_all(1, {out_buf, out_len})) fail();
  out_len = 0;
}

}  // namespace

int main() {
  bool line_start = true;
  char stamp[kStampLen];
  stamp[0] = '@';
  stamp[kStampLen - 1] = ' ';
  for (;;) {
    flush();
    ssize_t r = lib::fd_read(0, in_buf, kInSize);
    if (r < 0) fail();
    if (r == 0) return 0;
    lib::tai64n_hex(lib::tai64n_now(), stamp + 1);
    const char* p = in_buf;
    const char* end = in_buf + r;
    while (p < end) {
      const char* nl = static_cast<const char*>(memchr(p, '\n', size_t(end - p)));
      const char* stop = nl ? nl + 1 : end;
      size_t n = size_t(stop - p);
      size_t need = n + (line_start ? kStampLen : 0);
      if (need > kOutSize - out_len) flush();  // need <= kInSize + kStampLen fits
      if (line_start) {
        memcpy(out_buf + out_len, stamp, kStampLen);
        out_len += kStampLen;
      }
      memcpy(out_buf + out_len, p, n);
      out_len += n;
      p = stop;
      line_start = nl != nullptr;
    }
  }
}
