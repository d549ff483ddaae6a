// multilog's line patterns, with daemontools 0.76 semantics.
//
// A pattern is literal text in which '*' stands for "anything up to the
// next character of the pattern": "*x" skips to the FIRST 'x' of the line
// and goes on from there, with no backtracking. So "*error*" selects
// "error: disk" but not "severe error" (its first 'e' does not start
// "error"). A '*' at the end of the pattern matches the rest of the line.
// The whole line must be consumed: "foo" matches "foo" only.
#pragma once
#include <cstddef>

namespace multilog {

// True if pattern (NUL-terminated) matches all of buf[0, len).
bool pattern_match(const char* pattern, const char* buf, size_t len) noexcept;

}  // namespace multilog
