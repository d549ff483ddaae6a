#include "svimport/service.hpp"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>

#include "lib/fd.hpp"

namespace svimport {

void Diag::not_converted(const Where& w, std::string_view key, std::string_view why) {
  std::string s = w.str();
  s += ": ";
  s += key;
  s += ": not converted (";
  s += why;
  s += ')';
  warnings.push_back(std::move(s));
  warned_at.push_back(w);
}

void Diag::warn(const Where& w, std::string_view text) {
  std::string s = w.str();
  s += ": ";
  s += text;
  warnings.push_back(std::move(s));
  warned_at.push_back(w);
}

void Diag::sort() {
  std::vector<std::string> files;
  auto rank = [&](const std::string& f) {
    for (size_t i = 0; i < files.size(); ++i)
      if (files[i] == f) return i;
    files.push_back(f);
    return files.size() - 1;
  };
  std::vector<size_t> order(warnings.size());
  std::vector<std::pair<size_t, int>> key(warnings.size());
  for (size_t i = 0; i < warnings.size(); ++i) {
    order[i] = i;
    key[i] = {rank(warned_at[i].file), warned_at[i].line};
  }
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return key[a] < key[b]; });
  std::vector<std::string> w;
  std::vector<Where> at;
  for (size_t i : order) {
    w.push_back(warnings[i]);
    at.push_back(warned_at[i]);
  }
  warnings = std::move(w);
  warned_at = std::move(at);
}

bool Diag::fail(const Where& w, std::string_view text) {
  if (error.empty()) {
    error = w.str();
    error += ": ";
    error += text;
  }
  return false;
}

const std::string* Context::getenv(std::string_view name) const {
  for (const auto& kv : environ)
    if (kv.first == name) return &kv.second;
  return nullptr;
}

bool read_text(const std::string& path, std::string& text) {
  lib::Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return false;
  text.clear();
  char buf[65536];
  for (;;) {
    ssize_t r = lib::fd_read(fd.get(), buf, sizeof buf);
    if (r < 0) return false;
    if (r == 0) return true;
    text.append(buf, size_t(r));
  }
}

