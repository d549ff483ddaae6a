// tai64nlocal
//
// Copies stdin to stdout, turning a TAI64N stamp at the start of a line
// ("@" and hex digits, as tai64n and multilog write them) into local time,
// "YYYY-MM-DD HH:MM:SS.nnnnnnnnn", honouring TZ. Everything else passes
// through byte for byte: lines without a stamp, NUL bytes, lines of any
// length, a last line without a newline. Arguments are ignored.
//
// Stamps are read exactly as daemontools 0.76 reads them: after '@', every
// lowercase hex digit up to the first other byte (which stays in the
// output) counts, however many there are; the last 24 give the label and
// nanoseconds (see Stamp). Where 0.76 crashes (too few digits,
// uppercase or other junk early in the stamp, a label outside the years
// localtime can show) the line passes through unchanged. Where 0.76
// silently drops a last line that is only "@" and hex digits with no
// newline, it is converted like any other line. A digit run too long for
// the input buffer (128 KiB) is not treated as a stamp.
//
// Output is flushed before every read, so lines appear as soon as they
// are read (0.76 does the same).
//
// Exit codes: 0 at end of input; 111 on a read or write error, silently,
// as 0.76 does.
#include <string.h>
#include <unistd.h>

#include <cstdint>

#include "lib/buffer.hpp"
#include "lib/fd.hpp"
#include "lib/local_time.hpp"
#include "lib/tai.hpp"

namespace {

constexpr size_t kInSize = 128 * 1024;
char in_buf[kInSize];
char out_buf[256 * 1024];

[[noreturn]] void fail() { ::_exit(111); }

inline void put(lib::Writer& out, const char* p, size_t n) {
  if (!out.put({p, n})) fail();
}

// Value of each byte as a lowercase hex digit, 16 for anything else: 0.76
// stops a stamp at any other byte, uppercase included.
constexpr struct HexTable {
  unsigned char v[256];
  constexpr HexTable() : v() {
    for (int c = 0; c < 256; ++c)
      v[c] = c >= '0' && c <= '9' ? (unsigned char)(c - '0')
             : c >= 'a' && c <= 'f' ? (unsigned char)(c - 'a' + 10)
                                    : 16;
  }
} kHex;

inline unsigned hex_value(char c) { return kHex.v[static_cast<unsigned char>(c)]; }

// The digits of a stamp, accumulated as 0.76 does: they form one number
// whose low 32 bits are the nanoseconds and the 64 bits above them the
// label; higher digits fall off the top (the reference's time_t wraps
// the same way in practice).
struct Stamp {
  uint64_t secs = 0;
  uint32_t nano = 0;
};

// The 8 bytes at p as a number, p[0] in the lowest byte, on any machine.
// Written byte by byte; compilers turn it into one load (plus a byte swap
// on a big-endian machine).
inline uint64_t load_le64(const unsigned char* p) {
  uint64_t x = 0;
  for (int i = 0; i < 8; ++i) x |= uint64_t(p[i]) << (8 * i);
  return x;
}

// Packs 8 digit values (one per byte, first digit in the lowest byte, as
// load_le64 gives them) into a 32-bit number.
inline uint32_t pack8(uint64_t x) {
  x = ((x & 0x000f000f000f000fULL) << 4) | ((x >> 8) & 0x000f000f000f000fULL);
  x = ((x & 0x000000ff000000ffULL) << 8) | ((x >> 16) & 0x000000ff000000ffULL);
  return uint32_t(((x & 0xffff) << 16) | ((x >> 32) & 0xffff));
}

// Scans the hex digits from p (stopping at end or the first other byte);
// sets *stop to where they end. The common case, exactly 24 digits with
// the byte after them at hand, takes a fast path with the same result.
inline Stamp scan_stamp(const char* p, const char* end, const char** stop) {
  Stamp s;
  if (end - p > 24 && hex_value(p[24]) == 16) {
    unsigned char v[24];
    unsigned bad = 0;
    for (int i = 0; i < 24; ++i) bad |= v[i] = static_cast<unsigned char>(hex_value(p[i]));
    if (bad < 16) {
      s.secs = uint64_t(pack8(load_le64(v))) << 32 | pack8(load_le64(v + 8));
      s.nano = pack8(load_le64(v + 16));
      *stop = p + 24;
      return s;
    }
  }
  for (; p < end; ++p) {
    unsigned d = hex_value(*p);
    if (d == 16) break;
    s.secs = (s.secs << 4) + (s.nano >> 28);
    s.nano = (s.nano << 4) + d;
  }
  *stop = p;
  return s;
}

// Emits the stamp at [at, stop) ('@' and its digits): as local time if it
// can be shown, otherwise unchanged.
void put_stamp(lib::Writer& out, lib::LocalTimeText& local, const char* at, const char* stop,
               const Stamp& s) {
  char text[lib::LocalTimeText::kMaxLen];
  size_t len = local.format(int64_t(s.secs - lib::kTaiOffset), s.nano, text);
  if (len)
    put(out, text, len);
  else
    put(out, at, size_t(stop - at));
}

}  // namespace

int main() {
  // No tzset() here: localtime_r loads the zone on first use, so a run
  // with no stamps never reads it.
  lib::Writer out(1, out_buf, sizeof out_buf);
  lib::LocalTimeText local;
  size_t end = 0;  // input held: in_buf[0, end)
  bool line_start = true;
  bool eof = false;
  for (;;) {
    size_t pos = 0;
    while (pos < end) {
      if (line_start) {
        line_start = false;
        if (in_buf[pos] == '@') {
          const char* stop;
          Stamp s = scan_stamp(in_buf + pos + 1, in_buf + end, &stop);
          if (stop == in_buf + end && !eof) {
            line_start = true;  // the stamp may go on: wait for more input
            break;
          }
          put_stamp(out, local, in_buf + pos, stop, s);
          pos = size_t(stop - in_buf);
          continue;
        }
      }
      const char* nl = static_cast<const char*>(memchr(in_buf + pos, '\n', end - pos));
      size_t stop = nl ? size_t(nl - in_buf) + 1 : end;
      put(out, in_buf + pos, stop - pos);
      pos = stop;
      line_start = nl != nullptr;
    }
    if (pos == 0 && end == kInSize) {
      // A digit run as long as the whole buffer is no stamp.
      put(out, in_buf, end);
      line_start = false;
      pos = end;
    }
    // A stamp cut off by the end of the input read so far moves to the
    // front, to be completed by the next read.
    if (pos > 0 && pos < end) memmove(in_buf, in_buf + pos, end - pos);
    end -= pos;
    if (!out.flush()) fail();
    if (eof) return 0;
    ssize_t r = lib::fd_read(0, in_buf + end, kInSize - end);
    if (r < 0) fail();
    if (r == 0)
      eof = true;
    else
      end += size_t(r);
  }
}
