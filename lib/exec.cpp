#include "lib/exec.hpp"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstring>

extern char** environ;

namespace lib {

void path_exec(const char* file, char* const argv[], char* const envp[]) noexcept {
  if (std::strchr(file, '/')) {
    ::execve(file, argv, envp);
    return;
  }
  const char* path = ::getenv("PATH");
  if (!path) path = "/bin:/usr/bin";
  int saved = 0;
  std::string candidate;
  for (;;) {
    size_t split = std::strcspn(path, ":");
    try {
      candidate.assign(path, split);
      if (split == 0) candidate += '.';
      candidate += '/';
      candidate += file;
    } catch (...) {
      errno = ENOMEM;
      return;
    }
    ::execve(candidate.c_str(), argv, envp);
    if (errno != ENOENT) {
      saved = errno;
      if (errno != EACCES && errno != EPERM && errno != EISDIR) return;
    }
    if (!path[split]) {
      if (saved) errno = saved;
      return;
    }
    path += split + 1;
  }
}

void EnvEdit::set(std::string_view name, std::string_view value) {
  std::string e(name);
  e += '=';
  e += value;
  edits_.push_back(std::move(e));
}

void EnvEdit::unset(std::string_view name) { edits_.emplace_back(name); }

void EnvEdit::exec(char* const argv[]) {
  std::vector<char*> env;
  for (char** e = environ; *e; ++e) env.push_back(*e);
  for (std::string& edit : edits_) {
    size_t split = edit.find('=');
    size_t name_len = split == std::string::npos ? edit.size() : split;
    for (size_t t = 0; t < env.size(); ++t) {
      if (std::strncmp(env[t], edit.c_str(), name_len) == 0 && env[t][name_len] == '=') {
        env[t] = env.back();
        env.pop_back();
        break;
      }
    }
    if (split != std::string::npos) env.push_back(edit.data());
  }
  env.push_back(nullptr);
  path_exec(argv[0], argv, env.data());
}

}  // namespace lib
