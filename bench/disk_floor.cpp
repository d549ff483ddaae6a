// disk_floor [-p] dir: the same-work floor for multilog s16777215 n10 (see
// bench/multilog.sh). Reads stdin in 1 MiB requests (-p: a pipe first
// enlarged to 1 MiB, as multilog does with a fast writer) and writes it to
// dir/current; every 16777215 bytes current is fsynced, renamed to a new
// numbered name, and the oldest names beyond 9 are removed; at the end of
// input current is fsynced. No lines, no stamps, no rotation model: the
// bytes, the files and the syncs multilog must do, and nothing else.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>

namespace {

constexpr size_t kRead = 1 << 20;
constexpr uint64_t kFileSize = 16777215;
constexpr unsigned kKeep = 9;

[[noreturn]] void die(const char* what) {
  std::perror(what);
  std::exit(111);
}

void write_all(int fd, const char* p, size_t n) {
  while (n) {
    ssize_t w = ::write(fd, p, n);
    if (w == -1 && errno == EINTR) continue;
    if (w <= 0) die("disk_floor: write");
    p += w;
    n -= size_t(w);
  }
}

}  // namespace

int main(int argc, char** argv) {
  const bool big_pipe = argc == 3 && std::strcmp(argv[1], "-p") == 0;
  if (argc != 2 && !big_pipe) {
    std::fputs("usage: disk_floor [-p] dir\n", stderr);
    return 100;
  }
  if (big_pipe && ::fcntl(0, F_SETPIPE_SZ, int(kRead)) == -1) die("disk_floor: F_SETPIPE_SZ");
  int dfd = ::open(argv[argc - 1], O_RDONLY | O_DIRECTORY);
  if (dfd == -1) die("disk_floor: open dir");
  int cur = ::openat(dfd, "current", O_WRONLY | O_APPEND | O_CREAT | O_TRUNC, 0644);
  if (cur == -1) die("disk_floor: open current");
  std::unique_ptr<char[]> buf(new char[kRead]);
  uint64_t size = 0;
  unsigned made = 0;  // files rotated so far, named 0, 1, ...
  for (;;) {
    ssize_t r = ::read(0, buf.get(), kRead);
    if (r == -1 && errno == EINTR) continue;
    if (r == -1) die("disk_floor: read");
    if (r == 0) break;
    const char* p = buf.get();
    size_t n = size_t(r);
    while (n) {
      size_t k = n < kFileSize - size ? n : size_t(kFileSize - size);
      write_all(cur, p, k);
      p += k;
      n -= k;
      size += k;
      if (size < kFileSize) continue;
      if (::fsync(cur) == -1) die("disk_floor: fsync");
      char name[16];
      std::snprintf(name, sizeof name, "%u", made);
      if (::renameat(dfd, "current", dfd, name) == -1) die("disk_floor: rename");
      ::close(cur);
      if (made >= kKeep) {
        std::snprintf(name, sizeof name, "%u", made - kKeep);
        if (::unlinkat(dfd, name, 0) == -1) die("disk_floor: unlink");
      }
      ++made;
      cur = ::openat(dfd, "current", O_WRONLY | O_APPEND | O_CREAT | O_TRUNC, 0644);
      if (cur == -1) die("disk_floor: open current");
      size = 0;
    }
  }
  if (::fsync(cur) == -1) die("disk_floor: fsync");
  return 0;
}
