// The scrolling window readproctitle keeps in its own argv.
#pragma once
#include <cstddef>

namespace readproctitle {

// Appends the non-NUL bytes of data[0..n) to window[0..size), which always
// keeps its size: old bytes shift out on the left, new ones come in on the
// right. Same result as daemontools' readproctitle applying one byte at a
// time, in one pass.
void title_push(char* window, size_t size, const char* data, size_t n) noexcept;

}  // namespace readproctitle
