// Small helpers for unit tests: temp dirs and running code in a child.
#pragma once
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "lib/fd.hpp"

namespace test {

// A fresh directory, removed with its contents on destruction.
class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/suite-unit-XXXXXX";
    path_ = ::mkdtemp(tmpl);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

struct ChildResult {
  int status = -1;  // as from waitpid
  std::string out, err;
  int exit_code() const { return WIFEXITED(status) ? WEXITSTATUS(status) : -1; }
};

// Runs fn() in a forked child with stdout/stderr captured; fn should exit.
// The child's Catch2 assertions reach nobody: fn reports through its exit
// status and output, and the parent asserts on them. An exception escaping
// fn (a REQUIRE) ends the child with 125 rather than letting it run on
// through the parent's remaining tests.
template <class Fn>
ChildResult run_child(Fn fn) {
  int out[2], err[2];
  if (::pipe(out) != 0 || ::pipe(err) != 0) return {};
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(out[1], 1);
    ::dup2(err[1], 2);
    ::close(out[0]);
    ::close(err[0]);
    try {
      fn();
    } catch (...) {
      ::_exit(125);
    }
    ::_exit(0);
  }
  ::close(out[1]);
  ::close(err[1]);
  ChildResult r;
  // Small outputs only: read stdout to EOF, then stderr.
  char buf[4096];
  for (ssize_t n; (n = lib::fd_read(out[0], buf, sizeof buf)) > 0;) r.out.append(buf, size_t(n));
  for (ssize_t n; (n = lib::fd_read(err[0], buf, sizeof buf)) > 0;) r.err.append(buf, size_t(n));
  ::close(out[0]);
  ::close(err[0]);
  ::waitpid(pid, &r.status, 0);
  return r;
}

}  // namespace test
