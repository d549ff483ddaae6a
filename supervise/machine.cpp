#include "supervise/machine.hpp"

#include <errno.h>
#include <signal.h>
#include <sys/wait.h>

namespace supervise {

bool event_for_byte(unsigned char c, Event& e, int& sig) noexcept {
  sig = 0;
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
    case kRestartByte: e = Event::kCmdRestart; return true;
    default:
      if (c > kSignalByteBase && c <= kSignalByteBase + 64) sig = c - kSignalByteBase;
      break;
  }
  if (!sig) return false;
  e = Event::kCmdSignal;
  return true;
}

void Machine::init(bool normally_up) noexcept {
  want_ = normally_up ? Want::kUp : Want::kDown;
  fx_.load(settings_);
  pid_changed();
  announce();
}

void Machine::begin() noexcept {
  if (want_ == Want::kUp) want_start();
}

void Machine::handle(Event e, int arg) noexcept {
  switch (e) {
    case Event::kCmdUp: cmd_up(Want::kUp); break;
    case Event::kCmdOnce: cmd_up(Want::kOnce); break;
    case Event::kCmdDown:
      want_ = Want::kDown;
      restart_ = false;
      if (state_ == State::kUp) {
        stop_child();
      } else if (state_ != State::kFinishing) {
        disarm(kStartTimer);
        state_ = State::kDown;
      }
      announce();
      break;
    case Event::kCmdRestart:
      if (state_ != State::kUp) break;  // nothing runs: nothing to restart
      restart_ = true;
      stop_child();
      announce();
      break;
    case Event::kCmdPause:
      paused_ = true;
      disarm(kCheckTimer);  // no check while paused
      disarm(kWatchdogTimer);  // nor a WATCHDOG=1 to expect
      announce();
      kill_child(SIGSTOP);
      break;
    case Event::kCmdContinue:
      if (paused_ && state_ == State::kUp && settings_.check && !stopping_) arm_check(fx_.now_ms());
      if (paused_ && state_ == State::kUp && settings_.timeout_watchdog > 0 && !stopping_)
        arm(kWatchdogTimer, fx_.now_ms() + settings_.timeout_watchdog);
      paused_ = false;
      announce();
      kill_child(SIGCONT);
      break;
    case Event::kCmdHangup: kill_child(SIGHUP); break;
    case Event::kCmdAlarm: kill_child(SIGALRM); break;
    case Event::kCmdInterrupt: kill_child(SIGINT); break;
    case Event::kCmdTerminate: kill_child(SIGTERM); break;
    case Event::kCmdKill: kill_child(SIGKILL); break;
    case Event::kCmdSignal: kill_child(arg); break;
    case Event::kCmdExit:
      exit_ = true;
      announce();
      break;
    case Event::kChildExited:
      if (state_ == State::kUp) child_exited(arg);
      break;
    case Event::kFinishExited:
      if (state_ != State::kFinishing) break;
      finish_pid_ = 0;
      disarm(kFinishTimer);
      after_run(WIFEXITED(arg) && WEXITSTATUS(arg) == 125);
      break;
    case Event::kStartDue:
      if (state_ == State::kPending || state_ == State::kBackoff) do_start();
      break;
    case Event::kStatusDue:
      announce();
      break;
    case Event::kKillDue:
      if (state_ == State::kUp && stopping_) kill_child(SIGKILL);
      break;
    case Event::kFinishDue:
      if (state_ != State::kFinishing) break;
      fx_.finish_timed_out();
      if (!settings_.setsid || !fx_.signal_group(finish_pid_, SIGKILL))
        fx_.signal(finish_pid_, SIGKILL);
      break;
    case Event::kReady:
      if (state_ == State::kUp && !ready()) became_ready();
      break;
    case Event::kReadyDue:
      if (state_ == State::kUp && !ready() && !stopping_) health_failed("not ready within timeout-ready");
      break;
    case Event::kCheckDue: {
      if (state_ != State::kUp || paused_ || stopping_ || check_pid_ || !settings_.check) break;
      pid_t c = fx_.spawn_check();
      int64_t now = fx_.now_ms();
      if (c < 0) {  // counts as neither success nor failure
        fx_.fork_failed(errno);
        arm(kCheckTimer, now + kForkRetry);
        break;
      }
      check_pid_ = c;
      arm(kCheckKillTimer, now + settings_.check_timeout);
      break;
    }
    case Event::kCheckExited:
      if (!check_pid_) break;
      check_pid_ = 0;
      disarm(kCheckKillTimer);
      if (state_ == State::kUp && !stopping_) check_exited(arg);
      break;
    case Event::kWatchdogDue:
      if (state_ == State::kUp && !stopping_) health_failed("no WATCHDOG=1 within timeout-watchdog");
      break;
    case Event::kCheckKillDue:
      if (!check_pid_) break;
      fx_.check_timed_out();
      if (!fx_.signal_group(check_pid_, SIGKILL)) fx_.signal(check_pid_, SIGKILL);
      break;
  }
}

