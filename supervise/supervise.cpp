// supervise dir
//
// Starts and keeps restarting dir/run, and obeys control letters written
// (by svc) to dir/supervise/control; see supervise(8).
//
// Start-up, in daemontools 0.76's order: chdir to dir; note whether a file
// dir/down exists (then ./run is not started until asked); create
// supervise/ (0700); lock supervise/lock without waiting (a second
// supervise on the same dir fails); create and open the FIFOs
// supervise/control and supervise/ok; write supervise/status; start ./run.
//
// One poll loop waits on a self-pipe (SIGCHLD, and SIGIO from dnotify when
// something in supervise/ is removed), the control FIFO and the machine's
// timers; Machine (supervise/machine.hpp) decides what each event does.
// An idle supervise does not wake at all. Nothing is allocated after
// start-up.
//
// Exit codes: 0 after svc -x, once ./run has stopped; 100 usage; 111 when
// start-up fails. Once running, every error is a warning and is retried:
// a failed fork after a second, an unwritable status after a second,
// vanished FIFOs when noticed. A child that cannot exec ./run prints
// "supervise: fatal: unable to start dir/run: ..." and exits 111, and is
// restarted a second after it was started, as any child would be.
// Signals: SIGCHLD and SIGIO are caught, and unblocked whatever mask we
// inherited; the rest keep their dispositions (as 0.76).
#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <poll.h>
#include <stdlib.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cstring>

#include "lib/clock.hpp"
#include "lib/err.hpp"
#include "lib/fd.hpp"
#include "lib/fd_flags.hpp"
#include "lib/num.hpp"
#include "lib/selfpipe.hpp"
#include "lib/shutdown_request.hpp"
#include "lib/status.hpp"
#include "supervise/files.hpp"
#include "supervise/machine.hpp"

extern char** environ;

