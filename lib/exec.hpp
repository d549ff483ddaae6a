// Running a program the way daemontools does.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace lib {

// daemontools' pathexec_run: runs file by the search of lib/prepared_exec.hpp
// with PATH from the current environment. Returns only on failure, errno set
// to the error to report (ENOMEM if the candidates could not be stored).
// Allocates; not for use between vfork() and exec().
void path_exec(const char* file, char* const argv[], char* const envp[]) noexcept;

// Environment changes applied the way daemontools' pathexec_env does, so
// the child sees the same variables in the same order as under 0.76: a
// changed or removed variable's slot is filled by the last one, and new
// values go at the end.
class EnvEdit {
 public:
  void set(std::string_view name, std::string_view value);
  void unset(std::string_view name);
  // Builds the environment and path_exec()s argv[0]. Returns only on failure.
  void exec(char* const argv[]);

 private:
  std::vector<std::string> edits_;  // "NAME=VALUE" or "NAME" (remove)
};

}  // namespace lib
