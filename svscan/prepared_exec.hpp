// Running one program by PATH search from a vfork()ed child.
//
// lib::path_exec allocates, so it cannot run between vfork() and exec().
// PreparedExec does the allocation once, at start-up: it expands PATH into
// the list of candidate file names ("dir/prog") and later tries them with
// execve alone, which is async-signal-safe and needs no memory. The search
// follows daemontools' pathexec_run (see lib/exec.hpp): PATH unset means
// "/bin:/usr/bin", an empty entry means ".", ENOENT moves on, EACCES/EPERM/
// EISDIR are remembered and the search goes on, any other error stops it.
#pragma once

namespace svscan {

class PreparedExec {
 public:
  PreparedExec() = default;
  PreparedExec(const PreparedExec&) = delete;
  PreparedExec& operator=(const PreparedExec&) = delete;
  ~PreparedExec();

  // Prepares to run prog with PATH taken from the environment now.
  // false on error (errno ENOMEM).
  bool prepare(const char* prog) noexcept;
  // As prepare, with an explicit PATH value (nullptr = unset).
  bool prepare(const char* prog, const char* path) noexcept;

  // Number of candidates and the i-th one (for tests and messages).
  int size() const noexcept { return n_; }
  const char* candidate(int i) const noexcept { return names_[i]; }

  // execve()s the candidates in turn with argv/envp. Returns only on
  // failure, errno set to the error to report. Async-signal-safe.
  void exec(char* const argv[], char* const envp[]) const noexcept;

 private:
  char* storage_ = nullptr;  // all names, NUL-separated
  char** names_ = nullptr;
  int n_ = 0;
};

}  // namespace svscan
