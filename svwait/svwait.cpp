// svwait [-u | -U | -d | -D | -r | -R] [-t ms] [-a | -o] dir ...
//
// Waits until the services in the dirs are (-a, the default: all of them;
// -o: one of them) in the wanted state, as s6-svwait does:
//   -u  up (the default): ./run runs
//   -U  up and ready: ready by its readiness protocol (notification-fd,
//       a first successful ./check), or up when it has none, or when its
//       supervise is 0.76's (s6 instead never calls such a service ready)
//   -d  down: ./run does not run
//   -D  down and finished: down and ./finish not running
//   -r  restarted: up with another ./run than when svwait started (or up
//       after being down)
//   -R  restarted and ready
// It reads supervise/status and supervise/xstatus (lib/snapshot.hpp) at
// start, then a service's again when inotify reports a status renamed into
// its supervise/ (only that one: at 10,000 services, one read a change,
// measured 2-26 ms from the last of 9,000 changes to the exit, at load 5,
// where reading all at each change took 60-64 ms). It polls
// only the services a limit keeps inotify from watching (watch.hpp), every
// 100 ms (less often when a look at them all takes over 10 ms), after one
// warning. With -t, it gives up after ms milliseconds (0: never, as s6).
//
// A service that went permanently down (give-up's failed, ./finish's 125,
// no-restart) while svwait waits for it to come up (-u -U -r -R) cannot
// get there: it counts as failed. svwait returns once every service (-a)
// or one (-o) is there or failed.
//
// Exit codes: 0 the state was reached; 99 timed out; 1..98 the number of
// services that failed as above (-a: any; -o: all of them); 100 usage;
// 111 a system call failed, or a dir has no supervise running (also when
// its supervise leaves during the wait).
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <vector>

#include "lib/err.hpp"
#include "lib/nofile.hpp"
#include "lib/num.hpp"
#include "lib/sgetopt.hpp"
#include "lib/snapshot.hpp"
#include "svwait/watch.hpp"

