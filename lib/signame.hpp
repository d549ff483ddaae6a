// Signal names, as svc -s and the down-signal and no-restart files of a
// service directory take them: "TERM", "SIGTERM" (either case), or a
// number from 1 to 64.
#pragma once
#include <string_view>

namespace lib {

// The signal number for name; 0 when it names no signal.
int signal_from_name(std::string_view name) noexcept;

// Only a name ("TERM", "USR1", ...), never a number; 0 when not one.
int signal_from_word(std::string_view name) noexcept;

}  // namespace lib
