// svwait_latency SVWAIT CYCLES: how soon svwait -u returns after the
// status change it waits for, in microseconds. Each cycle starts
// "SVWAIT -u DIR" on a service shown down, lets it settle (20 ms), then
// renames a record with a pid over DIR/supervise/status, as supervise
// does, and times rename to exit. The helper holds supervise/ok open
// itself, so no supervise (nor its fork of ./run) is in the measurement.
// Prints "median N p95 N".
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <vector>

#include "lib/clock.hpp"
#include "lib/status.hpp"

extern char** environ;

namespace {

int64_t now_us() { return int64_t(lib::now_ns() / 1000); }

void put_status(uint32_t pid) {
  lib::Status s;
  s.when = lib::tai64n_now();
  s.pid = pid;
  s.want = 'u';
  unsigned char rec[lib::kStatusSize];
  lib::status_encode(s, rec);
  if (lib::status_write(rec) != lib::StatusWriteError::kNone) {
    perror("status");
    exit(111);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: svwait_latency SVWAIT CYCLES\n");
    return 100;
  }
  char tmpl[] = "/tmp/svwait-lat.XXXXXX";
  if (!mkdtemp(tmpl) || chdir(tmpl) == -1 || mkdir("supervise", 0700) == -1 ||
      mkfifo("supervise/ok", 0600) == -1) {
    perror("setup");
    return 111;
  }
  int ok = open("supervise/ok", O_RDONLY | O_NONBLOCK);
  (void)ok;
  int cycles = atoi(argv[2]);
  std::vector<int64_t> lat;
  for (int i = 0; i < cycles; ++i) {
    put_status(0);
    char* args[] = {argv[1], const_cast<char*>("-u"), const_cast<char*>("-t"),
                    const_cast<char*>("10000"), tmpl, nullptr};
    pid_t pid;
    if (posix_spawn(&pid, argv[1], nullptr, nullptr, args, environ) != 0) return 111;
    timespec settle = {0, 20000000};
    nanosleep(&settle, nullptr);
    int64_t t0 = now_us();
    put_status(12345);
    int st;
    waitpid(pid, &st, 0);
    int64_t t1 = now_us();
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
      fprintf(stderr, "svwait exited %d\n", st);
      return 111;
    }
    lat.push_back(t1 - t0);
  }
  std::sort(lat.begin(), lat.end());
  printf("median %lld p95 %lld\n", (long long)lat[lat.size() / 2],
         (long long)lat[std::min(lat.size() - 1, lat.size() * 95 / 100)]);
  unlink("supervise/status");
  unlink("supervise/ok");
  rmdir("supervise");
  if (chdir("/") == 0) rmdir(tmpl);
  return 0;
}
