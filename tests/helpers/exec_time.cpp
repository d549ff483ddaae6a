// exec_time N prog [args...]
//
// Runs prog N times, one after another, stdin and stdout on /dev/null,
// through posix_spawn (vfork + exec: the cost measured is the program's
// own exec, start-up and exit, not the cost of copying a shell), and
// prints the mean wall time per run in microseconds. For benchmarks.
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>

extern char** environ;

int main(int argc, char** argv) {
  if (argc < 3) {
    fputs("usage: exec_time N prog [args...]\n", stderr);
    return 100;
  }
  long n = atol(argv[1]);
  if (n <= 0) n = 1;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (long i = 0; i < n; ++i) {
    pid_t pid;
    if (posix_spawn(&pid, argv[2], &fa, nullptr, argv + 2, environ) != 0) {
      perror("exec_time: posix_spawn");
      return 111;
    }
    int status;
    if (waitpid(pid, &status, 0) == -1) {
      perror("exec_time: waitpid");
      return 111;
    }
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double us = (double(t1.tv_sec - t0.tv_sec) * 1e6 + double(t1.tv_nsec - t0.tv_nsec) / 1e3) / double(n);
  printf("%.0f\n", us);
  return 0;
}
