// svlatency: timings for bench/supervise.sh, in microseconds.
//   svlatency t SVC DIR CYCLES GAP_MS [RUN]
//                                       SVC -t DIR until status shows a new pid
//   svlatency d SVC DIR CYCLES GAP_MS   SVC -d DIR until status shows down
//                                       (then SVC -u DIR, wait up, GAP_MS)
//   svlatency exec RUN CYCLES           fork + exec RUN + wait, as ./run costs
//   svlatency pause SVC DIR             for a ./run that exits at once: waits
//                                       for an exit (the pacing pause begins),
//                                       then SVC -d DIR until status wants down;
//                                       prints "latency N since_exit N": the
//                                       latter how long after the exit (the
//                                       status's stamp) svc was started
// Prints "median N p95 N" over the cycles; with RUN, each cycle also times
// fork + exec RUN + wait just before, and "exec_median N" is appended, so
// the baseline sees the same machine load as the measurement. Waiting is event-driven (an
// inotify watch on supervise/ wakes it on each rename of status), so the
// measurer does not steal CPU from what it measures; GAP_MS lets
// supervise's once-a-second pacing pass.
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/inotify.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <vector>

#include "lib/clock.hpp"

extern char** environ;

namespace {

int64_t now_us() { return int64_t(lib::now_ns() / 1000); }

void nap_us(long us) {
  timespec ts = {us / 1000000, (us % 1000000) * 1000};
  nanosleep(&ts, nullptr);
}

std::string g_status;

// The 18 bytes of the status file; false when unreadable.
bool status_bytes(unsigned char (&b)[18]) {
  int fd = open(g_status.c_str(), O_RDONLY);
  if (fd < 0) return false;
  ssize_t r = read(fd, b, sizeof b);
  close(fd);
  return r == 18;
}

// pid in the status file, or -1 when unreadable.
long status_pid() {
  unsigned char b[18];
  if (!status_bytes(b)) return -1;
  return long(b[12]) | long(b[13]) << 8 | long(b[14]) << 16 | long(b[15]) << 24;
}

// The want byte ('u', 'd' or 0), or -1 when unreadable.
int status_want() {
  unsigned char b[18];
  return status_bytes(b) ? b[17] : -1;
}

// The status's stamp (TAI64N: 8 bytes of seconds + 2^62 + 10, 4 of
// nanoseconds, big-endian) as microseconds of the real-time clock.
int64_t status_stamp_us() {
  unsigned char b[18];
  if (!status_bytes(b)) return -1;
  uint64_t sec = 0;
  for (int i = 0; i < 8; ++i) sec = sec << 8 | b[i];
  uint32_t nano = uint32_t(b[8]) << 24 | uint32_t(b[9]) << 16 | uint32_t(b[10]) << 8 | b[11];
  return int64_t(sec - 4611686018427387914ULL) * 1000000 + nano / 1000;
}

int64_t real_us() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return int64_t(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

void run(const char* prog, const char* arg1, const char* arg2) {
  pid_t pid;
  const char* argv[] = {prog, arg1, arg2, nullptr};
  if (posix_spawn(&pid, prog, nullptr, nullptr, const_cast<char**>(argv), environ) != 0) exit(111);
  int st;
  waitpid(pid, &st, 0);
}

int g_inotify = -1;

// Waits (bounded, 10 s) until pred(pid) holds; false on timeout. Checks
// after every change inotify reports in supervise/ (and every 10 ms, in
// case an event is missed).
template <class F>
bool wait_for(F pred) {
  int64_t end = now_us() + 10000000;
  while (now_us() < end) {
    if (pred(status_pid())) return true;
    pollfd p = {g_inotify, POLLIN, 0};
    if (poll(&p, 1, 10) == 1) {
      char buf[4096];
      while (read(g_inotify, buf, sizeof buf) > 0) {
      }
    }
  }
  return false;
}

void report(std::vector<int64_t>& v) {
  if (v.empty()) {
    printf("median - p95 -\n");
    return;
  }
  std::sort(v.begin(), v.end());
  printf("median %lld p95 %lld\n", (long long)v[v.size() / 2],
         (long long)v[std::min(v.size() - 1, v.size() * 95 / 100)]);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) return 100;
  std::string mode = argv[1];
  std::vector<int64_t> times;
  if (mode == "exec") {
    int cycles = atoi(argv[3]);
    for (int i = 0; i < cycles; ++i) {
      int64_t t0 = now_us();
      run(argv[2], nullptr, nullptr);
      times.push_back(now_us() - t0);
    }
    report(times);
    return 0;
  }
  const char* svc = argv[2];
  const char* dir = argv[3];
  g_status = std::string(dir) + "/supervise/status";
  g_inotify = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (g_inotify < 0 ||
      inotify_add_watch(g_inotify, (std::string(dir) + "/supervise").c_str(), IN_MOVED_TO | IN_CLOSE_WRITE) < 0)
    return 111;
  if (mode == "pause") {
    // An exit: up, then down (still wanted up: the start is paced).
    if (!wait_for([](long p) { return p > 0; })) return 111;
    if (!wait_for([](long p) { return p == 0; })) return 111;
    int64_t t0 = now_us(), age = real_us() - status_stamp_us();
    run(svc, "-d", dir);
    if (!wait_for([](long) { return status_want() == 'd'; })) return 111;
    printf("latency %lld since_exit %lld\n", (long long)(now_us() - t0), (long long)age);
    return 0;
  }
  if (argc < 6) return 100;
  int cycles = atoi(argv[4]);
  long gap = atol(argv[5]);
  const char* baseline = argc > 6 ? argv[6] : nullptr;
  std::vector<int64_t> execs;
  for (int i = 0; i < cycles; ++i) {
    nap_us(gap * 1000);
    if (baseline) {
      int64_t b0 = now_us();
      run(baseline, nullptr, nullptr);
      execs.push_back(now_us() - b0);
    }
    long old = status_pid();
    if (old <= 0) {
      run(svc, "-u", dir);
      if (!wait_for([](long p) { return p > 0; })) return 111;
      nap_us(gap * 1000);
      old = status_pid();
    }
    {
      char buf[4096];
      while (read(g_inotify, buf, sizeof buf) > 0) {
      }
    }
    int64_t t0 = now_us();
    if (mode == "t") {
      run(svc, "-t", dir);
      if (!wait_for([old](long p) { return p > 0 && p != old; })) return 111;
    } else {
      run(svc, "-d", dir);
      if (!wait_for([](long p) { return p == 0; })) return 111;
    }
    times.push_back(now_us() - t0);
    if (mode == "d") {
      run(svc, "-u", dir);
      if (!wait_for([](long p) { return p > 0; })) return 111;
    }
  }
  if (!baseline) {
    report(times);
    return 0;
  }
  std::sort(execs.begin(), execs.end());
  std::sort(times.begin(), times.end());
  printf("median %lld p95 %lld exec_median %lld\n", (long long)times[times.size() / 2],
         (long long)times[std::min(times.size() - 1, times.size() * 95 / 100)],
         (long long)execs[execs.size() / 2]);
  return 0;
}
