// spawn_loop [-r rounds] n prog [args...]
//
// Start-up benchmark helper: runs prog n times in a row (posix_spawn, then
// waitpid), split into rounds (default 5), and prints the best round's
// mean wall-clock time per run in microseconds, e.g. "412.7". Standard
// descriptors are inherited. Exit 0, or 111 if prog cannot be spawned;
// prog's own exit codes are ignored (a benchmark of `svok` on a stopped
// service measures its failure path).
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

extern char** environ;

static double now_us() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return double(ts.tv_sec) * 1e6 + double(ts.tv_nsec) / 1e3;
}

int main(int argc, char** argv) {
  int rounds = 5;
  int a = 1;
  if (a + 1 < argc && strcmp(argv[a], "-r") == 0) {
    rounds = atoi(argv[a + 1]);
    a += 2;
  }
  if (argc - a < 2 || rounds < 1) {
    fputs("usage: spawn_loop [-r rounds] n prog [args...]\n", stderr);
    return 100;
  }
  long n = atol(argv[a]);
  char** child = argv + a + 1;
  long per_round = n / rounds > 0 ? n / rounds : 1;
  double best = -1;
  for (int r = 0; r < rounds; ++r) {
    double start = now_us();
    for (long i = 0; i < per_round; ++i) {
      pid_t pid;
      int e = posix_spawn(&pid, child[0], nullptr, nullptr, child, environ);
      if (e != 0) {
        fprintf(stderr, "spawn_loop: unable to spawn %s: %s\n", child[0], strerror(e));
        return 111;
      }
      int status;
      while (waitpid(pid, &status, 0) == -1) {
      }
    }
    double mean = (now_us() - start) / double(per_round);
    if (best < 0 || mean < best) best = mean;
  }
  printf("%.1f\n", best);
  return 0;
}
