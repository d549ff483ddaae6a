// Retrying failed file operations, and the signals that arrive meanwhile.
//
// multilog's signal handlers (lib::SelfPipe) only write the signal number
// into a pipe; take_signals() moves what is there into flags that the main
// loop acts on. A pause sleeps in poll() on that pipe, so a signal is
// taken while multilog waits to retry too, and SIGTERM can end the retry
// of an operation that may be abandoned without losing a line.
#pragma once
#include "lib/err.hpp"

namespace multilog {

struct Signals {
  bool term = false;  // SIGTERM arrived: finish the line being read, write out, exit
  bool alrm = false;  // SIGALRM arrived and has not been acted on yet
};
// The flags, one set for the process.
Signals& signals() noexcept;
// Moves every signal waiting in the self-pipe into signals().
void take_signals() noexcept;

// What a pause does once SIGTERM has arrived: go on retrying (an operation
// whose abandonment would lose data), or give up.
enum class OnTerm { retry, give_up };

// The pauses between attempts at one operation: the first warns, then at
// most one warning every kWarnEverySec; the sleeps grow from kFirstPauseMs
// to kMaxPauseMs, so work resumes soon after the trouble goes away.
class Pauser {
 public:
  static constexpr long kFirstPauseMs = 50, kMaxPauseMs = 500, kWarnEverySec = 5;
  // Warns "parts: <reason of errno>" if due, then sleeps. Returns false,
  // before or during the sleep, when on_term is give_up and SIGTERM has
  // arrived; true after the sleep otherwise. errno is kept.
  bool pause(lib::Parts parts, OnTerm on_term = OnTerm::retry) noexcept;

 private:
  bool due() noexcept;
  long delay_ms_ = 0;
  long last_warn_sec_ = 0;
  bool warned_ = false;
};

// Runs op() until it returns true, pausing after each failure with the
// warning parts (errno, as op left it, is the reason). Returns true once op
// succeeded, false if it gave up on SIGTERM (only with OnTerm::give_up).
template <class Op>
bool retry(Op op, lib::Parts warning, OnTerm on_term = OnTerm::retry) {
  Pauser p;
  while (!op())
    if (!p.pause(warning, on_term)) return false;
  return true;
}

}  // namespace multilog
