// Flags of an open file description.
#pragma once

namespace lib {

// Sets or clears O_NONBLOCK (shared by every descriptor of the same open
// file, in other processes too). 0, or -1 with errno set.
int set_nonblock(int fd, bool on) noexcept;

}  // namespace lib
