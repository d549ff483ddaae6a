// svscan's control FIFO: how a service's ./finish, supervise (for an
// essential service) or an operator asks svscan for an orderly shutdown.
//
// Wire format: lines. A line holding a decimal number 0..255 (white space
// around it allowed) asks for the orderly shutdown, after which svscan
// exits with that number. Any other line is ignored with a warning. A
// writer sends one line per write(2) (shorter than PIPE_BUF, so it is
// never interleaved with another writer's).
//
// The FIFO defaults to .svscan/control inside the scan directory (a dot
// name, so the scan ignores it); svscan -c names another, for a read-only
// scan directory; only then is its absolute path exported to every
// supervise (and so to ./run and ./finish) as SVSCAN_CONTROL. The default
// one is found from a service directory as ../.svscan/control, so without
// -c the services' environment is exactly svscan's own (as under 0.76).
#pragma once
#include <cstddef>

#include "lib/shutdown_request.hpp"  // the writing side

namespace svscan {

constexpr const char* kDefaultControl = ".svscan/control";

// Splits the FIFO's bytes into lines and reads a request from each.
// Fixed-size: a line longer than the buffer is malformed.
class ControlParser {
 public:
  // Feeds n bytes. Returns the code (0..255) of the first valid request
  // in them, or -1 when none; malformed lines are warned about.
  int feed(const char* p, size_t n) noexcept;

 private:
  int line_done() noexcept;
  char line_[32];
  size_t len_ = 0;
  bool overflow_ = false;
};

// Creates (if missing) and opens the FIFO at path, reading end
// nonblocking, plus a writing end of our own so that poll() never sees
// end of file when a writer closes. mkdir_parent: also create path's
// directory (0700) when missing. Returns the reading descriptor, or -1
// with errno set. Both descriptors are close-on-exec.
int control_open(const char* path, bool mkdir_parent) noexcept;

}  // namespace svscan
