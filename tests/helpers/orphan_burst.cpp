// orphan_burst N OUT: measures how soon the process that inherits orphans
// (svscan as PID 1 or subreaper) reaps them. Forks a child that forks N
// grandchildren and exits, so they become orphans; once they have been
// handed over, all exit at once, each noting its exit time
// (CLOCK_MONOTONIC) in shared memory. It then polls /proc/PID of each
// until it vanishes (reaped) and writes to OUT one latency per line, in
// microseconds: vanish time minus exit time (resolution: one pass over the
// N entries, a few microseconds each). Then waits for SIGTERM.
#include <fcntl.h>
#include <signal.h>
#include <cstdio>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <vector>

namespace {
long long now_us() {
  timespec ts;
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}
}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fputs("usage: orphan_burst N OUT\n", stderr);
    return 100;
  }
  int n = std::atoi(argv[1]);
  if (n < 1) return 100;
  struct Slot {
    pid_t pid;
    long long exit_us;
  };
  auto* slots = static_cast<Slot*>(::mmap(nullptr, sizeof(Slot) * n, PROT_READ | PROT_WRITE,
                                          MAP_SHARED | MAP_ANONYMOUS, -1, 0));
  if (slots == MAP_FAILED) return 111;
  int go[2];
  if (::pipe(go) == -1) return 111;
  pid_t mid = ::fork();
  if (mid == 0) {
    for (int i = 0; i < n; ++i) {
      pid_t p = ::fork();
      if (p == 0) {
        ::close(go[1]);
        char c;
        while (::read(go[0], &c, 1) == -1) {
        }
        slots[i].exit_us = now_us();
        ::_exit(0);
      }
      slots[i].pid = p;
    }
    ::_exit(0);
  }
  ::close(go[0]);
  ::waitpid(mid, nullptr, 0);  // the grandchildren are orphans from here
  ::usleep(200000);
  ::close(go[1]);  // end of file for every grandchild at once: the burst
  std::vector<long long> gone(n, 0);
  int left = n;
  long long give_up = now_us() + 10000000;
  char path[64];
  while (left > 0 && now_us() < give_up) {
    for (int i = 0; i < n; ++i) {
      if (gone[i]) continue;
      std::snprintf(path, sizeof path, "/proc/%d", int(slots[i].pid));
      struct stat st;
      if (::stat(path, &st) == -1) {
        gone[i] = now_us();
        --left;
      }
    }
  }
  FILE* f = std::fopen(argv[2], "w");
  if (!f) return 111;
  for (int i = 0; i < n; ++i)
    std::fprintf(f, "%lld\n", gone[i] ? gone[i] - slots[i].exit_us : -1LL);
  std::fclose(f);
  sigset_t s;
  sigemptyset(&s);
  sigaddset(&s, SIGTERM);
  sigprocmask(SIG_BLOCK, &s, nullptr);
  int sig;
  sigwait(&s, &sig);
  return 0;
}
