// The descriptors supervise keeps on its supervise/ directory: the lock,
// the control FIFO (held open for reading AND writing, so a reader never
// sees EOF and poll never spins), the ok FIFO (its open read end is what
// svok and svstat test for). check() notices when someone has removed or
// replaced any of them (or supervise/ itself) and recreates them. It is
// polled (supervise calls it every few seconds) rather than watched with
// inotify: a tree of a thousand supervise would exhaust the per-user limit
// on inotify instances.
#pragma once
#include <sys/types.h>

namespace supervise {

class Files {
 public:
  // Start-up, in 0.76's order and with its fatal messages (exit 111); dir
  // is the argument as given, for messages.
  void acquire_lock(const char* dir) noexcept;
  void open_control(const char* dir) noexcept;
  void open_ok(const char* dir) noexcept;
  int control_fd() const noexcept { return control_r_; }

  // true when the lock and both FIFOs are still the files we hold open.
  bool intact() noexcept;
  // Recreates whatever has vanished (directory, FIFOs, lock) and reopens
  // it. true when all is in place; false after a warning, to be retried.
  bool repair() noexcept;
  // Stops polling the control descriptor (it is not a FIFO and reads EOF).
  void drop_control() noexcept;

 private:
  bool fifo_current(const char* path, int fd) noexcept;
  bool reopen_fifo(const char* path, int& rfd, int* wfd) noexcept;

  const char* dir_ = "";
  int lock_ = -1;
  int control_r_ = -1;
  int control_w_ = -1;
  int ok_ = -1;
};

}  // namespace supervise
