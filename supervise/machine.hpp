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
// and, for a service directory with the setting files of settings.hpp
// (a directory without them never leaves the three above):
//   kFinishing      ./run has exited and ./finish runs
//   kBackoff        a start waits out a backoff pause (restart-delay-max)
//   kFailed         down after give-up's N deaths within T seconds, or
//                   after start-retries' N+1 failed starts in a row
//   kPermanentlyDown  down because ./finish exited 125
//   kNotRestarted   down because ./run exited as no-restart lists, or
//                   an essential service's ./run exited on its own
// The last three are down states like kDown (want is set to down); only
// svstat tells them apart, and svc -u leaves them.
// Readiness (within kUp): ./run is ready when its notification-fd pipe
// gives a newline (kReady), or, without one, at the first successful
// ./check; a service with neither is ready as soon as it is up. With
// timeout-ready, a ./run not ready in time is stopped (the stop sequence
// of svc -d) and its death counts as the service's: backoff and give-up
// apply, then it starts again. Health: ./check runs every check-interval
// while ./run is up, not paused and not being stopped (never during
// finish, backoff or down); one that overruns check-timeout is killed
// (its whole group) and counts as failed. Before ./run is ready, failures
// do not count (timeout-ready is for that) and the check is retried every
// second at most; after check-failures failures in a row ./run is stopped
// as for timeout-ready.
// notify (sd_notify): READY=1 makes ./run ready, STOPPING=1 and
// RELOADING=1 make it not ready (until the next READY=1), STATUS= is kept
// for svstat, MAINPID= names a process whose messages count as ./run's,
// EXTEND_TIMEOUT_USEC= pushes back timeout-ready (before ready) or
// timeout-kill (during a stop), WATCHDOG=1 restarts the timeout-watchdog
// timer, whose expiry (or WATCHDOG=trigger) restarts ./run as for
// timeout-ready. Who may send is checked by the caller (notified()).
// Exit (svc -x) is a flag: supervise leaves once it is set and neither
// ./run nor ./finish runs.
//
// Stopping (svc -d, svc -r): the down signal (down-signal, else TERM),
// then CONT; with timeout-kill, KILL when ./run has not exited that long
// after. With setsid, every signal goes to ./run's process group, and
// when ./run exits during a stop what is left of its group is killed.
#pragma once
#include <sys/types.h>

#include <cstdint>

#include "lib/status.hpp"
#include "lib/tai.hpp"
#include "supervise/notify.hpp"
#include "supervise/settings.hpp"

namespace supervise {

enum class State : uint8_t {
  kDown, kPending, kUp, kFinishing, kBackoff, kFailed, kPermanentlyDown, kNotRestarted
};
enum class Want : uint8_t { kUp, kDown, kOnce };

enum class Event : uint8_t {
  // control letters, in svc's order: u d o p c h a i t k x
  kCmdUp, kCmdDown, kCmdOnce, kCmdPause, kCmdContinue, kCmdHangup, kCmdAlarm,
  kCmdInterrupt, kCmdTerminate, kCmdKill, kCmdExit,
  kCmdSignal,     // send the signal given with the event (q 1 2 w, svc -s)
  kCmdRestart,    // r: the stop sequence, then start again
  kChildExited,   // ./run was reaped (with its wait status)
  kFinishExited,  // ./finish was reaped (with its wait status)
  kStartDue,      // the start timer expired
  kStatusDue,     // the status retry timer expired
  kKillDue,       // timeout-kill expired during a stop
  kFinishDue,     // timeout-finish expired
  kReady,         // ./run wrote its readiness newline (notification-fd)
  kReadyDue,      // timeout-ready expired
  kCheckDue,      // time for ./check
  kCheckExited,   // ./check was reaped (with its wait status)
  kCheckKillDue,  // check-timeout expired
  kWatchdogDue,   // timeout-watchdog expired without WATCHDOG=1
};

enum Timer : uint8_t {
  kStartTimer, kStatusTimer, kKillTimer, kFinishTimer, kReadyTimer, kCheckTimer, kCheckKillTimer,
  kWatchdogTimer, kTimerCount
};

constexpr int64_t kStartInterval = 1000;  // ms between two starts of ./run
constexpr int64_t kForkRetry = 1000;      // ms before retrying a failed fork
constexpr int64_t kStatusRetry = 1000;    // ms before rewriting a status that failed
constexpr int64_t kBackoffFirst = 1000;   // ms, the first backoff pause
constexpr int64_t kCheckUntilReady = 1000;  // ms at most between checks before ready

// The control FIFO's bytes. 0.76's letters: u d o p c h a i t k x.
// Ours mean nothing to 0.76 or to daemontools-encore (both ignore them):
// r (restart, as s6-svc -r) and 0x80 + n for signal n (1..64), which
// svc -s and encore's signal letters (svc -q, -1, -2, -w) send. Encore's
// own bytes for those ('q', '1', '2', 'w') stay ignored here, as in 0.76:
// a supervise must not act on bytes that 0.76 tools treat as noise. One
// byte per command, so a command is written atomically and never split.
constexpr unsigned char kRestartByte = 'r';
constexpr unsigned char kSignalByteBase = 0x80;

// The control byte's event (and, for kCmdSignal, its signal in sig);
// false for a byte that means nothing (ignored).
bool event_for_byte(unsigned char c, Event& e, int& sig) noexcept;

class Effects {
 public:
  // Forks and execs ./run; the child's pid, or -1 (errno set) when no
  // child could be created. Exec failures happen in the child, which
  // reports them and exits 111.
  virtual pid_t spawn(bool setsid) noexcept = 0;
  // Forks and execs ./finish with s6's arguments: ./run's exit code (256
  // if it was killed by a signal), the signal number (0 after an exit),
  // and the service directory as supervise was given it. The child's pid,
  // or -1 (errno set).
  virtual pid_t spawn_finish(int code, int sig, bool setsid) noexcept = 0;
  // Lets the child created by the last spawn() go on to exec ./run. It is
  // called once the new pid is published: otherwise the child, busy
  // starting ./run, can take the CPU from supervise before the status
  // says "up", and observers see the change a millisecond late.
  virtual void release() noexcept = 0;
  virtual void signal(pid_t pid, int sig) noexcept = 0;
  // Signals the process group pgid; false (errno set) when it fails, e.g.
  // ESRCH when the child has not yet made its group.
  virtual bool signal_group(pid_t pgid, int sig) noexcept = 0;
  // Replaces supervise/xstatus (x, first) and supervise/status (rec);
  // false (after a warning) to be retried.
  virtual bool publish(const unsigned char rec[lib::kStatusSize],
                       const unsigned char* x) noexcept = 0;
  // Reads the setting files (settings.hpp), warning about bad ones.
  virtual void load(Settings& s) noexcept = 0;
  virtual void fork_failed(int err) noexcept = 0;         // warns
  virtual void finish_fork_failed(int err) noexcept = 0;  // warns
  virtual void finish_timed_out() noexcept = 0;           // warns
  // Creates the notification-fd pipe the next spawn() passes to ./run as
  // descriptor fd; false (after a warning) when it cannot, and ./run then
  // starts without it.
  virtual bool open_notification(int fd) noexcept = 0;
  // Stops listening on it (./run is ready, or gone).
  virtual void close_notification() noexcept = 0;
  // Forks and execs ./check in a process group of its own; its pid, or -1
  // (errno set).
  virtual pid_t spawn_check() noexcept = 0;
  virtual void check_timed_out() noexcept = 0;  // warns
  // Creates the NOTIFY_SOCKET the next spawn() names to ./run (with
  // WATCHDOG_USEC when watchdog_ms > 0); false (after a warning) when it
  // cannot, and ./run then starts without it.
  virtual bool open_notify(int64_t watchdog_ms) noexcept = 0;
  virtual void close_notify() noexcept = 0;
  // Warns that ./run is being restarted for its health, and why.
  virtual void unhealthy(const char* why) noexcept = 0;
  virtual int64_t now_ms() noexcept = 0;           // monotonic
  virtual lib::Tai64n wall() noexcept = 0;         // for the status stamp
  // An essential service's ./run ended on its own with code (its exit
  // code, or 128 + the signal that killed it): ask svscan to shut down.
  virtual void essential_exited(int code) noexcept { (void)code; }
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
  // arg: the wait status for kChildExited and kFinishExited, the signal
  // for kCmdSignal.
  void handle(Event e, int arg = 0) noexcept;
  // Delivers kStartDue / kStatusDue for every timer whose time has come.
  void fire_timers() noexcept;
  // Milliseconds until the next timer (0 if overdue), -1 when none is armed.
  int timeout_ms() noexcept;
  // Rewrites the status (after supervise/ was repaired, and on the way out).
  void republish() noexcept { announce(); }