namespace {

const char* g_dir = "";

// glibc's sigaction() refuses the two real-time signals it reserves for
// itself (32 and 33: EINVAL, measured with glibc 2.36), so an ignored
// disposition inherited for them would pass on to ./run; only the raw
// system call resets them. It takes the kernel's struct sigaction, whose
// layout differs between architectures: this one is x86-64's and arm64's.
// Async-signal-safe.
#if !defined(__linux__) || !(defined(__x86_64__) || defined(__aarch64__))
#error "reset_reserved_signals: check the kernel's struct sigaction for this architecture"
#endif
struct KernelSigaction {
  void (*handler)(int);
  unsigned long flags;
  void (*restorer)();
  uint64_t mask;  // the kernel's sigset_t: 64 signals
};
static_assert(sizeof(KernelSigaction) == 32 && sizeof(unsigned long) == 8);
void reset_reserved_signals() noexcept {
  KernelSigaction ksa = {SIG_DFL, 0, nullptr, 0};
  for (int sig = 32; sig < SIGRTMIN; ++sig) ::syscall(SYS_rt_sigaction, sig, &ksa, nullptr, sizeof ksa.mask);
}

// In a child of supervise: signals as a fresh program expects them, then
// argv[0] ("./run", "./finish", "./check"); exits 111 if that fails.
[[noreturn]] void exec_in_child(char* const argv[]) noexcept {
  lib::reset_signals_for_exec();
  reset_reserved_signals();
  ::execve(argv[0], argv, environ);
  lib::die_sys(lib::exitcode::temp, {"unable to start ", g_dir, argv[0] + 1});
}

supervise::Files g_files;
bool g_running = false;

class RealEffects final : public supervise::Effects {
 public:
  pid_t spawn(bool setsid) noexcept override {
    sigset_t all, old;
    sigfillset(&all);
    ::sigprocmask(SIG_BLOCK, &all, &old);
    pid_t pid = ::fork();
    if (pid == 0) {
      // First thing, so that the group exists by the time supervise can
      // signal it (until then supervise signals the child itself).
      if (setsid) ::setsid();
      // Wait (signals still blocked) for release(): one byte on the go
      // pipe, written once the new pid is in supervise/status. Our copy of
      // the write end goes first, so that if supervise dies meanwhile the
      // read sees EOF and ./run starts anyway, as it would under 0.76.
      ::close(go_[1]);
      char go;
      while (::read(go_[0], &go, 1) == -1 && errno == EINTR) {
      }
      // Default dispositions and an empty mask; every descriptor of ours
      // but 0-2 is close-on-exec.
      // notification-fd: the pipe's write end as descriptor N (s6).
      if (notif_[1] >= 0) {
        if (notif_[1] == notif_fd_)
          ::fcntl(notif_fd_, F_SETFD, 0);
        else if (::dup2(notif_[1], notif_fd_) == -1)
          lib::die_sys(lib::exitcode::temp, {"unable to set up notification-fd for ", g_dir, "/run"});
      }
      // notify: the socket's name, and the watchdog's period and pid. The
      // strings are ours (static), formatted before the fork but the pid.
      if (notify_fd_ >= 0) {
        ::putenv(notify_env_);
        if (watchdog_env_[0]) {
          ::putenv(watchdog_env_);
          static char pid_env[32] = "WATCHDOG_PID=";
          pid_env[13 + lib::format_u64(pid_env + 13, uint64_t(::getpid()))] = '\0';
          ::putenv(pid_env);
        }
      }
      char run[] = "./run";
      char* argv[] = {run, nullptr};
      exec_in_child(argv);
    }
    int e = errno;
    ::sigprocmask(SIG_SETMASK, &old, nullptr);
    if (notif_[1] >= 0) {  // the child's copy is the only writer
      ::close(notif_[1]);
      notif_[1] = -1;
    }
    errno = e;
    return pid;
  }
  bool open_notification(int fd) noexcept override {
    close_notification();
    if (::pipe2(notif_, O_CLOEXEC) == -1 || lib::set_nonblock(notif_[0], true) != 0) {
      lib::warn_sys({"unable to create a pipe for ", g_dir, "/notification-fd, starting without it"});
      close_notification();
      return false;
    }
    notif_fd_ = fd;
    return true;
  }
  void close_notification() noexcept override {
    for (int& fd : notif_)
      if (fd >= 0) {
        ::close(fd);
        fd = -1;
      }
  }
  int notification_fd() const noexcept { return notif_[0]; }
  // An abstract datagram socket, named by the kernel (autobind), so it
  // needs no path that a service under setuidgid could not reach; who
  // sent each message is known from SCM_CREDENTIALS (SO_PASSCRED), which
  // the kernel fills in and checks, so nobody can pass for ./run.
  bool open_notify(int64_t watchdog_ms) noexcept override {
    close_notify();
    int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    int on = 1;
    sockaddr_un sa = {};
    sa.sun_family = AF_UNIX;
    socklen_t len = sizeof(sa_family_t);
    if (fd == -1 || ::setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof on) == -1 ||
        ::bind(fd, reinterpret_cast<sockaddr*>(&sa), len) == -1 ||
        (len = sizeof sa, ::getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len)) == -1 ||
        len <= sizeof(sa_family_t) + 1 || len - sizeof(sa_family_t) > 64) {
      lib::warn_sys({"unable to create the NOTIFY_SOCKET for ", g_dir, ", starting without it"});
      if (fd >= 0) ::close(fd);
      return false;
    }
    // "@" stands for the leading NUL of an abstract name, as sd_notify reads it.
    size_t n = len - sizeof(sa_family_t) - 1;
    std::memcpy(notify_env_, "NOTIFY_SOCKET=@", 15);
    std::memcpy(notify_env_ + 15, sa.sun_path + 1, n);
    notify_env_[15 + n] = '\0';
    watchdog_env_[0] = '\0';
    if (watchdog_ms > 0) {
      std::memcpy(watchdog_env_, "WATCHDOG_USEC=", 14);
      watchdog_env_[14 + lib::format_u64(watchdog_env_ + 14, uint64_t(watchdog_ms) * 1000)] = '\0';
    }
    notify_fd_ = fd;
    return true;
  }
  void close_notify() noexcept override {
    if (notify_fd_ >= 0) ::close(notify_fd_);
    notify_fd_ = -1;
  }
  int notify_fd() const noexcept { return notify_fd_; }
  void unhealthy(const char* why) noexcept override {
    lib::warn({g_dir, ": restarting ./run: ", why});
  }
  pid_t spawn_check() noexcept override {
    sigset_t all, old;
    sigfillset(&all);
    ::sigprocmask(SIG_BLOCK, &all, &old);
    pid_t pid = ::fork();
    if (pid == 0) {
      ::setpgid(0, 0);
      char check[] = "./check";
      char* argv[] = {check, nullptr};
      exec_in_child(argv);
    }
    int e = errno;
    // Both sides make the group, so that a kill right after the fork
    // reaches it whichever runs first.
    if (pid > 0) ::setpgid(pid, pid);
    ::sigprocmask(SIG_SETMASK, &old, nullptr);
    errno = e;
    return pid;
  }
  void check_timed_out() noexcept override {
    lib::warn({g_dir, "/check still runs after check-timeout, killing it"});
  }
  pid_t spawn_finish(int code, int sig, bool setsid) noexcept override {
    // Formatted before the fork: the child only execs.
    char a1[24], a2[24];
    a1[lib::format_u64(a1, uint64_t(code))] = '\0';
    a2[lib::format_u64(a2, uint64_t(sig))] = '\0';
    sigset_t all, old;
    sigfillset(&all);
    ::sigprocmask(SIG_BLOCK, &all, &old);
    pid_t pid = ::fork();
    if (pid == 0) {
      if (setsid) ::setsid();
      char finish[] = "./finish";
      char* argv[] = {finish, a1, a2, const_cast<char*>(g_dir), nullptr};
      exec_in_child(argv);
    }
    int e = errno;
    ::sigprocmask(SIG_SETMASK, &old, nullptr);
    errno = e;
    return pid;
  }
  // A child that died before reading its byte leaves it in the pipe; the
  // next child then starts at once, which is harmless.
  void release() noexcept override {
    ssize_t r = ::write(go_[1], "g", 1);
    (void)r;
  }
  // The go pipe: read end blocking (the child waits on it), write end
  // nonblocking; both close-on-exec.
  bool init_go() noexcept {
    if (::pipe2(go_, O_CLOEXEC) == -1) return false;
    return lib::set_nonblock(go_[1], true) == 0;
  }
  void signal(pid_t pid, int sig) noexcept override { ::kill(pid, sig); }
  bool signal_group(pid_t pgid, int sig) noexcept override { return ::kill(-pgid, sig) == 0; }
  // A plain record identical to the last one written is not written
  // again: fewer entries created in supervise/ while someone may be
  // removing it (svc -dx; rm -rf), and a rename saved on x, on the way
  // out, on u when up. While supervise/ is missing a file (being removed
  // or damaged), nothing is written at all: the check that follows every
  // removal repairs it, if the directory is still there, and then the
  // status is written again.
  bool publish(const unsigned char rec[lib::kStatusSize], const unsigned char* x) noexcept override {
    // Every service has an xstatus now: both records are compared.
    if (written_ && std::memcmp(rec, last_, lib::kStatusSize) == 0 &&
        std::memcmp(x, last_x_, lib::kXStatusSize) == 0)
      return true;
    written_ = false;
    if (g_running && !g_files.intact()) return true;
    bool ok = written(lib::xstatus_write(x), "xstatus");
    if (!written(lib::status_write(rec), "status")) return false;
    std::memcpy(last_, rec, lib::kStatusSize);
    std::memcpy(last_x_, x, lib::kXStatusSize);
    written_ = ok;  // a failed xstatus is written again next time
    return ok;
  }
  void load(supervise::Settings& s) noexcept override { supervise::read_settings(g_dir, s); }
  void fork_failed(int err) noexcept override {
    errno = err;
    lib::warn_sys({"unable to fork for ", g_dir, ", trying again in 1 second"});
  }
  void finish_fork_failed(int err) noexcept override {
    errno = err;
    lib::warn_sys({"unable to fork for ", g_dir, "/finish, skipping it"});
  }
  void finish_timed_out() noexcept override {
    lib::warn({g_dir, "/finish still runs after timeout-finish, killing it"});
  }
  int64_t now_ms() noexcept override { return lib::now_ms(); }
  lib::Tai64n wall() noexcept override { return lib::tai64n_now(); }
  // Asks the svscan that started us for its orderly shutdown, through its
  // control FIFO, seen from the service directory (our cwd): .svscan/control
  // in the scan directory, the parent of a service and the grandparent of a
  // logger (svscan runs that as S/log), else $SVSCAN_CONTROL (svscan -c
  // exports it). A FIFO nobody reads (ENXIO: a leftover) is passed over.
  // Nothing is added to ./run's environment for this: 0.76's stays exact.
  void essential_exited(int code) noexcept override {
    const char* env = ::getenv(lib::kSvscanControlEnv);
    const char* paths[] = {"../.svscan/control", is_logger() ? "../../.svscan/control" : nullptr,
                           env && *env ? env : nullptr};
    const char* tried = nullptr;
    for (const char* path : paths) {
      if (!path) continue;
      if (lib::shutdown_request(path, code)) return;
      if (errno == ENOENT) continue;
      tried = path;
      if (errno != ENXIO) break;
    }
    if (tried)
      lib::warn_sys({"unable to write to ", tried});
    else
      lib::warn({g_dir, " is essential, but there is no ../.svscan/control and SVSCAN_CONTROL is not set: no svscan to stop"});
  }
  static bool is_logger() noexcept {
    const char* base = std::strrchr(g_dir, '/');
    base = base ? base + 1 : g_dir;
    return std::strcmp(base, "log") == 0;
  }
  // The next publish() writes even an unchanged record (supervise/ was
  // repaired: status may be gone).
  void forget() noexcept { written_ = false; }

 private:
  // Reports a failed status_write / xstatus_write of supervise/NAME.
  static bool written(lib::StatusWriteError err, const char* name) noexcept {
    switch (err) {
      case lib::StatusWriteError::kNone: return true;
      case lib::StatusWriteError::kOpen:
        lib::warn_sys({"unable to open ", g_dir, "/supervise/", name, ".new"});
        break;
      case lib::StatusWriteError::kWrite:
        lib::warn_sys({"unable to write ", g_dir, "/supervise/", name, ".new"});
        break;
      case lib::StatusWriteError::kPartial:
        lib::warn({"unable to write ", g_dir, "/supervise/", name, ".new: partial write"});
        break;
      case lib::StatusWriteError::kRename:
        lib::warn_sys({"unable to rename ", g_dir, "/supervise/", name, ".new to ", name});
        break;
    }
    return false;
  }

  int go_[2] = {-1, -1};
  unsigned char last_[lib::kStatusSize] = {};    // the record last written
  unsigned char last_x_[lib::kXStatusSize] = {};  // and its xstatus
  bool written_ = false;                          // ... if they were
  int notif_[2] = {-1, -1};  // the notification-fd pipe while it is read
  int notif_fd_ = -1;        // its descriptor number in ./run
  int notify_fd_ = -1;       // the NOTIFY_SOCKET while ./run runs
  char notify_env_[96] = {};
  char watchdog_env_[48] = {};
};