std::string dir_name(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string join_path(const std::string& base, const std::string& path) {
  if (!path.empty() && path[0] == '/') return path;
  if (base.empty() || base == ".") return path;
  if (base.back() == '/') return base + path;
  return base + "/" + path;
}

std::string norm_path(const std::string& path) {
  if (path.empty()) return ".";
  bool abs = path[0] == '/';
  std::vector<std::string> parts;
  size_t i = 0;
  while (i <= path.size()) {
    size_t slash = path.find('/', i);
    if (slash == std::string::npos) slash = path.size();
    std::string part = path.substr(i, slash - i);
    if (part.empty() || part == ".") {
    } else if (part == ".." && ((!parts.empty() && parts.back() != "..") || abs)) {
      if (!parts.empty()) parts.pop_back();
    } else {
      parts.push_back(part);
    }
    i = slash + 1;
  }
  std::string r = abs ? "/" : "";
  for (size_t k = 0; k < parts.size(); ++k) {
    if (k) r += '/';
    r += parts[k];
  }
  return r.empty() ? "." : r;
}

const char* const kManagedFiles[] = {"down",          "down-signal",       "timeout-kill",
                                     "setsid",        "no-restart",        "start-retries", "give-up",
                                     "restart-delay-max", "restart-stable", "notification-fd",
                                     nullptr};

bool env_file(std::string_view value, std::string& out) {
  out.clear();
  if (value.find('\0') != std::string_view::npos) return false;
  if (!value.empty() && (value.back() == ' ' || value.back() == '\t')) return false;
  for (char c : value) out += c == '\n' ? '\0' : c;
  out += '\n';
  return true;
}

bool valid_dir_name(std::string_view name) {
  if (name.empty() || name.size() > 200 || name.front() == '.') return false;
  for (unsigned char c : name)
    if (c == '/' || c < 0x20 || c == 0x7f) return false;
  return true;
}

bool has_dotdot(std::string_view path) {
  while (!path.empty()) {
    size_t slash = path.find('/');
    std::string_view part = path.substr(0, slash);
    if (part == "..") return true;
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return false;
}

// no-restart's word for every exit code and every signal.
std::string no_restart_all() { return "all"; }

int64_t give_up_window(int n, int64_t quick_s, int64_t delay_max_ms) {
  int64_t ms = 0, pause = 1000;
  for (int k = 1; k < n; ++k) {
    ms += (pause < delay_max_ms ? pause : delay_max_ms) + quick_s * 1000;
    if (pause < delay_max_ms) pause *= 2;
  }
  return (ms + 999) / 1000 + 1;
}

namespace {

std::string number_line(int64_t n) { return std::to_string(n) + "\n"; }

std::string exec_line(const Spec& s, std::string_view env_dir) {
  std::string line = "exec";
  if (!s.env.empty()) {
    line += " envdir ";
    line += env_dir;
  }
  if (!s.user.empty()) {
    line += " setuidgid ";
    line += sh_quote(s.user);
  }
  for (const std::string& a : s.argv) {
    line += ' ';
    line += sh_quote(a);
  }
  return line;
}

std::string run_script(const Spec& s) {
  std::string r = "#!/bin/sh\n";
  std::string redir;
  if (s.out == Out::kNull) redir += " >/dev/null";
  if (s.out == Out::kStderr) redir += " >&2";
  if (s.err == Err::kStdout) redir += " 2>&1";
  if (s.err == Err::kNull) redir += " 2>/dev/null";
  if (!redir.empty()) r += "exec" + redir + "\n";
  // envdir takes ./env relative to the service directory, which a cd
  // leaves: the shell's OLDPWD still names it. OLDPWD itself is unset, so
  // the program's environment is what supervisord would give it (sh adds
  // only PWD, the directory it runs in).
  std::string env_dir = "./env";
  if (!s.directory.empty()) {
    r += "cd " + sh_quote(s.directory) + " || exit 111\n";
    if (!s.env.empty()) {
      r += "service=$OLDPWD\n";
      env_dir = "\"$service/env\"";
    }
    r += "unset OLDPWD\n";
  }
  if (!s.umask.empty()) r += "umask " + s.umask + "\n";
  if (!s.ready_test.empty()) {
    // zdaemon's start-test-program: run every second, as long as this
    // shell's pid (the program, once exec'd) lives, until it succeeds;
    // then tell supervise on descriptor 3 (notification-fd). The program
    // itself gets no descriptor 3.
    Spec test = s;
    test.argv = {"sh", "-c", s.ready_test};
    std::string test_line = exec_line(test, env_dir).substr(5);  // without "exec "
    r += "{\n";
    r += "  while kill -0 $$ 2>/dev/null; do\n";
    r += "    if " + test_line + " 3>&-; then echo >&3; exit 0; fi\n";
    r += "    sleep 1\n";
    r += "  done\n";
    r += "} &\n";
    std::string line = exec_line(s, env_dir);
    r += "exec 3>&-" + line.substr(4) + "\n";
  } else {
    r += exec_line(s, env_dir) + "\n";
  }
  return r;
}

}  // namespace

std::vector<File> render(const Spec& s) {
  std::vector<File> f;
  f.push_back({"run", run_script(s), true});
  if (s.down) f.push_back({"down", "", false});
  if (!s.down_signal.empty()) f.push_back({"down-signal", s.down_signal + "\n", false});
  if (s.timeout_kill >= 0) f.push_back({"timeout-kill", number_line(s.timeout_kill), false});
  if (s.setsid) f.push_back({"setsid", "", false});
  if (!s.no_restart.empty()) f.push_back({"no-restart", s.no_restart + "\n", false});
  if (s.start_retries >= 0) f.push_back({"start-retries", number_line(s.start_retries), false});
  if (s.give_up_n > 0)
    f.push_back({"give-up", std::to_string(s.give_up_n) + " " + std::to_string(s.give_up_t) + "\n", false});
  if (s.restart_delay_max >= 0) f.push_back({"restart-delay-max", number_line(s.restart_delay_max), false});
  if (s.restart_stable >= 0) f.push_back({"restart-stable", number_line(s.restart_stable), false});
  if (!s.ready_test.empty()) f.push_back({"notification-fd", "3\n", false});
  for (const auto& kv : s.env) {
    std::string text;
    env_file(kv.second, text);  // checked by the converters
    f.push_back({"env/" + kv.first, text, false});
  }
  if (s.out == Out::kLog) {
    std::string dir = s.log_dir.empty() ? "./main" : sh_quote(s.log_dir);
    f.push_back({"log/run",
                 "#!/bin/sh\nexec multilog t s" + std::to_string(s.log_size) + " n" +
                     std::to_string(s.log_num) + " " + dir + "\n",
                 true});
  }
  return f;
}

}  // namespace svimport
