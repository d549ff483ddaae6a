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

#include "lib/buffer.hpp"
#include "lib/fd.hpp"
#include "lib/tai.hpp"

namespace {

constexpr size_t kStampLen = 26;  // '@', 24 hex digits, ' '
char in_buf[128 * 1024];
char out_buf[256 * 1024];

[[noreturn]] void fail() { ::_exit(111); }

}  // namespace

int main() {
  lib::Writer out(1, out_buf, sizeof out_buf);
  bool line_start = true;
  char stamp[kStampLen];
  stamp[0] = '@';
  stamp[kStampLen - 1] = ' ';
  for (;;) {
    if (!out.flush()) fail();
    ssize_t r = lib::fd_read(0, in_buf, sizeof in_buf);
    if (r < 0) fail();
    if (r == 0) return 0;
    lib::tai64n_hex(lib::tai64n_now(), stamp + 1);
    const char* p = in_buf;
    const char* end = in_buf + r;
    while (p < end) {
      const char* nl = static_cast<const char*>(memchr(p, '\n', size_t(end - p)));
      const char* stop = nl ? nl + 1 : end;
      if (line_start && !out.put({stamp, kStampLen})) fail();
      if (!out.put({p, size_t(stop - p)})) fail();
      p = stop;
      line_start = nl != nullptr;
    }
  }
}
