// envdir's rule for turning a file's contents into a variable's value.
#pragma once
#include <cstddef>

namespace envdir {

// Rewrites buf[0..len) in place into the value envdir gives it: only the
// first line (up to, not including, the first '\n'), trailing spaces and
// tabs removed, each NUL byte turned into '\n'. Returns the value's length.
size_t envfile_value(char* buf, size_t len) noexcept;

}  // namespace envdir