namespace {

constexpr int kTimedOut = 99;

[[noreturn]] void usage() {
  lib::die_usage("svwait [ -u | -U | -d | -D | -r | -R ] [ -t ms ] [ -a | -o ] dir ...");
}

enum class Reach { kNot, kThere, kFailed };

struct Service {
  const char* dir;
  int fd = -1;  // the service directory
  int wd = -1;    // inotify watch on its supervise/; -1: polled
  int okwd = -1;  // ... and on its supervise/ok
  uint32_t first_pid = 0;
  lib::Tai64n first_when;
  Reach reach = Reach::kNot;
  bool changed = true;  // its status was renamed in since it was last read
};

char g_mode = 'u';

bool gone_for_good(const lib::Snapshot& s) noexcept {
  if (!s.extended || s.status.pid) return false;
  return s.x.state == lib::XState::kFailed || s.x.state == lib::XState::kPermanentlyDown ||
         s.x.state == lib::XState::kNotRestarted;
}

// Where the service is, from a fresh reading; kNot while our supervise is
// between its two renames and the answer needs the extension.
Reach evaluate(Service& sv) {
  lib::Snapshot s;
  if (lib::snapshot_read(sv.fd, s) != lib::SnapshotError::kNone)
    lib::die_sys(lib::exitcode::temp, {"unable to read ", sv.dir, "/supervise/status"});
  if (s.settling) return Reach::kNot;
  bool up = s.status.pid != 0;
  bool ready = up && (!s.extended || s.x.ready_when.sec != 0);
  bool restarted = up && (s.status.pid != sv.first_pid || !(s.status.when == sv.first_when));
  bool there = false;
  switch (g_mode) {
    case 'u': there = up; break;
    case 'U': there = ready; break;
    case 'd': there = !up; break;
    case 'D': there = !up && !(s.extended && s.x.state == lib::XState::kFinishing); break;
    case 'r': there = restarted; break;
    case 'R': there = restarted && ready; break;
  }
  if (there) return Reach::kThere;
  bool wants_up = g_mode == 'u' || g_mode == 'U' || g_mode == 'r' || g_mode == 'R';
  if (wants_up && gone_for_good(s)) return Reach::kFailed;
  return Reach::kNot;
}

int open_ok(int dirfd) { return ::openat(dirfd, "supervise/ok", O_WRONLY | O_NONBLOCK | O_CLOEXEC); }

// true when something holds supervise/ok open for reading; false when
// nothing does (ENXIO) or there is none. Dies on other errors: at the
// descriptor limit, "supervise not running" would be a lie.
bool supervised(const Service& sv) {
  int fd = open_ok(sv.fd);
  if (fd == -1 && errno == EMFILE && lib::raise_nofile()) fd = open_ok(sv.fd);
  if (fd >= 0) {
    ::close(fd);
    return true;
  }
  if (errno == ENXIO || errno == ENOENT) return false;
  lib::die_sys(lib::exitcode::temp, {"unable to open ", sv.dir, "/supervise/ok"});
}

// Its supervise has left (supervise/ok closed, or polled and not there):
// fine if the service got there, fatal if it still has to.
void settle_left(Service& sv) {
  if (evaluate(sv) == Reach::kThere) sv.reach = Reach::kThere;
  else lib::die(lib::exitcode::temp, {"unable to wait for ", sv.dir, ": supervise not running"});
}

// Reads a service no event tells us about (polled, or its events lost to
// a queue overflow), its supervise's leaving included.
void look(Service& sv) {
  if (sv.reach != Reach::kNot) return;
  if (supervised(sv)) sv.reach = evaluate(sv);
  else settle_left(sv);
}

// Exits with code at once. Releasing an inotify instance waits for an RCU
// grace period, which takes 10 to 30 ms on a busy machine (measured with
// strace: exit_group alone took 28 ms), longer than the change took to be
// seen: a child holds the last reference and lets go once we are gone.
[[noreturn]] void leave(int code) {
  int p[2];
  if (::pipe2(p, O_CLOEXEC) == 0 && ::fork() == 0) {
    for (int fd = 0; fd <= 2; ++fd) ::close(fd);  // nobody waits for our output
    ::close(p[1]);
    char b;
    while (::read(p[0], &b, 1) == -1 && errno == EINTR) {
    }
    ::_exit(0);
  }
  ::_exit(code);
}

int64_t ms_of(clockid_t clock) {
  timespec ts;
  ::clock_gettime(clock, &ts);
  return int64_t(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}
int64_t now_ms() { return ms_of(CLOCK_MONOTONIC); }

}  // namespace

int main(int argc, char** argv) {
  lib::set_prog("svwait");
  bool all = true;
  int64_t timeout = -1;
  lib::SGetOpt opts(argc, argv, "uUdDrRt:ao");
  for (int c; (c = opts.next()) != lib::SGetOpt::kDone;) {
    switch (c) {
      case 'u': case 'U': case 'd': case 'D': case 'r': case 'R': g_mode = char(c); break;
      case 'a': all = true; break;
      case 'o': all = false; break;
      case 't': {
        uint64_t t;
        if (!lib::parse_u64(opts.arg(), t) || t > 366ULL * 24 * 3600 * 1000) usage();
        timeout = t ? int64_t(t) : -1;  // 0: no limit, as s6-svwait
        break;
      }
      default: usage();
    }
  }
  int64_t deadline = timeout >= 0 ? now_ms() + timeout : -1;
  std::vector<Service> svs;
  for (int i = opts.index(); i < argc; ++i) { Service sv; sv.dir = argv[i]; svs.push_back(sv); }
  if (svs.empty()) return 0;  // as s6-svwait

  int in = svwait::watch_start();
  for (Service& sv : svs) {
    sv.fd = ::open(sv.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    // A descriptor per dir: ten thousand services pass a soft limit of 1024.
    if (sv.fd == -1 && errno == EMFILE && lib::raise_nofile())
      sv.fd = ::open(sv.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (sv.fd == -1) lib::die_sys(lib::exitcode::temp, {"unable to open ", sv.dir});
    // Watched before the first reading, so no change falls between.
    sv.wd = svwait::watch_add(in, sv.dir, sv.okwd);
    if (!supervised(sv)) lib::die(lib::exitcode::temp, {"unable to wait for ", sv.dir, ": supervise not running"});
    lib::Snapshot s;
    if (lib::snapshot_read(sv.fd, s) != lib::SnapshotError::kNone)
      lib::die_sys(lib::exitcode::temp, {"unable to read ", sv.dir, "/supervise/status"});
    // -r counts from the ./run running now; a down service's next start.
    sv.first_pid = s.status.pid;
    sv.first_when = s.status.when;
  }

  // Which services a watch descriptor is for (the same dir given twice
  // shares one), sorted: an event finds its services in log N, not by a
  // walk over all of them (10,000 services, a few events each).
  // Each entry: the watch, then the service's index times two, plus one
  // for its ok's watch.
  std::vector<std::pair<int, size_t>> by_wd;
  for (size_t i = 0; i < svs.size(); ++i)
    if (svs[i].wd != -1) {
      by_wd.emplace_back(svs[i].wd, 2 * i);
      by_wd.emplace_back(svs[i].okwd, 2 * i + 1);
    }
  std::sort(by_wd.begin(), by_wd.end());

  alignas(inotify_event) char buf[64 * 1024];
  int64_t next_look = now_ms() + svwait::kPollMs;  // at the polled services
  for (;;) {
    int there = 0, failed = 0;
    bool polling = false;  // until a polled service is found still on its way
    for (Service& sv : svs) {
      // Only what changed is read again: one status a change, not all.
      if (sv.changed && sv.reach == Reach::kNot) sv.reach = evaluate(sv);
      sv.changed = false;
      if (sv.reach == Reach::kThere) ++there;
      if (sv.reach == Reach::kFailed) ++failed;
      if (sv.wd == -1 && sv.reach == Reach::kNot) polling = true;
    }
    int n = int(svs.size());
    if (!all && there) leave(0);
    if (all && there == n) leave(0);
    if (there + failed == n) leave(failed > 98 ? 98 : failed);
    int wait = -1;
    if (polling) {
      int64_t until = next_look - now_ms();
      wait = until < 0 ? 0 : int(until);
    }
    if (deadline >= 0) {
      int64_t left = deadline - now_ms();
      if (left <= 0) leave(kTimedOut);
      if (wait == -1 || left < wait) wait = left > 3600000 ? 3600000 : int(left);
    }
    pollfd p = {in, POLLIN, 0};  // in -1: poll only sleeps
    int r = ::poll(&p, 1, wait);
    if (r == -1) {
      if (errno == EINTR) continue;
      lib::die_sys(lib::exitcode::temp, {"unable to poll"});
    }
    // By the clock, not on poll's timeouts: events from the watched
    // services must not starve the polled ones.
    if (polling && now_ms() >= next_look) {
      int64_t start = ms_of(CLOCK_PROCESS_CPUTIME_ID);
      for (Service& sv : svs)
        if (sv.wd == -1) look(sv);
      // At most a tenth of a processor: a look at ten thousand polled
      // services takes tens of milliseconds. Processor time, not the
      // clock's: a loaded machine that makes the look slow must not make
      // the polling rarer.
      int64_t took = ms_of(CLOCK_PROCESS_CPUTIME_ID) - start;
      next_look = now_ms() + (took * 10 > svwait::kPollMs ? took * 10 : svwait::kPollMs);
    }
    if (r == 0) continue;  // the deadline is checked above
    bool overflowed = false;
    std::vector<std::pair<int, size_t>> rewatch;  // new ok watches, added after the loop
    for (;;) {
      ssize_t len = ::read(in, buf, sizeof buf);
      if (len <= 0) break;
      for (char* q = buf; q < buf + len;) {
        auto* ev = reinterpret_cast<inotify_event*>(q);
        q += sizeof(inotify_event) + ev->len;
        if (ev->mask & IN_Q_OVERFLOW) overflowed = true;
        auto lo = std::lower_bound(by_wd.begin(), by_wd.end(), std::pair<int, size_t>(ev->wd, 0));
        for (auto it = lo; it != by_wd.end() && it->first == ev->wd; ++it) {
          Service& sv = svs[it->second / 2];
          if (it->second % 2 == 0) {
            if (ev->wd != sv.wd) continue;  // given up for polling
            if (ev->mask & (IN_DELETE_SELF | IN_IGNORED))
              lib::die(lib::exitcode::temp, {"unable to wait for ", sv.dir, ": supervise/ removed"});
            if (ev->mask & IN_MOVED_TO) sv.changed = true;
            continue;
          }
          if (ev->wd != sv.okwd) continue;  // an ok replaced earlier
          // supervise closing its supervise/ok (leaving), or ok removed
          // (supervise gone, or repairing it): still one there?
          if ((ev->mask & (IN_CLOSE_NOWRITE | IN_IGNORED)) && !supervised(sv)) {
            settle_left(sv);
          } else if (ev->mask & IN_IGNORED) {
            // A new ok (supervise repaired supervise/): watched in turn,
            // or the service is polled.
            sv.okwd = svwait::watch_ok(in, sv.dir);
            if (sv.okwd == -1) {
              ::inotify_rm_watch(in, sv.wd);
              sv.wd = -1;
            } else {
              rewatch.emplace_back(sv.okwd, 2 * size_t(&sv - svs.data()) + 1);
            }
          }
        }
      }
    }
    if (!rewatch.empty()) {
      by_wd.insert(by_wd.end(), rewatch.begin(), rewatch.end());
      std::sort(by_wd.begin(), by_wd.end());
      rewatch.clear();
    }
    // The queue was full (fs.inotify.max_queued_events, 16384 events by
    // default, a few per service coming up): what was dropped is unknown,
    // so every service is read again.
    if (overflowed)
      for (Service& sv : svs) look(sv);
  }
}