RealEffects g_fx;
supervise::Machine g_machine(g_fx);

// supervise/ is checked for vanished or replaced files when dnotify says
// something there was removed or renamed, and whenever a child exits (see
// supervise/files.hpp for when, and when not).

// Reaps every finished child; tells the machine when it was ./run or
// ./finish.
void reap() {
  for (;;) {
    int wstat;
    pid_t r = ::waitpid(-1, &wstat, WNOHANG);
    if (r == 0) return;
    if (r == -1) {
      if (errno == EINTR) continue;
      return;  // ECHILD
    }
    if (r == g_machine.child())
      g_machine.handle(supervise::Event::kChildExited, wstat);
    else if (r == g_machine.finish_child())
      g_machine.handle(supervise::Event::kFinishExited, wstat);
    else if (r == g_machine.check_child())
      g_machine.handle(supervise::Event::kCheckExited, wstat);
  }
}

// Reads nonblocking fd until it has nothing more (EAGAIN), handing each
// piece read to take, which returns false to stop reading. Returns true
// when it read end of file.
template <class Take>
bool drain(int fd, Take take) {
  char buf[64];
  for (;;) {
    ssize_t r = lib::fd_read(fd, buf, sizeof buf);
    if (r == 0) return true;
    if (r < 0) return false;  // EAGAIN: drained
    if (!take(buf, size_t(r))) return false;
  }
}

