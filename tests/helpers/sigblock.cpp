// sigblock: runs a program with signals blocked, as an inherited signal
// mask would leave them (a boot script, a careless parent).
//   sigblock SIG[,SIG...] prog [arg...]
// SIG is a number or a name without SIG (TERM, CHLD, HUP...), or "all".
// Exits 100 on a usage error, 111 if prog cannot be run.
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

namespace {

int signal_number(const char* s) {
  static const struct { const char* name; int sig; } names[] = {
      {"HUP", SIGHUP},   {"INT", SIGINT},   {"QUIT", SIGQUIT}, {"USR1", SIGUSR1},
      {"USR2", SIGUSR2}, {"PIPE", SIGPIPE}, {"ALRM", SIGALRM}, {"TERM", SIGTERM},
      {"CHLD", SIGCHLD}, {"CONT", SIGCONT}, {"TSTP", SIGTSTP}, {"IO", SIGIO},
      {"PWR", SIGPWR},   {"WINCH", SIGWINCH}};
  for (const auto& n : names)
    if (::strcmp(s, n.name) == 0) return n.sig;
  char* end;
  long v = ::strtol(s, &end, 10);
  return (*s && !*end && v > 0 && v < NSIG) ? int(v) : -1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    ::fputs("usage: sigblock SIG[,SIG...] prog [arg...]\n", stderr);
    return 100;
  }
  sigset_t set;
  ::sigemptyset(&set);
  if (::strcmp(argv[1], "all") == 0) {
    ::sigfillset(&set);
  } else {
    char* list = argv[1];
    for (char* name = ::strtok(list, ","); name; name = ::strtok(nullptr, ",")) {
      int sig = signal_number(name);
      if (sig < 0) {
        ::fprintf(stderr, "sigblock: unknown signal %s\n", name);
        return 100;
      }
      ::sigaddset(&set, sig);
    }
  }
  if (::sigprocmask(SIG_BLOCK, &set, nullptr) == -1) return 111;
  ::execvp(argv[2], argv + 2);
  ::perror("sigblock: exec");
  return 111;
}
