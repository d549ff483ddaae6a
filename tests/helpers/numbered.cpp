// numbered STATE TOTAL [DELAY_US]: writes the lines "1\n" .. "TOTAL\n" to
// stdout, one write(2) each, DELAY_US microseconds apart (default 1000),
// then waits for SIGTERM. STATE is a file holding how many lines were
// already written (created if missing), so a restarted numbered carries on
// where the previous one stopped. SIGTERM ends it between two lines, never
// between writing a line and recording it, and an exclusive lock on STATE
// makes a second instance wait for the first to finish: whatever kills and
// restarts happen around it, every number is written exactly once.
// Used by tests/blackbox/svscan.sh to prove that no log line is lost.
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

#include "lib/fd.hpp"
#include "lib/lock.hpp"

namespace {
volatile sig_atomic_t g_term = 0;
extern "C" void on_term(int) { g_term = 1; }
}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fputs("usage: numbered STATE TOTAL [DELAY_US]\n", stderr);
    return 100;
  }
  long total = std::atol(argv[2]);
  long delay = argc > 3 ? std::atol(argv[3]) : 1000;
  struct sigaction sa = {};
  sa.sa_handler = on_term;
  sigemptyset(&sa.sa_mask);
  ::sigaction(SIGTERM, &sa, nullptr);
  int fd = ::open(argv[1], O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd == -1 || lib::lock_ex(fd) == -1) return 111;
  char buf[32] = {0};
  ::pread(fd, buf, sizeof buf - 1, 0);
  long n = std::atol(buf);
  sigset_t term, old;
  sigemptyset(&term);
  sigaddset(&term, SIGTERM);
  while (n < total && !g_term) {
    // TERM waits until the line and its record are both written.
    ::sigprocmask(SIG_BLOCK, &term, &old);
    char line[32];
    int len = std::snprintf(line, sizeof line, "%ld\n", n + 1);
    if (!lib::write_all(1, std::string_view(line, size_t(len)))) return 111;
    ++n;
    char rec[32];
    int rlen = std::snprintf(rec, sizeof rec, "%-20ld\n", n);
    if (::pwrite(fd, rec, size_t(rlen), 0) != rlen) return 111;
    ::sigprocmask(SIG_SETMASK, &old, nullptr);
    if (delay > 0 && !g_term) {
      timespec ts = {delay / 1000000, (delay % 1000000) * 1000};
      ::nanosleep(&ts, nullptr);
    }
  }
  if (g_term) return 0;
  ::close(fd);  // releases the lock for a waiting instance
  while (!g_term) ::pause();
  return 0;
}
