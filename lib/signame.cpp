#include "lib/signame.hpp"

#include <signal.h>

#include "lib/num.hpp"

namespace lib {
namespace {

struct Name {
  const char* name;
  int sig;
};

constexpr Name kNames[] = {
    {"HUP", SIGHUP},     {"INT", SIGINT},       {"QUIT", SIGQUIT},   {"ILL", SIGILL},
    {"TRAP", SIGTRAP},   {"ABRT", SIGABRT},     {"IOT", SIGIOT},     {"BUS", SIGBUS},
    {"FPE", SIGFPE},     {"KILL", SIGKILL},     {"USR1", SIGUSR1},   {"SEGV", SIGSEGV},
    {"USR2", SIGUSR2},   {"PIPE", SIGPIPE},     {"ALRM", SIGALRM},   {"TERM", SIGTERM},
    {"STKFLT", SIGSTKFLT}, {"CHLD", SIGCHLD},   {"CONT", SIGCONT},   {"STOP", SIGSTOP},
    {"TSTP", SIGTSTP},   {"TTIN", SIGTTIN},     {"TTOU", SIGTTOU},   {"URG", SIGURG},
    {"XCPU", SIGXCPU},   {"XFSZ", SIGXFSZ},     {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF},
    {"WINCH", SIGWINCH}, {"IO", SIGIO},         {"POLL", SIGPOLL},   {"PWR", SIGPWR},
    {"SYS", SIGSYS},
};

char upper(char c) noexcept { return c >= 'a' && c <= 'z' ? char(c - 'a' + 'A') : c; }

bool same_upper(std::string_view a, const char* b) noexcept {
  size_t i = 0;
  for (; i < a.size(); ++i)
    if (!b[i] || upper(a[i]) != b[i]) return false;
  return b[i] == '\0';
}

}  // namespace

int signal_from_word(std::string_view name) noexcept {
  if (name.size() > 3 && same_upper(name.substr(0, 3), "SIG")) name.remove_prefix(3);
  for (const Name& n : kNames)
    if (same_upper(name, n.name)) return n.sig;
  return 0;
}

int signal_from_name(std::string_view name) noexcept {
  uint64_t n;
  if (parse_u64(name, n)) return n >= 1 && n <= 64 ? int(n) : 0;
  return signal_from_word(name);
}

}  // namespace lib
