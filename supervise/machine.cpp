#include "supervise/machine.hpp"

#include <errno.h>
#include <signal.h>

namespace supervise {

bool event_for_byte(unsigned char c, Event& e) noexcept {
  switch (c) {
    case 'u': e = Event::kCmdUp; return true;
    case 'd': e = Event::kCmdDown; return true;
    case 'o': e = Event::kCmdOnce; return true;
    case 'p': e = Event::kCmdPause; return true;
    case 'c': e = Event::kCmdContinue; return true;
    case 'h': e = Event::kCmdHangup; return true;
    case 'a': e = Event::kCmdAlarm; return true;
    case 'i': e = Event::kCmdInterrupt; return true;
    case 't': e = Event::kCmdTerminate; return true;
    case 'k': e = Event::kCmdKill; return true;
    case 'x': e = Event::kCmdExit; return true;
    default: return false;
  }
}

void Machine::init(bool normally_up) noexcept {
  want_ = normally_up ? Want::kUp : Want::kDown;
  pid_changed();
  announce();
}

void Machine::begin() noexcept {
  if (want_ == Want::kUp) want_start();
}

void Machine::handle(Event e) noexcept {
  switch (e) {
    case Event::kCmdUp:
      want_ = Want::kUp;
      announce();
      if (state_ == State::kDown) want_start();
      break;
    case Event::kCmdDown:
      want_ = Want::kDown;
      if (state_ == State::kUp) {
        // CONT too, so a paused child sees the TERM.
        kill_child(SIGTERM);
        kill_child(SIGCONT);
        paused_ = false;
      } else if (state_ == State::kPending) {
        disarm(kStartTimer);
        state_ = State::kDown;
      }
      announce();
      break;
    case Event::kCmdOnce:
      want_ = Want::kOnce;
      announce();
      if (state_ == State::kDown) want_start();
      break;
    case Event::kCmdPause:
      paused_ = true;
      announce();
      kill_child(SIGSTOP);
      break;
    case Event::kCmdContinue:
      paused_ = false;
      announce();
      kill_child(SIGCONT);
      break;
    case Event::kCmdHangup: kill_child(SIGHUP); break;
    case Event::kCmdAlarm: kill_child(SIGALRM); break;
    case Event::kCmdInterrupt: kill_child(SIGINT); break;
    case Event::kCmdTerminate: kill_child(SIGTERM); break;
    case Event::kCmdKill: kill_child(SIGKILL); break;
    case Event::kCmdExit:
      exit_ = true;
      announce();
      break;
    case Event::kChildExited:
      if (state_ != State::kUp) break;
      pid_ = 0;
      state_ = State::kDown;
      pid_changed();
      // A restart that may happen at once is published as one change (the
      // new pid): a down record replaced microseconds later tells nobody
      // anything, and each status write costs a rename.
      if (!exit_ && want_ == Want::kUp && start_allowed()) {
        do_start();
        break;
      }
      announce();
      if (!exit_ && want_ == Want::kUp) want_start();
      break;
    case Event::kStartDue:
      if (state_ == State::kPending) do_start();
      break;
    case Event::kStatusDue:
      announce();
      break;
  }
}

void Machine::fire_timers() noexcept {
  int64_t now = fx_.now_ms();
  for (int t = 0; t < kTimerCount; ++t) {
    if (deadline_[t] < 0 || deadline_[t] > now) continue;
    deadline_[t] = -1;
    handle(t == kStartTimer ? Event::kStartDue : Event::kStatusDue);
  }
}

int Machine::timeout_ms() noexcept {
  int64_t next = -1;
  for (int64_t d : deadline_)
    if (d >= 0 && (next < 0 || d < next)) next = d;
  if (next < 0) return -1;
  int64_t left = next - fx_.now_ms();
  return left <= 0 ? 0 : left > 3600000 ? 3600000 : int(left);
}

bool Machine::start_allowed() noexcept {
  return !started_once_ || fx_.now_ms() >= last_start_ + kStartInterval;
}

void Machine::want_start() noexcept {
  if (state_ == State::kUp) return;
  if (start_allowed()) {
    do_start();
  } else {
    state_ = State::kPending;
    arm(kStartTimer, last_start_ + kStartInterval);
  }
}

void Machine::do_start() noexcept {
  disarm(kStartTimer);
  pid_t pid = fx_.spawn();
  if (pid < 0) {
    fx_.fork_failed(errno);
    state_ = State::kPending;
    arm(kStartTimer, fx_.now_ms() + kForkRetry);
    announce();  // the child that exited may not have been published yet
    return;
  }
  started_once_ = true;
  last_start_ = fx_.now_ms();
  pid_ = pid;
  state_ = State::kUp;
  paused_ = false;
  pid_changed();
  announce();
  fx_.release();
}

void Machine::pid_changed() noexcept { when_ = fx_.wall(); }

void Machine::announce() noexcept {
  status_.when = when_;
  status_.pid = uint32_t(pid_);
  status_.paused = (pid_ && paused_) ? 1 : 0;
  status_.want = want_ == Want::kUp ? 'u' : want_ == Want::kDown ? 'd' : 0;
  unsigned char rec[lib::kStatusSize];
  lib::status_encode(status_, rec);
  if (fx_.publish(rec))
    disarm(kStatusTimer);
  else
    arm(kStatusTimer, fx_.now_ms() + kStatusRetry);
}

void Machine::kill_child(int sig) noexcept {
  if (pid_) fx_.signal(pid_, sig);
}

}  // namespace supervise
