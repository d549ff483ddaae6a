#include "svscan/scanner.hpp"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/reboot.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cstring>

#include "svscan/control.hpp"
#include "svscan/launch.hpp"
#include "svscan/shutdown.hpp"
#include "svscan/table.hpp"
#include "lib/clock.hpp"
#include "lib/dirents.hpp"
#include "lib/err.hpp"
#include "lib/nofile.hpp"
#include "lib/num.hpp"
#include "lib/prepared_exec.hpp"
#include "lib/selfpipe.hpp"
#include "lib/shutdown_request.hpp"


namespace svscan {
namespace {

constexpr int64_t kScanIntervalMs = 5000;
constexpr int64_t kNever = INT64_MIN / 2;
// A directory whose mtime or ctime is this close to the time we read it is
// "racy": a change in the same clock tick (file system timestamps are as
// coarse as a scheduler tick, or a whole second on some file systems) would
// leave the stamp as it is, so the next scan reads the directory again.
constexpr int64_t kRacyMarginNs = 2'000'000'000;

lib::PreparedExec g_supervise;
rlimit g_orig_nofile;
bool g_nofile_raised = false;
bool g_nofile_warned = false;

// What the directory looked like when it was last read in full.
struct DirState {
  bool valid = false;
  bool racy = false;
  struct stat st = {};
} g_dir;
// Entries of the last full read that could turn into service directories
// without the directory itself changing (a dangling symlink, a symlink to a
// file, an entry stat could not read, a service that could not be recorded
// for want of a pipe or memory): while there are any, every scan reads the
// directory in full, as the reference does.
size_t g_unresolved = 0;

int64_t ns_of(const timespec& t) noexcept { return int64_t(t.tv_sec) * 1'000'000'000 + t.tv_nsec; }

bool same_time(const timespec& a, const timespec& b) noexcept {
  return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

void warn_nofile_once() noexcept {
  if (g_nofile_warned) return;
  g_nofile_warned = true;
  rlimit r;
  char num[24] = "?";
  if (::getrlimit(RLIMIT_NOFILE, &r) == 0) num[lib::format_u64(num, uint64_t(r.rlim_cur))] = 0;
  lib::warn({"descriptor limit reached (", num,
             "); services with a log need two descriptors each: raise the hard limit (ulimit -Hn)"});
}


// Runs supervise for service i (log: in i's directory, as "supervise log";
// launch.hpp says how). Returns false if it could not fork (warned).
bool spawn(Service& s, bool log) noexcept {
  char* argv[3];
  char sv[] = "supervise";
  char lg[] = "log";
  argv[0] = sv;
  argv[1] = log ? lg : s.name;
  argv[2] = nullptr;
  Launch l;
  l.prog = &g_supervise;
  l.argv = argv;
  l.name = s.name;
  l.log = log;
  l.in = log ? s.pi[0] : 0;
  l.out = !log && s.flaglog ? s.pi[1] : 1;
  l.nofile = g_nofile_raised ? &g_orig_nofile : nullptr;
  pid_t pid = launch(l);
  if (pid == -1) {
    lib::warn_sys({"unable to fork for ", s.name, log ? "/log" : ""});
    return false;
  }
  (log ? s.pidlog : s.pid) = pid;
  return true;
}

// Starts whatever of service s is not running, at most once per scan
// interval each: a supervise that exits at once (its lock is held, it is
// missing) is retried at the pace the reference retries it, not faster.
void start_children(Service& s, int64_t scan_ms) noexcept {
  if (!s.pid && scan_ms - s.started_ms >= kScanIntervalMs) {
    if (!spawn(s, false)) {  // as the reference: no log start after a failed fork
      g_need_walk = true;
      return;
    }
    s.started_ms = scan_ms;
  }
  if (s.flaglog && !s.pidlog && scan_ms - s.started_log_ms >= kScanIntervalMs) {
    if (spawn(s, true)) s.started_log_ms = scan_ms;
  }
  if (!s.pid || (s.flaglog && !s.pidlog)) g_need_walk = true;
}

// A pipe for a log, raising the descriptor limit once if that is what it
// takes. false with errno set.
bool make_pipe(int pi[2]) noexcept {
  if (::pipe2(pi, O_CLOEXEC) == 0) return true;
  if (errno != EMFILE || !lib::raise_nofile()) return false;
  g_nofile_raised = true;  // the children get the original back
  return ::pipe2(pi, O_CLOEXEC) == 0;
}

// The reference's start(): fn is a directory entry, st its stat. false when
// the service could not be recorded (warned), so that the next scan reads
// the directory again and retries it, as the reference's would.
bool found(const char* fn, const struct stat& st, int64_t scan_ms) noexcept {
  int i = g_index.find(st.st_dev, st.st_ino);
  if (i < 0) {
    size_t fnlen = std::strlen(fn);
    if (fnlen > NAME_MAX) return false;  // cannot happen for a directory entry
    bool flaglog = false;
    char fnlog[NAME_MAX + 5];
    std::memcpy(fnlog, fn, fnlen);
    std::memcpy(fnlog + fnlen, "/log", 5);
    struct stat stlog;
    // As in 0.76, any NAME/log counts, even one that is not a directory
    // (its supervise then fails to chdir, and says so).
    if (::stat(fnlog, &stlog) == 0) {
      flaglog = true;
    } else if (errno != ENOENT) {
      lib::warn_sys({"unable to stat ", fn, "/log"});
      return false;
    }
    int pi[2] = {-1, -1};
    if (flaglog && !make_pipe(pi)) {
      bool nofile = errno == EMFILE;
      lib::warn_sys({"unable to create pipe for ", fn});
      if (nofile) warn_nofile_once();
      return false;
    }
    if (!ensure_room(fn)) {
      if (flaglog) {
        ::close(pi[0]);
        ::close(pi[1]);
      }
      return false;
    }
    i = int(g_service_count++);
    Service& s = g_services[i];
    s.dev = st.st_dev;
    s.ino = st.st_ino;
    s.pid = s.pidlog = 0;
    s.pi[0] = pi[0];
    s.pi[1] = pi[1];
    s.flaglog = flaglog;
    s.told = s.told_log = false;
    s.started_ms = s.started_log_ms = kNever;
    g_index.insert(s.dev, s.ino, i);
  }
  Service& s = g_services[i];
  std::memcpy(s.name, fn, std::strlen(fn) + 1);
  s.active = true;
  start_children(s, scan_ms);
  return true;
}

// Reads the whole directory. false if it could not be read (warned).
// getdents64 into a static buffer rather than opendir(), which mallocs a
// buffer each time: svscan allocates nothing once running. The directory
// stays open from start-up (rewound for each reading), so a scan needs no
// descriptor even when every one is taken by log pipes.
alignas(8) char g_dents[64 * 1024];
int g_dirfd = -1;

bool full_scan(int64_t scan_ms) noexcept {
  for (size_t i = 0; i < g_service_count; ++i) g_services[i].active = false;
  g_unresolved = 0;
  // Opened at the first reading; an unreadable directory is warned about
  // and tried again at every scan, as the reference does.
  if (g_dirfd == -1) g_dirfd = ::open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  int dir = g_dirfd;
  if (dir == -1 || ::lseek(dir, 0, SEEK_SET) == -1) {
    lib::warn_sys({"unable to read directory"});
    return false;
  }
  int r = lib::for_each_dirent(dir, g_dents, sizeof g_dents, [&](lib::DirEntry e) {
    const char* fn = e.name;
    if (fn[0] == '.') return true;
    // An entry the directory itself says is a file, fifo, socket or
    // device cannot be a service directory; stat would only confirm it.
    unsigned char t = e.type;
    if (t != DT_DIR && t != DT_LNK && t != DT_UNKNOWN) return true;
    struct stat st;
    if (::stat(fn, &st) == -1) {
      lib::warn_sys({"unable to stat ", fn});
      ++g_unresolved;
      return true;
    }
    if (!S_ISDIR(st.st_mode)) {
      if (t != DT_DIR) ++g_unresolved;
      return true;
    }
    if (!found(fn, st, scan_ms)) ++g_unresolved;
    return true;
  });
  if (r == -1) {
    lib::warn_sys({"unable to read directory"});
    return false;
  }
  return true;
}


// One scan. The directory is read again only when it may have changed:
// its inode, mtime or ctime differ from the last full read, that read was
// racy, it had unresolved entries, or `full` (SIGHUP, SIGALRM) asks.
// Otherwise the known services are started again from the table: the set
// of names cannot have changed without changing the directory's mtime.
void scan(bool full, int64_t scan_ms) noexcept {
  struct stat st;
  bool have = g_dirfd != -1 && ::fstat(g_dirfd, &st) == 0;
  if (!full && have && g_dir.valid && !g_dir.racy && g_unresolved == 0 &&
      st.st_dev == g_dir.st.st_dev && st.st_ino == g_dir.st.st_ino &&
      same_time(st.st_mtim, g_dir.st.st_mtim) && same_time(st.st_ctim, g_dir.st.st_ctim)) {
    if (!g_need_walk) return;
    g_need_walk = false;
    for (size_t i = 0; i < g_service_count; ++i)
      if (g_services[i].active) start_children(g_services[i], scan_ms);
    forget_gone();
    return;
  }
  g_need_walk = false;
  timespec real;
  ::clock_gettime(CLOCK_REALTIME, &real);
  bool read = full_scan(scan_ms);
  // Opened just now: a stat taken after the reading may already include a
  // change the reading missed, so the next scan reads again.
  bool late = !have;
  if (late && g_dirfd != -1) have = ::fstat(g_dirfd, &st) == 0;
  if (read && have) {
    g_dir.valid = true;
    g_dir.st = st;
    int64_t recent = ns_of(real) - kRacyMarginNs;
    g_dir.racy = late || ns_of(st.st_mtim) >= recent || ns_of(st.st_ctim) >= recent;
    forget_gone();
  } else {
    g_dir.valid = false;
  }
}


// Descriptors 0, 1 and 2 open, so a log pipe never lands on them (dup2 of
// a descriptor onto itself would leave its close-on-exec flag set).
void open_std() noexcept {
  for (int fd = 0; fd < 3; ++fd) {
    if (::fcntl(fd, F_GETFD) != -1) continue;
    int n = ::open("/dev/null", O_RDWR);
    if (n != -1 && n != fd) ::close(n);
  }
}

}  // namespace

int run(const Options& opt) noexcept {
  open_std();
  if (!launch_init()) lib::die_sys(lib::exitcode::temp, {"unable to set up descriptors"});
  ::getrlimit(RLIMIT_NOFILE, &g_orig_nofile);
  if (!table_init() || !g_supervise.prepare("supervise")) {
    errno = ENOMEM;
    lib::die_sys(lib::exitcode::temp, {"unable to allocate memory"});
  }
  g_shutdown.deadline_ms = opt.deadline_ms;
  static const int kCaught[] = {SIGCHLD, SIGHUP, SIGALRM, SIGTERM, SIGINT, SIGPWR};
  // catch_signal also unblocks each signal: reaping relies on SIGCHLD even
  // when whoever started us blocked it.
  if (!lib::SelfPipe::init()) lib::die_sys(lib::exitcode::temp, {"unable to set up signal handling"});
  for (int sig : kCaught)
    if (!lib::SelfPipe::catch_signal(sig))
      lib::die_sys(lib::exitcode::temp, {"unable to set up signal handling"});

  if (::getpid() == 1) {
    // Ctrl-alt-del sends SIGINT to init instead of rebooting at once
    // (refused, harmlessly, inside a PID namespace).
    ::reboot(RB_DISABLE_CAD);
  } else {
    // Daemons that fork away from their ./run are handed to us, not to
    // init: reaped here, and ended at shutdown.
    ::prctl(PR_SET_CHILD_SUBREAPER, 1);
  }

  // The control FIFO. Each supervise finds the default one in the scan
  // directory by itself; only one that -c names elsewhere is exported (as
  // SVSCAN_CONTROL, absolute): without -c the services' environment is
  // exactly ours, as under 0.76.
  const char* control = opt.control ? opt.control : kDefaultControl;
  int ctl = control_open(control, !opt.control);
  if (ctl == -1) {
    // The default one is optional: a read-only scan directory (or one
    // we may not write) runs as under 0.76, without it and silently.
    if (opt.control) lib::die_sys(lib::exitcode::temp, {"unable to open control FIFO ", control});
  } else if (opt.control) {
    static char abs[4096];
    size_t n = 0;
    if (control[0] != '/') {
      if (!::getcwd(abs, sizeof abs - 2)) abs[0] = 0;
      n = std::strlen(abs);
      if (n && abs[n - 1] != '/') abs[n++] = '/';
    }
    size_t c = std::strlen(control);
    if (n + c < sizeof abs) {
      std::memcpy(abs + n, control, c + 1);
      ::setenv(lib::kSvscanControlEnv, abs, 1);
    }
  }
  ControlParser parser;

  bool full = true;
  int64_t next = lib::now_ms();
  for (;;) {
    int64_t now = lib::now_ms();
    int64_t wait;
    if (g_shutdown.on) {
      wait = shutdown_step(now);
      if (wait == -2) return g_shutdown.code;
    } else {
      if (full || now >= next) {
        // No reap() here, unlike the reference: wait4() walks every child in
        // the kernel (about 0.2 ms with 1000 children), and SIGCHLD already
        // told us about each exit. An idle scan stays a single stat().
        scan(full, now);
        full = false;
        next = now + kScanIntervalMs;
        now = lib::now_ms();
      }
      wait = next > now ? next - now : 0;
    }
    pollfd p[2] = {{lib::SelfPipe::fd(), POLLIN, 0}, {ctl, POLLIN, 0}};
    if (::poll(p, 2, int(wait)) > 0) {
      bool child = false;
      for (int sig; (sig = lib::SelfPipe::read_signal()) != 0;) {
        if (sig == SIGCHLD) child = true;
        else if (sig == SIGTERM || sig == SIGINT || sig == SIGPWR) begin_shutdown(0, lib::now_ms());
        else full = true;  // SIGHUP, SIGALRM: read the directory now
      }
      if (child) reap(g_shutdown.on);
      if (p[1].revents & POLLIN) {
        char buf[256];
        ssize_t r;
        while ((r = ::read(ctl, buf, sizeof buf)) > 0) {
          int code = parser.feed(buf, size_t(r));
          if (code >= 0) begin_shutdown(code, lib::now_ms());
        }
      }
    }
  }
}

}  // namespace svscan
