// The PATH search of daemontools' pathexec_run, split in two so that the
// search itself needs no memory: prepare() allocates once and expands PATH
// into the list of candidate file names ("dir/prog"); exec() tries them with
// execve alone, which is async-signal-safe, so svscan can run it in a
// vfork()ed child. lib::path_exec is prepare() then exec().
//
// A name containing '/' is the only candidate, as given. Otherwise PATH
// unset means "/bin:/usr/bin" and an empty entry means ".". ENOENT moves on;
// EACCES, EPERM and EISDIR are remembered and the search goes on; any other
// error stops it. At the end errno is the remembered error, or ENOENT.
#pragma once

namespace lib {

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

}  // namespace lib
