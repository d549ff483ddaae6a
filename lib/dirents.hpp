// Reading a directory without the heap: getdents64 into a caller's buffer
// (opendir() mallocs one each time), for long-running programs (svscan
// scans every few seconds, multilog on every rotation).
#pragma once
#include <dirent.h>
#include <errno.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace lib {

struct DirEntry {
  const char* name;
  unsigned char type;  // DT_DIR, DT_REG, DT_LNK, ... or DT_UNKNOWN
};

// The kernel's struct linux_dirent64, the record getdents64 writes: the
// same layout on every Linux architecture. Fields are copied out of the
// buffer at these offsets (never read through a cast pointer, which would
// assume alignment and break aliasing rules); the asserts stop the build
// where the compiler would lay the declaration out differently.
struct LinuxDirent64 {
  uint64_t d_ino;
  int64_t d_off;
  unsigned short d_reclen;
  unsigned char d_type;
  char d_name[1];  // NUL-terminated, padded to the next 8 bytes
};
static_assert(offsetof(LinuxDirent64, d_ino) == 0 && offsetof(LinuxDirent64, d_off) == 8 &&
                  offsetof(LinuxDirent64, d_reclen) == 16 && sizeof(unsigned short) == 2 &&
                  offsetof(LinuxDirent64, d_type) == 18 && offsetof(LinuxDirent64, d_name) == 19,
              "struct linux_dirent64 is not laid out as the kernel writes it");

// Calls f(DirEntry) for every entry of the directory open as fd, from its
// current offset ("." and ".." included), reading into buf (8 KiB or
// more). f returns false to stop early. Returns 0 at the end or when f
// stopped, -1 on a read error with errno set. EINTR is retried.
template <class F>
int for_each_dirent(int fd, char* buf, size_t len, F f) {
  for (;;) {
    ssize_t got;
    do got = ::getdents64(fd, buf, len); while (got == -1 && errno == EINTR);
    if (got == -1) return -1;
    if (got == 0) return 0;
    for (size_t off = 0; off < size_t(got);) {
      const char* rec = buf + off;
      unsigned short reclen;
      unsigned char type;
      std::memcpy(&reclen, rec + offsetof(LinuxDirent64, d_reclen), sizeof reclen);
      std::memcpy(&type, rec + offsetof(LinuxDirent64, d_type), sizeof type);
      off += reclen;
      if (!f(DirEntry{rec + offsetof(LinuxDirent64, d_name), type})) return 0;
    }
  }
}

}  // namespace lib
