// svscan's scanning loop: scanning, starting supervise processes, the log
// pipes; the table of services and reaping are in table.hpp, the orderly
// shutdown in shutdown.hpp. See svscan.cpp for the contract.
#pragma once
#include <cstdint>

namespace svscan {

struct Options {
  int64_t deadline_ms = 9000;     // -t: shutdown deadline
  const char* control = nullptr;  // -c: control FIFO (null: the default)
};

// Scans the current directory now and every kScanInterval after, until an
// orderly shutdown (see shutdown.hpp) has ended every child; returns the
// exit code asked for (0 after a signal). Dies when start-up fails.
int run(const Options& opt) noexcept;

}  // namespace svscan
