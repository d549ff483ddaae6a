#include "setuidgid/user.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "lib/fd.hpp"
#include "lib/num.hpp"

extern char** environ;

namespace setuidgid {
namespace {

// Reads all of fd (at most limit bytes) into out. false on a read error.
bool slurp(int fd, std::string& out, size_t limit) {
  char buf[8192];
  for (;;) {
    ssize_t r = lib::fd_read(fd, buf, sizeof buf);
    if (r < 0) return false;
    if (r == 0) return true;
    out.append(buf, size_t(r));
    if (out.size() > limit) return true;
  }
}

bool read_file(const char* path, std::string& out) {
  lib::Fd fd(::open(path, O_RDONLY | O_CLOEXEC));
  return fd.valid() && slurp(fd.get(), out, size_t(64) << 20);
}

std::string_view next_field(std::string_view& line) noexcept {
  size_t colon = line.find(':');
  std::string_view f = line.substr(0, colon);
  line.remove_prefix(colon == std::string_view::npos ? line.size() : colon + 1);
  return f;
}

bool id_field(std::string_view f, uint32_t& out) noexcept {
  uint64_t v;
  if (!lib::parse_u64(f, v) || v > UINT32_MAX) return false;
  out = uint32_t(v);
  return true;
}

}  // namespace

bool find_in_passwd(std::string_view text, std::string_view name, Account& out) noexcept {
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (line.empty() || line[0] == '#' || line[0] == '+' || line[0] == '-') continue;
    if (next_field(line) != name) continue;
    next_field(line);  // password
    uint32_t uid, gid;
    if (!id_field(next_field(line), uid) || !id_field(next_field(line), gid)) continue;
    out = {uid_t(uid), gid_t(gid)};
    return true;
  }
  return false;
}

bool passwd_files_first(std::string_view nsswitch) noexcept {
  while (!nsswitch.empty()) {
    size_t nl = nsswitch.find('\n');
    std::string_view line = nsswitch.substr(0, nl);
    nsswitch.remove_prefix(nl == std::string_view::npos ? nsswitch.size() : nl + 1);
    size_t start = line.find_first_not_of(" \t");
    if (start == std::string_view::npos) continue;
    line.remove_prefix(start);
    if (line.substr(0, 7) != "passwd:") continue;
    line.remove_prefix(7);
    start = line.find_first_not_of(" \t");
    if (start == std::string_view::npos) return true;  // empty: glibc falls back to files
    line.remove_prefix(start);
    std::string_view first = line.substr(0, line.find_first_of(" \t#["));
    return first == "files" || first == "compat";
  }
  return true;
}

bool lookup_with_getent(const char* getent, const char* name, Account& out) noexcept {
  try {
    int p[2];
    if (::pipe2(p, O_CLOEXEC) == -1) return false;
    pid_t pid = ::fork();
    if (pid == -1) {
      ::close(p[0]);
      ::close(p[1]);
      return false;
    }
    if (pid == 0) {
      ::dup2(p[1], 1);
      int null = ::open("/dev/null", O_RDWR);
      if (null >= 0) ::dup2(null, 2);
      char db[] = "passwd";
      char* argv[] = {const_cast<char*>(getent), db, const_cast<char*>(name), nullptr};
      ::execve(getent, argv, environ);
      ::_exit(127);
    }
    ::close(p[1]);
    std::string answer;
    bool read_ok = slurp(p[0], answer, 1 << 20);
    ::close(p[0]);
    int status;
    while (::waitpid(pid, &status, 0) == -1) {
      if (errno != EINTR) return false;
    }
    if (!read_ok || !WIFEXITED(status) || WEXITSTATUS(status) != 0) return false;
    return find_in_passwd(answer, name, out);
  } catch (...) {
    return false;
  }
}

bool lookup_account(const char* name, Account& out) noexcept {
  std::string_view n(name);
  if (n.empty() || n.find_first_of(":\n") != std::string_view::npos) return false;
  try {
    std::string nsswitch, passwd;
    read_file("/etc/nsswitch.conf", nsswitch);  // missing: glibc's defaults
    if (passwd_files_first(nsswitch) && read_file("/etc/passwd", passwd) &&
        find_in_passwd(passwd, name, out))
      return true;
  } catch (...) {
    return false;
  }
  for (const char* getent : {"/usr/bin/getent", "/bin/getent"}) {
    if (::access(getent, X_OK) == 0) return lookup_with_getent(getent, name, out);
  }
  return false;
}

}  // namespace setuidgid
