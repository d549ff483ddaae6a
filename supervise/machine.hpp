// The supervise state machine: what happens to ./run on each event.
//
// It owns no descriptors and makes no system calls itself: starting the
// child, signalling it, publishing supervise/status and reading clocks go
// through Effects, so the transitions can be unit-tested with a fake. The
// poll loop (supervise/supervise.cpp) turns SIGCHLD, control bytes and expired timers
// into Events and feeds them to handle().
//
// States (with want = up, down, or once):
//   kDown     no child; stays so until a command asks for a start
//   kPending  a start is wanted but not yet allowed: ./run is started at
//             most once a second (kStartInterval after the previous start),
//             and a failed fork is retried after kForkRetry
//   kUp       ./run is running (maybe stopped by svc -p)
// Exit (svc -x) is a flag: supervise leaves once it is set and no child runs.
#pragma once
#include <sys/types.h>

#include <cstdint>

#include "lib/status.hpp"
#include "lib/tai.hpp"

namespace supervise {

enum class State : uint8_t { kDown, kPending, kUp };
enum class Want : uint8_t { kUp, kDown, kOnce };

enum class Event : uint8_t {
  // control letters, in svc's order: u d o p c h a i t k x
  kCmdUp, kCmdDown, kCmdOnce, kCmdPause, kCmdContinue, kCmdHangup, kCmdAlarm,
  kCmdInterrupt, kCmdTerminate, kCmdKill, kCmdExit,
  kChildExited,  // ./run was reaped
  kStartDue,     // the start timer expired
  kStatusDue,    // the status retry timer expired
};

enum Timer : uint8_t { kStartTimer, kStatusTimer, kTimerCount };

constexpr int64_t kStartInterval = 1000;  // ms between two starts of ./run
constexpr int64_t kForkRetry = 1000;      // ms before retrying a failed fork
constexpr int64_t kStatusRetry = 1000;    // ms before rewriting a status that failed

// The control byte's event; false for a byte that means nothing (ignored).
bool event_for_byte(unsigned char c, Event& e) noexcept;

class Effects {
 public:
  // Forks and execs ./run; the child's pid, or -1 (errno set) when no
  // child could be created. Exec failures happen in the child, which
  // reports them and exits 111.
  virtual pid_t spawn() noexcept = 0;
  // Lets the child created by the last spawn() go on to exec ./run. It is
  // called once the new pid is published: otherwise the child, busy
  // starting ./run, can take the CPU from supervise before the status
  // says "up", and observers see the change a millisecond late.
  virtual void release() noexcept = 0;
  virtual void signal(pid_t pid, int sig) noexcept = 0;
  // Replaces supervise/status; false (after a warning) to be retried.
  virtual bool publish(const unsigned char rec[lib::kStatusSize]) noexcept = 0;
  virtual void fork_failed(int err) noexcept = 0;  // warns
  virtual int64_t now_ms() noexcept = 0;           // monotonic
  virtual lib::Tai64n wall() noexcept = 0;         // for the status stamp
 protected:
  ~Effects() = default;
};

class Machine {
 public:
  explicit Machine(Effects& fx) noexcept : fx_(fx) {}

  // Start-up, first step: stamps and publishes the first status, wanting
  // up unless a down file exists (normally_up false).
  void init(bool normally_up) noexcept;
  // Second step: starts ./run when it is wanted up.
  void begin() noexcept;
  void handle(Event e) noexcept;
  // Delivers kStartDue / kStatusDue for every timer whose time has come.
  void fire_timers() noexcept;
  // Milliseconds until the next timer (0 if overdue), -1 when none is armed.
  int timeout_ms() noexcept;
  // Rewrites the status (after supervise/ was repaired, and on the way out).
  void republish() noexcept { announce(); }

  bool finished() const noexcept { return exit_ && state_ != State::kUp; }
  State state() const noexcept { return state_; }
  Want want() const noexcept { return want_; }
  pid_t child() const noexcept { return pid_; }
  bool paused() const noexcept { return paused_; }
  int64_t deadline(Timer t) const noexcept { return deadline_[t]; }
  // The record last published (or attempted).
  const lib::Status& status() const noexcept { return status_; }

 private:
  bool start_allowed() noexcept;
  void want_start() noexcept;
  void do_start() noexcept;
  void pid_changed() noexcept;
  void announce() noexcept;
  void kill_child(int sig) noexcept;
  void arm(Timer t, int64_t at) noexcept { deadline_[t] = at; }
  void disarm(Timer t) noexcept { deadline_[t] = -1; }

  Effects& fx_;
  State state_ = State::kDown;
  Want want_ = Want::kUp;
  bool paused_ = false;
  bool exit_ = false;
  pid_t pid_ = 0;
  bool started_once_ = false;
  int64_t last_start_ = 0;
  lib::Tai64n when_;
  lib::Status status_;
  int64_t deadline_[kTimerCount] = {-1, -1};
};

}  // namespace supervise
