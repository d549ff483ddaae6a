#include "lib/exec.hpp"

#include <cstring>

#include "lib/prepared_exec.hpp"

extern char** environ;

namespace lib {

void path_exec(const char* file, char* const argv[], char* const envp[]) noexcept {
  PreparedExec search;
  if (search.prepare(file)) search.exec(argv, envp);
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