// ./run is ready: stamped, and the notification pipe is no longer read
// (s6 reads up to the first newline only).
void Machine::became_ready() noexcept {
  x_.ready_when = fx_.wall();
  disarm(kReadyTimer);
  if (settings_.notification_fd >= 0) fx_.close_notification();
  announce();
}

// Not ready in time, or too many failed checks: the stop sequence, and
// the death that follows counts as the service's (child_exited).
void Machine::health_failed(const char* why) noexcept {
  fx_.unhealthy(why);
  health_stop_ = true;
  disarm(kCheckTimer);
  disarm(kWatchdogTimer);
  stop_child();
  announce();
}

void Machine::check_exited(int wstat) noexcept {
  bool ok = WIFEXITED(wstat) && WEXITSTATUS(wstat) == 0;
  if (ok) {
    bool changed = x_.check_failures != 0;
    x_.check_failures = 0;
    if (!ready() && !settings_.says_ready())
      became_ready();  // s6-notifyoncheck: the first success means ready
    else if (changed)
      announce();
  } else if (ready()) {
    if (x_.check_failures < 0xffff) ++x_.check_failures;
    if (x_.check_failures >= settings_.check_failures) {
      health_failed("check failed check-failures times in a row");
      return;
    }
    announce();
  }
  arm_check(fx_.now_ms());
}

void Machine::notified(const NotifyMsg& m) noexcept {
  if (state_ != State::kUp) return;  // from a ./run that has gone
  int64_t now = fx_.now_ms();
  bool changed = false;
  if (m.has_status) {
    size_t n = m.status.size() < lib::kXStatusTextMax ? m.status.size() : lib::kXStatusTextMax;
    for (size_t i = 0; i < n; ++i) x_.text[i] = m.status[i];
    x_.text_len = uint16_t(n);
    changed = true;
  }
  if (m.mainpid) notify_main_ = m.mainpid;
  if (m.extend_usec >= 0) {
    int64_t until = now + m.extend_usec / 1000;
    if (!ready() && deadline_[kReadyTimer] >= 0 && deadline_[kReadyTimer] < until) arm(kReadyTimer, until);
    if (stopping_ && deadline_[kKillTimer] >= 0 && deadline_[kKillTimer] < until) arm(kKillTimer, until);
  }
  if (m.watchdog && settings_.timeout_watchdog > 0 && !stopping_)
    arm(kWatchdogTimer, now + settings_.timeout_watchdog);
  if (m.watchdog_trigger && !stopping_) {
    health_failed("WATCHDOG=trigger");
    return;
  }
  if ((m.stopping || m.reloading) && ready()) {
    x_.ready_when = {};
    changed = true;
  }
  if (m.ready && !m.stopping && !m.reloading && !ready()) {
    became_ready();  // announces
    return;
  }
  if (changed) announce();
}

// The next check: check-interval after from; before ./run is ready, a
// second at most.
void Machine::arm_check(int64_t from) noexcept {
  int64_t every = settings_.check_interval;
  if (!ready() && every > kCheckUntilReady) every = kCheckUntilReady;
  arm(kCheckTimer, from + every);
}

// ./run is gone: a running check goes too (its group), and its result
// will not count.
void Machine::end_check() noexcept {
  disarm(kCheckTimer);
  disarm(kCheckKillTimer);
  if (!check_pid_) return;
  if (!fx_.signal_group(check_pid_, SIGKILL)) fx_.signal(check_pid_, SIGKILL);
  check_pid_ = 0;
}

