// Error reporting in daemontools form, one line on stderr:
//   prog: fatal: unable to open supervise/control: file does not exist
//   prog: warning: ...
//   prog: usage: prog dir
// Reasons use daemontools' own wording (error_str), not strerror, so that
// scripts and people used to 0.76 read the same text.
// Lines are built in a stack buffer and sent with one write(2): no heap,
// safe between fork() and exec().
#pragma once
#include <initializer_list>
#include <string_view>

namespace lib {

namespace exitcode {
constexpr int perm = 100;  // usage, bad input: retrying will not help
constexpr int temp = 111;  // a system call failed: retrying may help
}  // namespace exitcode

using Parts = std::initializer_list<std::string_view>;

// Sets the name printed before every message (keeps the pointer).
void set_prog(const char* name) noexcept;

// daemontools' text for errno value e ("file does not exist", ...).
const char* error_str(int e) noexcept;

// "prog: fatal: <parts>\n", then _exit(code): buffered output is not flushed.
[[noreturn]] void die(int code, Parts parts) noexcept;
// As die, with ": <error_str(errno)>" appended.
[[noreturn]] void die_sys(int code, Parts parts) noexcept;
// "prog: usage: <usage>\n", exit code (100 unless the reference differs).
[[noreturn]] void die_usage(std::string_view usage, int code = exitcode::perm) noexcept;
// "prog: warning: <parts>\n"; errno preserved.
void warn(Parts parts) noexcept;
// As warn, with ": <error_str(errno)>" appended; errno preserved.
void warn_sys(Parts parts) noexcept;

// Writes "<parts>\n" (joined, truncated at 4 KiB) to fd in one write(2).
// Returns false on error, errno set; errno preserved on success.
bool write_line(int fd, Parts parts) noexcept;

}  // namespace lib