  bool finished() const noexcept {
    return exit_ && state_ != State::kUp && state_ != State::kFinishing;
  }
  State state() const noexcept { return state_; }
  Want want() const noexcept { return want_; }
  pid_t child() const noexcept { return pid_; }
  pid_t finish_child() const noexcept { return finish_pid_; }
  pid_t check_child() const noexcept { return check_pid_; }
  bool ready() const noexcept { return x_.ready_when.sec != 0; }
  // The process besides ./run whose sd_notify messages count (MAINPID=).
  pid_t notify_main() const noexcept { return notify_main_; }
  // A message on NOTIFY_SOCKET from an accepted sender.
  void notified(const NotifyMsg& m) noexcept;
  const Settings& settings() const noexcept { return settings_; }
  bool paused() const noexcept { return paused_; }

 private:
  bool start_allowed() noexcept;
  bool resting() const noexcept;
  void want_start() noexcept;
  void do_start() noexcept;
  void pid_changed() noexcept;
  void announce() noexcept;
  void kill_child(int sig) noexcept;
  void stop_child() noexcept;
  void child_exited(int wstat) noexcept;
  void after_run(bool permanent) noexcept;
  bool give_up(int64_t now) noexcept;
  void cmd_up(Want w) noexcept;
  void became_ready() noexcept;
  void health_failed(const char* why) noexcept;
  void check_exited(int wstat) noexcept;
  void arm_check(int64_t from) noexcept;
  void end_check() noexcept;
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
  Settings settings_;
  pid_t finish_pid_ = 0;
  bool stopping_ = false;  // svc -d or -r signalled ./run, which has not exited
  bool restart_ = false;   // svc -r: start again once ./run has exited
  int last_wstat_ = 0;     // of ./run, for no-restart
  bool last_stopped_ = false;  // ./run's last exit followed svc -d or -r
  int64_t backoff_until_ = 0;
  pid_t check_pid_ = 0;
  pid_t notify_main_ = 0;
  bool health_stop_ = false;   // the stop under way is for readiness or health
  bool health_death_ = false;  // ./run died of such a stop (until after_run)
  // ./run's last death was counted in x_.deaths as a quick one (within
  // restart-stable of its start): with start-retries, a failed start.
  bool failed_start_ = false;
  // Deaths counted for give-up: monotonic ms, a ring of the last ones.
  int64_t deaths_at_[kMaxGiveUp] = {};
  int deaths_next_ = 0;
  int deaths_held_ = 0;
  lib::XStatus x_;
  int64_t deadline_[kTimerCount] = {-1, -1, -1, -1, -1, -1, -1, -1};
};

}  // namespace supervise
