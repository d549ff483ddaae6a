#include "svweb/logtail.hpp"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <string_view>

#include "lib/err.hpp"
#include "lib/fd.hpp"
#include "lib/num.hpp"
#include "lib/service_report.hpp"
#include "lib/tai.hpp"

namespace svweb {
namespace {

int hexdigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;  // tai64nlocal takes lowercase digits only
}

void num(lib::Writer& out, uint64_t n) {
  char b[24];
  out.put(std::string_view(b, lib::format_u64(b, n)));
}

void put_head(lib::Writer& out, uint64_t ino, uint64_t offset, bool more, bool reset) {
  out.put("{\"ino\": ");
  num(out, ino);
  out.put(", \"offset\": ");
  num(out, offset);
  out.put(more ? ", \"more\": true" : ", \"more\": false");
  out.put(reset ? ", \"reset\": true" : ", \"reset\": false");
  out.put(", \"lines\": [");
}

}  // namespace

void put_log_line(lib::Writer& out, const char* line, size_t n, lib::LocalTimeText& local) noexcept {
  // The stamp as tai64n and multilog write it: '@' and exactly 24
  // lowercase hex digits, then a byte that is not one.
  if (n >= 25 && line[0] == '@' && (n == 25 || hexdigit(line[25]) < 0)) {
    uint64_t sec = 0;
    uint32_t nano = 0;
    bool ok = true;
    for (size_t i = 1; i < 25 && ok; ++i) {
      int d = hexdigit(line[i]);
      if (d < 0) ok = false;
      else if (i <= 16) sec = sec << 4 | unsigned(d);
      else nano = nano << 4 | unsigned(d);
    }
    char text[lib::LocalTimeText::kMaxLen];
    size_t len = ok ? local.format(int64_t(sec - lib::kTaiOffset), nano, text) : 0;
    if (len) {
      out.put('"');
      lib::put_json_chars(out, std::string_view(text, len));
      lib::put_json_chars(out, std::string_view(line + 25, n - 25));
      out.put('"');
      return;
    }
  }
  lib::put_json_string(out, std::string_view(line, n));
}

void log_json(int dirfd, const LogCursor& at, char* scratch, lib::LocalTimeText& local,
              lib::Writer& out) noexcept {
  lib::Fd fd(::openat(dirfd, "log/main/current", O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  struct stat st;
  if (!fd.valid() || ::fstat(fd.get(), &st) == -1) {
    out.put("{\"error\": ");
    char why[200];
    lib::Writer w(-1, why, sizeof why);
    w.put("unable to open log/main/current: ");
    w.put(lib::error_str(errno));
    lib::put_json_string(out, std::string_view(why, w.pending()));
    out.put(", \"ino\": 0, \"offset\": 0, \"more\": false, \"reset\": true, \"lines\": []}");
    return;
  }
  uint64_t size = uint64_t(st.st_size), ino = uint64_t(st.st_ino);
  uint64_t start;
  bool reset = false, tail = false;
  if (at.follow && at.ino == ino && at.from <= size) {
    start = at.from;
  } else if (at.follow && at.ino != ino && size <= kLogChunk) {
    start = 0;  // rotated: the new current from its start
  } else {
    reset = true;
    tail = size > kLogChunk;
    start = tail ? size - kLogChunk : 0;
  }
  size_t want = size - start < kLogChunk ? size_t(size - start) : kLogChunk;
  ssize_t got = 0;
  while (size_t(got) < want) {
    ssize_t r = ::pread(fd.get(), scratch + got, want - size_t(got), off_t(start + uint64_t(got)));
    if (r == -1 && errno == EINTR) continue;
    if (r <= 0) break;
    got += r;
  }
  size_t begin = 0, end = size_t(got);
  if (tail) {
    // Started mid-file: drop the partial first line.
    const void* nl = std::memchr(scratch, '\n', end);
    begin = nl ? size_t(static_cast<const char*>(nl) - scratch) + 1 : end;
  }
  // Whole lines only, unless one line fills the chunk.
  size_t last = end;
  while (last > begin && scratch[last - 1] != '\n') --last;
  if (last == begin && end - begin == kLogChunk) last = end;
  uint64_t offset = start + last;
  put_head(out, ino, offset, start + uint64_t(got) < size, reset);
  bool first = true;
  for (size_t p = begin; p < last;) {
    const void* nl = std::memchr(scratch + p, '\n', last - p);
    size_t e = nl ? size_t(static_cast<const char*>(nl) - scratch) : last;
    if (!first) out.put(", ");
    first = false;
    put_log_line(out, scratch + p, e - p, local);
    p = nl ? e + 1 : last;
  }
  out.put("]}");
}

}  // namespace svweb
