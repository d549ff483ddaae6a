// The writing side of svscan's control FIFO (svscan/control.hpp has the
// format): a line "CODE\n" asks svscan for its orderly shutdown, after
// which it exits CODE. supervise sends it for an essential service.
#pragma once

namespace lib {

// The environment variable svscan sets to its control FIFO's absolute path.
constexpr const char* kSvscanControlEnv = "SVSCAN_CONTROL";

// Writes "code\n" (code 0..255) to the FIFO at path in one write(2),
// without blocking: false with errno set (ENXIO: nobody reads it; EAGAIN:
// it is full). EINTR is retried. Async-signal-safe.
bool shutdown_request(const char* path, int code) noexcept;

}  // namespace lib
