#include "supervise/files.hpp"

#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <limits.h>
#include <stddef.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/err.hpp"
#include "lib/lock.hpp"

namespace supervise {
namespace {

int open_fifo(const char* path, int flags) noexcept {
  int fd;
  do fd = ::open(path, flags | O_NONBLOCK | O_CLOEXEC);
  while (fd == -1 && errno == EINTR);
  return fd;
}

void close_fd(int& fd) noexcept {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

// Creates supervise/ (0700). When supervise is a symbolic link to a
// directory that does not exist yet, creates the directory it names, as
// Debian's daemontools does (its patch 0002), so that a read-only service
// directory can point supervise at /run: one level, mode 0700, only the
// link's own target (not a link it leads to). 0, or -1 with errno (EEXIST
// is success).
int make_supervise_dir() noexcept {
  if (::mkdir("supervise", 0700) == 0) return 0;
  if (errno != EEXIST) return -1;
  char target[PATH_MAX];
  ssize_t n = ::readlink("supervise", target, sizeof target - 1);
  if (n > 0) {
    target[n] = 0;
    ::mkdir(target, 0700);  // a failure shows when the lock is opened
  }
  return 0;
}

}  // namespace

void Files::acquire_lock(const char* dir) noexcept {
  dir_ = dir;
  make_supervise_dir();
  lock_ = ::open("supervise/lock", O_WRONLY | O_APPEND | O_CREAT | O_NONBLOCK | O_CLOEXEC, 0600);
  if (lock_ == -1 || lib::lock_ex_nb(lock_) == -1)
    lib::die_sys(lib::exitcode::temp, {"unable to acquire ", dir, "/supervise/lock"});
}

void Files::open_control(const char* dir) noexcept {
  ::mkfifo("supervise/control", 0600);
  control_r_ = open_fifo("supervise/control", O_RDONLY);
  if (control_r_ == -1)
    lib::die_sys(lib::exitcode::temp, {"unable to read ", dir, "/supervise/control"});
  control_w_ = open_fifo("supervise/control", O_WRONLY);
  if (control_w_ == -1)
    lib::die_sys(lib::exitcode::temp, {"unable to write ", dir, "/supervise/control"});
}

void Files::open_ok(const char* dir) noexcept {
  ::mkfifo("supervise/ok", 0600);
  ok_ = open_fifo("supervise/ok", O_RDONLY);
  if (ok_ == -1) lib::die_sys(lib::exitcode::temp, {"unable to read ", dir, "/supervise/ok"});
}

bool Files::intact() noexcept {
  return fifo_current("supervise/lock", lock_) &&
         (control_r_ < 0 || fifo_current("supervise/control", control_r_)) &&
         fifo_current("supervise/ok", ok_);
}

bool Files::fifo_current(const char* path, int fd) noexcept {
  struct stat a, b;
  if (fd < 0 || ::stat(path, &a) == -1 || ::fstat(fd, &b) == -1) return false;
  return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

// Makes the FIFO at path again if needed and replaces our descriptors.
bool Files::reopen_fifo(const char* path, int& rfd, int* wfd) noexcept {
  if (fifo_current(path, rfd)) return true;
  if (::mkfifo(path, 0600) == -1 && errno != EEXIST) {
    lib::warn_sys({"unable to create ", dir_, "/", path});
    return false;
  }
  int r = open_fifo(path, O_RDONLY);
  if (r == -1) {
    lib::warn_sys({"unable to read ", dir_, "/", path});
    return false;
  }
  int w = -1;
  if (wfd) {
    w = open_fifo(path, O_WRONLY);
    if (w == -1) {
      lib::warn_sys({"unable to write ", dir_, "/", path});
      ::close(r);
      return false;
    }
  }
  close_fd(rfd);
  rfd = r;
  if (wfd) {
    close_fd(*wfd);
    *wfd = w;
  }
  return true;
}

bool Files::repair() noexcept {
  if (make_supervise_dir() == -1) {
    lib::warn_sys({"unable to create ", dir_, "/supervise"});
    return false;
  }
  bool ok = true;
  if (!fifo_current("supervise/lock", lock_)) {
    int fd = ::open("supervise/lock", O_WRONLY | O_APPEND | O_CREAT | O_NONBLOCK | O_CLOEXEC, 0600);
    if (fd == -1 || lib::lock_ex_nb(fd) == -1) {
      lib::warn_sys({"unable to acquire ", dir_, "/supervise/lock"});
      if (fd >= 0) ::close(fd);
      ok = false;
    } else {
      close_fd(lock_);
      lock_ = fd;
    }
  }
  if (control_r_ >= 0 || control_w_ >= 0) ok = reopen_fifo("supervise/control", control_r_, &control_w_) && ok;
  ok = reopen_fifo("supervise/ok", ok_, nullptr) && ok;
  if (dnotify_) ok = watch() && ok;  // supervise/ may be a new directory
  return ok;
}

namespace {

// Opens dir and asks for SIGIO whenever one of its entries is removed or
// renamed, for as long as the descriptor stays open.
bool watch_dir(const char* dir, int& fd) noexcept {
  close_fd(fd);
  fd = ::open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd == -1) return false;
  if (::fcntl(fd, F_NOTIFY, DN_DELETE | DN_RENAME | DN_MULTISHOT) == -1) {
    close_fd(fd);
    return false;
  }
  return true;
}

}  // namespace

bool Files::watch() noexcept {
  // "." reports the removal of supervise/ itself; supervise/ that of the
  // files in it (and our own renames of status.new, which cost one check).
  bool ok = watch_dir(".", watch_dot_) && watch_dir("supervise", watch_supervise_);
  if (ok) dnotify_ = true;
  return ok;
}

void Files::noticed(int64_t now) noexcept {
  if (first_noticed_ < 0) first_noticed_ = now;
  int64_t settled = now + kSettle, latest = first_noticed_ + kSettleMax;
  check_at_ = settled < latest ? settled : latest;
}

// A directory being removed has no links left once rmdir is done, and has
// usually lost ./run before that; either way, nothing is to be recreated.
bool Files::still_there() noexcept {
  struct stat st;
  return ::stat(".", &st) == 0 && st.st_nlink > 0 && ::lstat("run", &st) == 0;
}

namespace {

// true when dir is a directory with nothing in it. getdents64 into a
// buffer on the stack: nothing is allocated after start-up.
bool empty_directory(const char* dir) noexcept {
  int fd = ::open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd == -1) return false;
  alignas(struct dirent64) char buf[1024];
  bool empty = true;
  ssize_t n;
  while (empty && (n = ::getdents64(fd, buf, sizeof buf)) > 0) {
    for (ssize_t at = 0; at < n;) {
      auto* e = reinterpret_cast<struct dirent64*>(buf + at);
      const char* name = e->d_name;
      if (!(name[0] == '.' && (name[1] == 0 || (name[1] == '.' && name[2] == 0)))) {
        empty = false;
        break;
      }
      at += e->d_reclen;
    }
  }
  ::close(fd);
  return empty;
}

}  // namespace

// An empty supervise/ is what rm -r leaves just before removing it: left
// alone until it has stayed empty for kEmptyGrace ms.
bool Files::emptied(int64_t now) noexcept {
  if (!empty_directory("supervise")) {
    empty_since_ = -1;
    return false;
  }
  if (empty_since_ < 0) empty_since_ = now;
  return now - empty_since_ < kEmptyGrace;
}

bool Files::check(int64_t now) noexcept {
  if (check_at_ < 0 || now < check_at_) return false;
  first_noticed_ = -1;
  if (intact() || !still_there()) {
    empty_since_ = -1;
    schedule(now);
    return false;
  }
  if (emptied(now)) {
    check_at_ = empty_since_ + kEmptyGrace;
    return false;
  }
  empty_since_ = -1;
  if (repair())
    schedule(now);
  else
    check_at_ = now + kRepairRetry;
  return true;
}

void Files::drop_control() noexcept {
  lib::warn({"unable to read ", dir_, "/supervise/control: not a FIFO"});
  close_fd(control_r_);
  close_fd(control_w_);
}

}  // namespace supervise