// u and o: the want changes; a service at rest starts (within the
// one-a-second limit); a backoff pause is cut short.
void Machine::cmd_up(Want w) noexcept {
  want_ = w;
  if (resting()) {  // an explicit start: earlier deaths no longer count
    deaths_held_ = 0;
    x_.deaths = 0;
  }
  if (!resting() && state_ != State::kBackoff) {
    announce();  // up, pending or finishing: the start happens when due
    return;
  }
  if (start_allowed()) {
    announce();
    do_start();
    return;
  }
  state_ = State::kPending;
  arm(kStartTimer, last_start_ + kStartInterval);
  announce();
}

// The down signal and CONT (so a paused child sees it); KILL later with
// timeout-kill. A second stop does not push the KILL back.
void Machine::stop_child() noexcept {
  kill_child(settings_.down_signal);
  kill_child(SIGCONT);
  paused_ = false;
  if (!stopping_ && settings_.timeout_kill > 0) arm(kKillTimer, fx_.now_ms() + settings_.timeout_kill);
  stopping_ = true;
}

void Machine::child_exited(int wstat) noexcept {
  pid_t old = pid_;
  int64_t now = fx_.now_ms();
  pid_ = 0;
  state_ = State::kDown;
  pid_changed();
  disarm(kKillTimer);
  disarm(kReadyTimer);
  disarm(kWatchdogTimer);
  end_check();
  if (settings_.notify) fx_.close_notify();
  notify_main_ = 0;
  if (settings_.notification_fd >= 0 && !ready()) fx_.close_notification();
  x_.ready_when = {};
  bool stopped = stopping_;
  stopping_ = false;
  health_death_ = health_stop_;
  health_stop_ = false;
  // What a stop leaves of the group (children that outlived ./run) goes
  // with it. The group id cannot have been reused while it has members.
  if (stopped && settings_.setsid) fx_.signal_group(old, SIGKILL);

  last_wstat_ = wstat;
  last_stopped_ = stopped || restart_;
  bool signalled = WIFSIGNALED(wstat);
  x_.exit_code = signalled ? 256 : uint16_t(WEXITSTATUS(wstat));
  x_.exit_signal = signalled ? static_cast<unsigned char>(WTERMSIG(wstat)) : 0;
  x_.exit_when = when_;
  // Deaths the operator caused (a stop, a restart) are not the service's.
  failed_start_ = false;
  if ((!stopped || health_death_) && !restart_ && want_ == Want::kUp) {
    if (now - last_start_ < settings_.restart_stable) {
      if (x_.deaths < 0xffff) ++x_.deaths;
      failed_start_ = true;
    } else {
      x_.deaths = 0;
    }
    if (settings_.give_up_deaths > 0) {
      deaths_at_[deaths_next_] = now;
      deaths_next_ = (deaths_next_ + 1) % kMaxGiveUp;
      if (deaths_held_ < kMaxGiveUp) ++deaths_held_;
    }
  }

  if (settings_.finish) {
    int code = signalled ? 256 : WEXITSTATUS(wstat);
    int sig = signalled ? WTERMSIG(wstat) : 0;
    pid_t f = fx_.spawn_finish(code, sig, settings_.setsid);
    if (f >= 0) {
      finish_pid_ = f;
      state_ = State::kFinishing;
      if (settings_.timeout_finish > 0) arm(kFinishTimer, now + settings_.timeout_finish);
      announce();
      return;
    }
    fx_.finish_fork_failed(errno);
  }
  after_run(false);
}

