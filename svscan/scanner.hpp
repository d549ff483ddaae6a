// svscan's scanning loop: the table of services, starting and reaping
// supervise processes, the log pipes. See svscan.cpp for the contract.
#pragma once

namespace svscan {

// Scans the current directory now and every kScanInterval after, forever.
// Returns only when start-up allocation fails (with a message printed).
int run() noexcept;

}  // namespace svscan
