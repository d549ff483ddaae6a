// Reading a directory without the heap: getdents64 into a caller's buffer
// (opendir() mallocs one each time), for long-running programs (svscan
// scans every few seconds, multilog on every rotation).
#pragma once
#include <dirent.h>
#include <errno.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>

namespace lib {

struct DirEntry {
  const char* name;
  unsigned char type;  // DT_DIR, DT_REG, DT_LNK, ... or DT_UNKNOWN
};

// Calls f(DirEntry) for every entry of the directory open as fd, from its
// current offset ("." and ".." included), reading into buf (align it to 8;
// 8 KiB or more). f returns false to stop early. Returns 0 at the end or
// when f stopped, -1 on a read error with errno set. EINTR is retried.
template <class F>
int for_each_dirent(int fd, char* buf, size_t len, F f) {
  struct Record {  // linux_dirent64, as the kernel lays it out
    uint64_t ino;
    int64_t off;
    unsigned short reclen;
    unsigned char type;
    char name[1];
  };
  for (;;) {
    ssize_t got;
    do got = ::getdents64(fd, buf, len); while (got == -1 && errno == EINTR);
    if (got == -1) return -1;
    if (got == 0) return 0;
    for (ssize_t off = 0; off < got;) {
      const auto* r = reinterpret_cast<const Record*>(buf + off);
      off += r->reclen;
      if (!f(DirEntry{r->name, r->type})) return 0;
    }
  }
}

}  // namespace lib
