// Turning signals into events for a poll loop.
//
// SelfPipe::catch_signal installs a handler (sigaction, no SA_RESTART) that
// writes the signal number as one byte into a nonblocking, close-on-exec
// pipe; the main loop polls fd() and read_signal() drains it. All real
// work then happens in the loop, never in the handler.
#pragma once
#include <signal.h>

namespace lib {

class SelfPipe {
 public:
  // Creates the pipe. false on error, errno set. Call once, before
  // catch_signal.
  static bool init() noexcept;
  // Routes sig to the pipe and unblocks it (an inherited mask must not
  // silence it). false on error, errno set.
  static bool catch_signal(int sig) noexcept;
  // The read end, for poll().
  static int fd() noexcept;
  // Next pending signal number, or 0 when none is pending.
  static int read_signal() noexcept;
  // Whether a signal may be waiting in the pipe: false only when no signal
  // was caught since init() or since a read_signal() found the pipe
  // empty. So
  // a busy loop can look at the pipe only when this says so instead of
  // polling it every time. No system call; async-signal-safe.
  static bool pending() noexcept;
};

// Restores the default disposition of every catchable signal and an empty
// signal mask: what a child gets before exec. Async-signal-safe.
void reset_signals_for_exec() noexcept;

}  // namespace lib
