// The descriptors supervise keeps on its supervise/ directory: the lock,
// the control FIFO (held open for reading AND writing, so a reader never
// sees EOF and poll never spins), the ok FIFO (its open read end is what
// svok and svstat test for). intact() notices when someone has removed or
// replaced any of them (or supervise/ itself) and repair() recreates them.
//
// Removals are noticed through dnotify (fcntl F_NOTIFY on "." and on
// supervise/, delivered as SIGIO), not by polling and not with inotify:
// an idle supervise must not wake at all (a tree of a thousand would
// otherwise spend CPU doing nothing), and a thousand supervise would
// exhaust the per-user limit on inotify instances, which dnotify does not
// have. Where dnotify is unavailable, supervise falls back to a periodic
// check.
//
// A repair waits until removals have stopped for kSettle ms, and happens
// only while the service directory is still there (linked, with its run):
// `svc -dx dir && rm -rf dir` or a bare `rm -rf dir` removes entry after
// entry, and recreating them meanwhile made rm fail ("Directory not
// empty"). An rm descheduled on a loaded machine can pause between two
// removals for longer than any quiet period, so the settling is generous
// (a second), and a supervise/ found empty, which is what rm leaves just
// before its rmdir, is taken for one being removed: refilled only if it
// is still there, still empty, kEmptyGrace ms later.
#pragma once
#include <stdint.h>
#include <sys/types.h>

namespace supervise {

constexpr int64_t kSettle = 1000;        // ms without removals before a check
constexpr int64_t kSettleMax = 5000;     // ... yet no later than this after the first
constexpr int64_t kEmptyGrace = 5000;    // ms an emptied supervise/ is left alone
constexpr int64_t kCheckInterval = 5000; // ms between checks without dnotify
constexpr int64_t kRepairRetry = 1000;   // ms before retrying a failed repair

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
  // (Re)arms the removal watches on "." and supervise/; SIGIO must be
  // caught first. false when dnotify is not available (errno set).
  bool watch() noexcept;
  // true while both watches are armed: no periodic check is needed.
  bool watching() const noexcept { return watch_dot_ >= 0 && watch_supervise_ >= 0; }

  // When to check (times are monotonic ms). schedule(now) after watch():
  // periodic checks only without dnotify. noticed(now): something was
  // removed or renamed, or ./run exited. check_at(): when the next check
  // is due, -1 for none. check(now): once due, repairs what has vanished
  // if the service directory is still there; true when it tried to (the
  // status is then to be written again).
  void schedule(int64_t now) noexcept { check_at_ = watching() ? -1 : now + kCheckInterval; }
  void noticed(int64_t now) noexcept;
  int64_t check_at() const noexcept { return check_at_; }
  bool check(int64_t now) noexcept;

 private:
  bool fifo_current(const char* path, int fd) noexcept;
  bool still_there() noexcept;
  bool emptied(int64_t now) noexcept;
  bool reopen_fifo(const char* path, int& rfd, int* wfd) noexcept;

  const char* dir_ = "";
  int lock_ = -1;
  int control_r_ = -1;
  int control_w_ = -1;
  int ok_ = -1;
  int watch_dot_ = -1;
  int watch_supervise_ = -1;
  bool dnotify_ = false;  // the first watch() worked: re-arm after repairs
  int64_t check_at_ = -1;
  int64_t first_noticed_ = -1;  // the first event since the last check
  int64_t empty_since_ = -1;    // when supervise/ was first seen empty
};

}  // namespace supervise
