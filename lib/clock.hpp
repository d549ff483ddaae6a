// The monotonic clock in milliseconds, for timers in poll loops, and in
// nanoseconds.
#pragma once
#include <stdint.h>

namespace lib {

// CLOCK_MONOTONIC in ms: never jumps with the wall clock. Cannot fail.
int64_t now_ms() noexcept;
// CLOCK_MONOTONIC in ns, counted from 1: never 0, so that 0 can mean "not
// set". Cannot fail.
uint64_t now_ns() noexcept;

}  // namespace lib
