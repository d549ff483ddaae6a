#include "lib/prepared_exec.hpp"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstring>

namespace lib {

PreparedExec::~PreparedExec() {
  ::free(storage_);
  ::free(names_);
}

bool PreparedExec::prepare(const char* prog) noexcept {
  return prepare(prog, ::getenv("PATH"));
}

bool PreparedExec::prepare(const char* prog, const char* path) noexcept {
  ::free(storage_);
  ::free(names_);
  storage_ = nullptr;
  names_ = nullptr;
  n_ = 0;
  size_t plen = std::strlen(prog);
  if (std::strchr(prog, '/')) path = nullptr;  // run as given, no search
  else if (!path) path = "/bin:/usr/bin";
  // Upper bound: every entry becomes "<entry or .>/<prog>\0".
  size_t entries = 1, bytes = plen + 1;
  if (path) {
    for (const char* p = path; *p; ++p) entries += *p == ':';
    bytes = std::strlen(path) + entries * (plen + 3);
  }
  storage_ = static_cast<char*>(::malloc(bytes));
  names_ = static_cast<char**>(::malloc(entries * sizeof(char*)));
  if (!storage_ || !names_) {
    errno = ENOMEM;
    return false;
  }
  char* out = storage_;
  if (!path) {
    std::memcpy(out, prog, plen + 1);
    names_[n_++] = out;
    return true;
  }
  for (;;) {
    size_t split = std::strcspn(path, ":");
    names_[n_++] = out;
    if (split == 0) {
      *out++ = '.';
    } else {
      std::memcpy(out, path, split);
      out += split;
    }
    *out++ = '/';
    std::memcpy(out, prog, plen + 1);
    out += plen + 1;
    if (!path[split]) break;
    path += split + 1;
  }
  return true;
}

void PreparedExec::exec(char* const argv[], char* const envp[]) const noexcept {
  int saved = 0;
  for (int i = 0; i < n_; ++i) {
    ::execve(names_[i], argv, envp);
    if (errno != ENOENT) {
      saved = errno;
      if (errno != EACCES && errno != EPERM && errno != EISDIR) return;
    }
  }
  errno = saved ? saved : ENOENT;
}

}  // namespace lib
