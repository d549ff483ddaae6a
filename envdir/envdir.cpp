// envdir dir child...
//
// Runs child with its environment changed by the files in dir: for each
// file whose name does not start with '.', the variable of that name is
// set to the file's first line (trailing spaces and tabs removed, NUL bytes
// turned into newlines), or removed when the file is empty. Changes are
// applied in directory order, the way daemontools does (lib::EnvEdit), so
// the child sees the same environment, in the same order, as under 0.76.
//
// Exit codes: 111 for usage and for every failure (as the reference);
// otherwise child's, since envdir becomes it.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include "envdir/envfile.hpp"
#include "lib/err.hpp"
#include "lib/exec.hpp"
#include "lib/fd.hpp"
#include "lib/nomem.hpp"

namespace {

constexpr const char* kUsage = "envdir dir child";

// A file's bytes, grown with realloc rather than operator new: a file too
// big for memory is then an error to report ("unable to read ...: out of
// memory", as the reference's stralloc gives), not a fatal new.
struct FileBuf {
  char* p = nullptr;
  size_t len = 0, cap = 0;
  FileBuf() = default;
  FileBuf(const FileBuf&) = delete;
  FileBuf& operator=(const FileBuf&) = delete;
  ~FileBuf() { std::free(p); }
  // Room for n bytes. false with errno ENOMEM.
  bool reserve(size_t n) {
    if (n <= cap) return true;
    char* q = static_cast<char*>(std::realloc(p, n));
    if (!q) {
      errno = ENOMEM;
      return false;
    }
    p = q;
    cap = n;
    return true;
  }
};

// Reads the whole of file name into buf. 1 on success, 0 if it does not
// exist (buf untouched), -1 on error with errno set (ENOMEM: too big).
int read_file(const char* name, FileBuf& buf) {
  lib::Fd fd(::open(name, O_RDONLY | O_NONBLOCK | O_CLOEXEC));
  if (!fd.valid()) return errno == ENOENT ? 0 : -1;
  buf.len = 0;
  for (;;) {
    if (buf.cap - buf.len < 4096 && !buf.reserve(buf.cap < 4096 ? 8192 : buf.cap * 2)) return -1;
    ssize_t r = lib::fd_read(fd.get(), buf.p + buf.len, buf.cap - buf.len);
    if (r < 0) return -1;
    if (r == 0) break;
    buf.len += size_t(r);
  }
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  lib::set_prog("envdir");
  lib::nomem_is_fatal();
  if (argc < 3) lib::die_usage(kUsage, lib::exitcode::temp);
  const char* dirname = argv[1];

  lib::Fd origin(::open(".", O_RDONLY | O_NONBLOCK | O_CLOEXEC));
  if (!origin.valid()) lib::die_sys(lib::exitcode::temp, {"unable to switch to current directory"});
  if (::chdir(dirname) == -1) lib::die_sys(lib::exitcode::temp, {"unable to switch to directory ", dirname});
  DIR* dir = ::opendir(".");
  if (!dir) lib::die_sys(lib::exitcode::temp, {"unable to read directory ", dirname});

  lib::EnvEdit env;
  // One buffer for every file, as the reference's: a name that vanishes
  // between readdir and open (a dangling symlink) leaves the previous
  // file's bytes in it, and 0.76 then uses those. Kept for compatibility.
  FileBuf buf;
  for (;;) {
    errno = 0;
    const dirent* d = ::readdir(dir);
    if (!d) {
      if (errno) lib::die_sys(lib::exitcode::temp, {"unable to read directory ", dirname});
      break;
    }
    if (d->d_name[0] == '.') continue;
    if (read_file(d->d_name, buf) == -1)
      lib::die_sys(lib::exitcode::temp, {"unable to read ", dirname, "/", d->d_name});
    if (!buf.len) {
      env.unset(d->d_name);
      continue;
    }
    size_t len = envdir::envfile_value(buf.p, buf.len);
    env.set(d->d_name, std::string_view(buf.p, len));
    buf.p[len] = '\0';  // the reference's buffer keeps its terminator (cap > len always)
    buf.len = len + 1;
  }
  ::closedir(dir);
  if (::fchdir(origin.get()) == -1)
    lib::die_sys(lib::exitcode::temp, {"unable to switch to starting directory"});
  origin.reset();

  env.exec(argv + 2);
  lib::die_sys(lib::exitcode::temp, {"unable to run ", argv[2]});
}