// ./run has exited (and ./finish, if any, too): what next.
void Machine::after_run(bool permanent) noexcept {
  bool restart = restart_;
  restart_ = false;
  bool health = health_death_;
  health_death_ = false;
  // With start-retries, a quick death is a failed start (supervisord's
  // BACKOFF): retried whatever it exited with, since supervisord applies
  // autorestart and exitcodes only to a process that reached RUNNING.
  bool retry = failed_start_ && settings_.start_retries >= 0;
  failed_start_ = false;
  state_ = State::kDown;
  // An essential service is never restarted after ending on its own:
  // svscan is asked to stop everything (even after svc -x or svc -o).
  if (settings_.essential && !last_stopped_) {
    want_ = Want::kDown;
    state_ = permanent ? State::kPermanentlyDown : State::kNotRestarted;
    announce();
    bool signalled = WIFSIGNALED(last_wstat_);
    fx_.essential_exited(signalled ? 128 + WTERMSIG(last_wstat_) : WEXITSTATUS(last_wstat_));
    return;
  }
  if (exit_) {
    announce();
    return;
  }
  if (permanent) {
    want_ = Want::kDown;
    state_ = State::kPermanentlyDown;
    announce();
    return;
  }
  if (!restart && want_ != Want::kUp) {
    announce();
    return;
  }
  if (!restart) {
    bool signalled = WIFSIGNALED(last_wstat_);
    // A death supervise caused (timeout-ready, checks) is not an exit the
    // service chose: no-restart does not apply.
    if (!health && !retry &&
        (signalled ? settings_.no_restart_signal(WTERMSIG(last_wstat_))
                   : settings_.no_restart_code(WEXITSTATUS(last_wstat_)))) {
      want_ = Want::kDown;
      state_ = State::kNotRestarted;
      announce();
      return;
    }
    int64_t now = fx_.now_ms();
    // x_.deaths counts the failed starts in a row: N retries that failed
    // too make N+1 (supervisord's FATAL).
    if (give_up(now) || (retry && x_.deaths > settings_.start_retries)) {
      want_ = Want::kDown;
      state_ = State::kFailed;
      announce();
      return;
    }
    if (settings_.restart_delay_max > 0 && x_.deaths > 0) {
      int64_t delay = kBackoffFirst;
      for (int i = 1; i < x_.deaths && delay < settings_.restart_delay_max; ++i) delay *= 2;
      if (delay > settings_.restart_delay_max) delay = settings_.restart_delay_max;
      backoff_until_ = now + delay;
      if (backoff_until_ < last_start_ + kStartInterval) backoff_until_ = last_start_ + kStartInterval;
      state_ = State::kBackoff;
      arm(kStartTimer, backoff_until_);
      announce();
      return;
    }
  }
  // A restart that may happen at once is published as one change (the
  // new pid): a down record replaced microseconds later tells nobody
  // anything, and each status write costs a rename.
  if (start_allowed()) {
    do_start();
    return;
  }
  state_ = State::kPending;
  arm(kStartTimer, last_start_ + kStartInterval);
  announce();
}

// true when the last give_up_deaths deaths all fell within give_up_ms.
bool Machine::give_up(int64_t now) noexcept {
  int n = settings_.give_up_deaths;
  if (n <= 0 || deaths_held_ < n) return false;
  int64_t oldest = deaths_at_[(deaths_next_ - n + kMaxGiveUp) % kMaxGiveUp];
  if (now - oldest > settings_.give_up_ms) return false;
  deaths_held_ = 0;
  return true;
}