// Reads what is waiting on the control FIFO and acts on each byte in order.
void read_control() {
  bool eof = drain(g_files.control_fd(), [](const char* buf, size_t n) {
    for (size_t i = 0; i < n; ++i) {
      supervise::Event e;
      int sig;
      if (supervise::event_for_byte(static_cast<unsigned char>(buf[i]), e, sig)) g_machine.handle(e, sig);
      // After x with no child, 0.76 leaves without reading further.
      if (g_machine.finished()) return false;
    }
    return true;
  });
  if (eof) g_files.drop_control();
}

// Reads the notification-fd pipe: a newline means ready; at end of file
// (./run closed it unready) it is no longer read.
void read_notification() {
  bool eof = drain(g_fx.notification_fd(), [](const char* buf, size_t n) {
    if (!std::memchr(buf, '\n', n)) return true;
    g_machine.handle(supervise::Event::kReady);
    return false;
  });
  if (eof) g_fx.close_notification();
}

// Reads the datagrams waiting on the NOTIFY_SOCKET. A message counts when
// the kernel says it came from ./run, from the process MAINPID= named, or
// (notify-access all, with setsid) from any process of ./run's session;
// anything else, from anyone else, is dropped.
void read_notify() {
  static char buf[4096];
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(ucred))];
  for (;;) {
    iovec iov = {buf, sizeof buf};
    msghdr mh = {};
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    mh.msg_control = control;
    mh.msg_controllen = sizeof control;
    ssize_t r = ::recvmsg(g_fx.notify_fd(), &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
    if (r < 0) {
      if (errno == EINTR) continue;
      return;  // EAGAIN: drained
    }
    if (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) {
      // Descriptors passed along (MSG_CTRUNC) were closed by the kernel.
      continue;
    }
    const ucred* cred = nullptr;
    for (cmsghdr* c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS &&
          c->cmsg_len == CMSG_LEN(sizeof(ucred)))
        cred = reinterpret_cast<const ucred*>(CMSG_DATA(c));
    if (!cred || cred->pid <= 0) continue;
    pid_t main = g_machine.child();
    bool ok = cred->pid == main || (g_machine.notify_main() && cred->pid == g_machine.notify_main());
    if (!ok && g_machine.settings().notify_all && main > 0) ok = ::getsid(cred->pid) == main;
    if (!ok) continue;
    g_machine.notified(supervise::parse_notify(std::string_view(buf, size_t(r))));
  }
}

