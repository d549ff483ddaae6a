#include "supervise/files.hpp"

#include <errno.h>
#include <fcntl.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

#include "lib/err.hpp"
#include "lib/lock.hpp"

namespace supervise {
namespace {

constexpr uint32_t kWatchMask = IN_DELETE | IN_MOVED_FROM | IN_DELETE_SELF | IN_MOVE_SELF;

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

bool ours(const char* name) noexcept {
  return !std::strcmp(name, "control") || !std::strcmp(name, "ok") || !std::strcmp(name, "lock") ||
         !std::strcmp(name, "status");
}

}  // namespace

void Files::acquire_lock(const char* dir) noexcept {
  dir_ = dir;
  ::mkdir("supervise", 0700);
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

void Files::watch(const char* dir) noexcept {
  inotify_ = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (inotify_ == -1) {
    lib::warn_sys({"unable to watch ", dir, "/supervise"});
    return;
  }
  wd_ = ::inotify_add_watch(inotify_, "supervise", kWatchMask);
  if (wd_ == -1) lib::warn_sys({"unable to watch ", dir, "/supervise"});
}

bool Files::drain_watch() noexcept {
  alignas(inotify_event) char buf[4096];
  bool hit = false;
  for (;;) {
    ssize_t r = ::read(inotify_, buf, sizeof buf);
    if (r <= 0) break;
    for (ssize_t off = 0; off < r;) {
      const auto* ev = reinterpret_cast<const inotify_event*>(buf + off);
      if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED | IN_Q_OVERFLOW)) hit = true;
      if (ev->len && ours(ev->name)) hit = true;
      if (ev->mask & IN_IGNORED) wd_ = -1;
      off += ssize_t(sizeof(inotify_event) + ev->len);
    }
  }
  return hit;
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
  if (::mkdir("supervise", 0700) == -1 && errno != EEXIST) {
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
  if (inotify_ >= 0 && wd_ == -1) {
    wd_ = ::inotify_add_watch(inotify_, "supervise", kWatchMask);
    if (wd_ == -1) {
      lib::warn_sys({"unable to watch ", dir_, "/supervise"});
      ok = false;
    }
  }
  return ok;
}

void Files::drop_control() noexcept {
  lib::warn({"unable to read ", dir_, "/supervise/control: not a FIFO"});
  close_fd(control_r_);
  close_fd(control_w_);
}

}  // namespace supervise