void Machine::fire_timers() noexcept {
  static constexpr Event kEvents[kTimerCount] = {
      Event::kStartDue, Event::kStatusDue,   Event::kKillDue,     Event::kFinishDue,
      Event::kReadyDue, Event::kCheckDue, Event::kCheckKillDue, Event::kWatchdogDue};
  int64_t now = fx_.now_ms();
  for (int t = 0; t < kTimerCount; ++t) {
    if (deadline_[t] < 0 || deadline_[t] > now) continue;
    deadline_[t] = -1;
    handle(kEvents[t]);
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

bool Machine::resting() const noexcept {
  return state_ == State::kDown || state_ == State::kFailed ||
         state_ == State::kPermanentlyDown || state_ == State::kNotRestarted;
}

void Machine::want_start() noexcept {
  if (state_ == State::kUp || state_ == State::kFinishing) return;
  if (start_allowed()) {
    do_start();
  } else {
    state_ = State::kPending;
    arm(kStartTimer, last_start_ + kStartInterval);
  }
}

void Machine::do_start() noexcept {
  disarm(kStartTimer);
  fx_.load(settings_);
  if (settings_.notification_fd >= 0 && !fx_.open_notification(settings_.notification_fd))
    settings_.notification_fd = -1;
  if (settings_.notify && !fx_.open_notify(settings_.timeout_watchdog)) {
    settings_.notify = false;
    settings_.timeout_watchdog = 0;
  }
  pid_t pid = fx_.spawn(settings_.setsid);
  if (pid < 0) {
    fx_.fork_failed(errno);
    if (settings_.notification_fd >= 0) fx_.close_notification();
    if (settings_.notify) fx_.close_notify();
    state_ = State::kPending;
    arm(kStartTimer, fx_.now_ms() + kForkRetry);
    announce();  // the child that exited may not have been published yet
    return;
  }
  if (started_once_ && x_.restarts < 0xffffffff) ++x_.restarts;
  started_once_ = true;
  last_start_ = fx_.now_ms();
  pid_ = pid;
  state_ = State::kUp;
  paused_ = false;
  stopping_ = false;
  health_stop_ = false;
  pid_changed();
  x_.check_failures = 0;
  x_.text_len = 0;  // STATUS= is the running ./run's
  notify_main_ = 0;
  if (settings_.timeout_watchdog > 0) arm(kWatchdogTimer, last_start_ + settings_.timeout_watchdog);
  // Without a readiness protocol, up is ready.
  x_.ready_when = settings_.readiness() ? lib::Tai64n{} : when_;
  if (settings_.readiness() && settings_.timeout_ready > 0)
    arm(kReadyTimer, last_start_ + settings_.timeout_ready);
  if (settings_.check) arm_check(last_start_);
  announce();
  fx_.release();
}

void Machine::pid_changed() noexcept { when_ = fx_.wall(); }

namespace {

lib::XState xstate(State s) noexcept {
  switch (s) {
    case State::kDown: return lib::XState::kDown;
    case State::kPending: return lib::XState::kPending;
    case State::kUp: return lib::XState::kUp;
    case State::kFinishing: return lib::XState::kFinishing;
    case State::kBackoff: return lib::XState::kBackoff;
    case State::kFailed: return lib::XState::kFailed;
    case State::kPermanentlyDown: return lib::XState::kPermanentlyDown;
    case State::kNotRestarted: return lib::XState::kNotRestarted;
  }
  return lib::XState::kDown;
}

}  // namespace

void Machine::announce() noexcept {
  lib::Status st;
  st.when = when_;
  st.pid = uint32_t(pid_);
  st.paused = (pid_ && paused_) ? 1 : 0;
  st.want = want_ == Want::kUp ? 'u' : want_ == Want::kDown ? 'd' : 0;
  unsigned char rec[lib::kStatusSize];
  lib::status_encode(st, rec);
  unsigned char x[lib::kXStatusSize];
  {
    x_.features = (settings_.any ? lib::kXFeatureSettings : 0) |
                  (settings_.readiness() ? lib::kXFeatureReadiness : 0) |
                  (settings_.check ? lib::kXFeatureCheck : 0) |
                  (settings_.notify ? lib::kXFeatureNotify : 0) |
                  (settings_.timeout_watchdog > 0 ? lib::kXFeatureWatchdog : 0);
    x_.state = xstate(state_);
    x_.flags = stopping_ ? lib::kXStatusStopping : 0;
    x_.backoff_until = {};
    if (state_ == State::kBackoff) {
      // The monotonic deadline, as wall-clock time for svstat.
      int64_t left = backoff_until_ - fx_.now_ms();
      if (left < 0) left = 0;
      lib::Tai64n now = fx_.wall();
      uint64_t nano = uint64_t(now.nano) + uint64_t(left % 1000) * 1000000;
      x_.backoff_until = {now.sec + uint64_t(left / 1000) + nano / 1000000000,
                          uint32_t(nano % 1000000000)};
    }
    lib::xstatus_encode(rec, x_, x);
  }
  if (fx_.publish(rec, x))
    disarm(kStatusTimer);
  else
    arm(kStatusTimer, fx_.now_ms() + kStatusRetry);
}

void Machine::kill_child(int sig) noexcept {
  if (!pid_) return;
  // Before the child has called setsid() its group does not exist yet:
  // the signal then goes to the child, which is still waiting to exec.
  if (settings_.setsid && fx_.signal_group(pid_, sig)) return;
  fx_.signal(pid_, sig);
}

}  // namespace supervise
