#include "multilog/pause.hpp"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <time.h>

#include "lib/selfpipe.hpp"

namespace multilog {

Signals& signals() noexcept {
  static Signals s;
  return s;
}

void take_signals() noexcept {
  for (int sig; (sig = lib::SelfPipe::read_signal()) != 0;) {
    if (sig == SIGTERM) signals().term = true;
    if (sig == SIGALRM) signals().alrm = true;
  }
}

bool Pauser::due() noexcept {
  timespec now;
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  if (warned_ && now.tv_sec - last_warn_sec_ < kWarnEverySec) return false;
  warned_ = true;
  last_warn_sec_ = now.tv_sec;
  return true;
}

bool Pauser::pause(lib::Parts parts, OnTerm on_term) noexcept {
  const int e = errno;
  if (due()) lib::warn_sys(parts);
  const bool give_up = on_term == OnTerm::give_up;
  if (give_up && signals().term) {
    errno = e;
    return false;
  }
  delay_ms_ = delay_ms_ ? delay_ms_ * 2 : kFirstPauseMs;
  if (delay_ms_ > kMaxPauseMs) delay_ms_ = kMaxPauseMs;
  // Woken early by a signal, the operation is simply tried again sooner.
  pollfd p{lib::SelfPipe::fd(), POLLIN, 0};
  if (::poll(&p, 1, int(delay_ms_)) > 0) take_signals();
  errno = e;
  return !(give_up && signals().term);
}

}  // namespace multilog
