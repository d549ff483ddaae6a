// Out of memory, the daemontools way: "prog: fatal: out of memory", exit
// 111 (its nomem()), instead of an uncaught std::bad_alloc and abort().
#pragma once
#include <new>

#include "lib/err.hpp"

namespace lib {

[[noreturn]] inline void die_nomem() noexcept { die(exitcode::temp, {"out of memory"}); }

// From now on a failed operator new (std::string, std::vector, new[] ...)
// ends the program with die_nomem() rather than throwing. Call first in main.
inline void nomem_is_fatal() noexcept {
  std::set_new_handler([] { die_nomem(); });
}

}  // namespace lib