// Descriptors inherited from whoever started supervise must not reach
// ./run either: mark every one above 2 close-on-exec (they stay usable).
void cloexec_inherited() {
  if (::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) == 0) return;
  long max = ::sysconf(_SC_OPEN_MAX);
  if (max < 0 || max > 65536) max = 65536;
  for (int fd = 3; fd < max; ++fd) ::fcntl(fd, F_SETFD, FD_CLOEXEC);
}

[[noreturn]] void leave() {
  g_machine.republish();
  ::_exit(0);
}

}  // namespace

int main(int argc, char** argv) {
  lib::set_prog("supervise");
  if (argc != 2) lib::die_usage("supervise dir");
  g_dir = argv[1];
  cloexec_inherited();
  if (!lib::SelfPipe::init())
    lib::die_sys(lib::exitcode::temp, {"unable to create pipe for ", g_dir});
  if (!g_fx.init_go()) lib::die_sys(lib::exitcode::temp, {"unable to create pipe for ", g_dir});
  if (!lib::SelfPipe::catch_signal(SIGCHLD) || !lib::SelfPipe::catch_signal(SIGIO))
    lib::die_sys(lib::exitcode::temp, {"unable to catch signals for ", g_dir});
  if (::chdir(g_dir) == -1) lib::die_sys(lib::exitcode::temp, {"unable to chdir to ", g_dir});
  struct stat st;
  bool normally_up = true;
  if (::stat("down", &st) == 0)
    normally_up = false;
  else if (errno != ENOENT)
    lib::die_sys(lib::exitcode::temp, {"unable to stat ", g_dir, "/down"});

  g_files.acquire_lock(g_dir);
  g_files.open_control(g_dir);
  // 0.76 writes the first status before opening supervise/ok, so a status
  // file exists by the time svok reports success.
  g_machine.init(normally_up);
  g_files.open_ok(g_dir);
  g_machine.begin();
  g_running = true;

  g_files.watch();  // without dnotify, periodic checks stand in
  g_files.schedule(g_fx.now_ms());
  for (;;) {
    if (g_machine.finished()) leave();
    int timeout = g_machine.timeout_ms();
    if (int64_t check_at = g_files.check_at(); check_at >= 0) {
      int64_t left = check_at - g_fx.now_ms();
      int c = left <= 0 ? 0 : int(left);
      if (timeout < 0 || c < timeout) timeout = c;
    }
    pollfd p[4] = {{lib::SelfPipe::fd(), POLLIN, 0},
                   {g_files.control_fd(), POLLIN, 0},
                   {g_fx.notification_fd(), POLLIN, 0},
                   {g_fx.notify_fd(), POLLIN, 0}};
    if (::poll(p, 4, timeout) == -1 && errno != EINTR) {
      // Only ENOMEM is plausible: wait a little rather than spin.
      lib::warn_sys({"unable to poll for ", g_dir});
      timespec ts = {1, 0};
      ::nanosleep(&ts, nullptr);
      continue;
    }
    for (int sig; (sig = lib::SelfPipe::read_signal()) != 0;) g_files.noticed(g_fx.now_ms());
    // Before reaping: a ./run that said ready and then exited was ready.
    if (p[2].revents && g_fx.notification_fd() >= 0) read_notification();
    if (p[3].revents && g_fx.notify_fd() >= 0) read_notify();
    reap();
    if (g_machine.finished()) leave();
    g_machine.fire_timers();
    if (p[1].revents) read_control();
    if (g_machine.finished()) leave();
    if (g_files.check(g_fx.now_ms())) {
      g_fx.forget();
      g_machine.republish();
    }
  }
}
