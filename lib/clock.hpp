// The monotonic clock in milliseconds, for timers in poll loops.
#pragma once
#include <stdint.h>

namespace lib {

// CLOCK_MONOTONIC in ms: never jumps with the wall clock. Cannot fail.
int64_t now_ms() noexcept;

}  // namespace lib
