// Describing many service directories at once, for svstat. Each one is
// entered with chdir(2), as 0.76 does (so its errors read the same), and
// left with fchdir(2) back to where svstat started. From kThreadedFrom
// directories on, contiguous shares of them go to one thread per core,
// each with a working directory of its own (unshare CLONE_FS): 10,000
// services are about 110,000 system calls, most of svstat's time.
#pragma once
#include <cstddef>

#include "lib/service_report.hpp"
#include "lib/tai.hpp"

namespace svstat {

struct Described {
  lib::ServiceReport report;
  lib::Tai64n now;  // read just after the description, for its ages
};

inline constexpr size_t kThreadedFrom = 256;

// Describes dirs[0 .. n) into out[0 .. n), returning to the directory
// open as orig after each. Returns how many of them, in order, are
// described and returned from: n, or fewer when returning from one failed
// (errno set): that one is described, and is the last one to print.
size_t describe_all(char* const* dirs, size_t n, int orig, Described* out, bool& lost) noexcept;

}  // namespace svstat
