#include "svscan/shutdown.hpp"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <unistd.h>

#include <cstring>

#include "lib/dirents.hpp"
#include "lib/err.hpp"
#include "lib/num.hpp"
#include "lib/status.hpp"
#include "svscan/table.hpp"

namespace svscan {

Shutdown g_shutdown;

namespace {

alignas(8) char g_proc_dents[32 * 1024];

// Sends sig to every child of ours that is not a supervise we started (an
// orphan handed to us as PID 1 or subreaper). Returns how many. Walks
// /proc (no allocation); without /proc, does nothing.
int signal_orphans(int sig, bool report) noexcept {
  int proc = ::open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (proc == -1) return 0;
  pid_t self = ::getpid();
  int n = 0;
  lib::for_each_dirent(proc, g_proc_dents, sizeof g_proc_dents, [&](lib::DirEntry e) {
    uint64_t pid;
    if (!lib::parse_u64(e.name, pid) || pid == 0 || pid > INT32_MAX) return true;
    char path[40] = "/proc/";
    size_t len = 6 + std::strlen(e.name);
    std::memcpy(path + 6, e.name, len - 6);
    std::memcpy(path + len, "/stat", 6);
    int fd = ::open(path, O_RDONLY | O_CLOEXEC);
    if (fd == -1) return true;
    char buf[512];
    ssize_t r = ::read(fd, buf, sizeof buf - 1);
    ::close(fd);
    if (r <= 0) return true;
    buf[r] = 0;
    // "pid (comm) state ppid ...": comm may hold anything, even ") ".
    const char* p = std::strrchr(buf, ')');
    if (!p || p[1] != ' ' || !p[2] || p[3] != ' ') return true;
    unsigned long ppid;
    if (lib::scan_ulong(p + 4, ppid) == 0 || pid_t(ppid) != self) return true;
    if (p[2] == 'Z') return true;  // reaped at the next SIGCHLD
    for (size_t i = 0; i < g_service_count; ++i)
      if (g_services[i].pid == pid_t(pid) || g_services[i].pidlog == pid_t(pid)) return true;
    if (report) lib::warn({"unable to stop process ", e.name, " before the deadline: killing it"});
    ::kill(pid_t(pid), sig);
    if (sig != SIGKILL) ::kill(pid_t(pid), SIGCONT);
    ++n;
    return true;
  });
  ::close(proc);
  return n;
}

// Writes cmd to NAME/supervise/control (NAME/log/... for a log). false
// when supervise is not (yet) reading it; tried again later.
bool tell(const Service& s, bool log, const char* cmd) noexcept {
  char path[NAME_MAX + 32];
  size_t n = std::strlen(s.name);
  std::memcpy(path, s.name, n);
  std::strcpy(path + n, log ? "/log/supervise/control" : "/supervise/control");
  int fd = ::open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd == -1) return false;
  size_t len = std::strlen(cmd);
  ssize_t w;
  do w = ::write(fd, cmd, len); while (w == -1 && errno == EINTR);
  ::close(fd);
  return w == ssize_t(len);
}

// KILLs a supervise and the ./run it last published (with ./run's process
// group, for a setsid service), warning with the deadline it missed.
void kill_service(const Service& s, bool log, int64_t after_ms) noexcept {
  char ms[24];
  ms[lib::format_u64(ms, uint64_t(after_ms))] = 0;
  lib::warn({"unable to stop ", s.name, log ? "/log" : "", " within ", ms, " ms: killing it"});
  char path[NAME_MAX + 32];
  size_t n = std::strlen(s.name);
  std::memcpy(path, s.name, n);
  std::strcpy(path + n, log ? "/log/supervise/status" : "/supervise/status");
  int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd != -1) {
    unsigned char rec[lib::kStatusSize];
    ssize_t r = ::read(fd, rec, sizeof rec);
    ::close(fd);
    // Our supervise still runs, so the pid it published is its child's.
    pid_t child = r == ssize_t(sizeof rec) ? pid_t(lib::status_decode(rec).pid) : 0;
    if (child > 0) {
      ::kill(-child, SIGKILL);  // its group, when it leads one
      ::kill(child, SIGKILL);
    }
  }
  ::kill(log ? s.pidlog : s.pid, SIGKILL);
}

}  // namespace

void begin_shutdown(int code, int64_t now) noexcept {
  if (g_shutdown.on) return;  // a second request does not start it over
  g_shutdown.on = true;
  g_shutdown.code = code;
  g_shutdown.mains_at = now + g_shutdown.deadline_ms * 7 / 9;
  g_shutdown.end_at = now + g_shutdown.deadline_ms;
}

int64_t shutdown_step(int64_t now) noexcept {
  reap(true);
  bool untold = false, mains = false;
  for (size_t i = 0; i < g_service_count; ++i) {
    Service& s = g_services[i];
    if (s.pid && !s.told) s.told = tell(s, false, "dx");
    if (s.pidlog && !s.told_log) s.told_log = tell(s, true, "x");
    if ((s.pid && !s.told) || (s.pidlog && !s.told_log)) untold = true;
    if (s.pid) mains = true;
    if (!s.pid && s.flaglog && s.pi[1] != -1) {
      ::close(s.pi[1]);
      s.pi[1] = -1;
    }
  }
  if (!mains && !g_shutdown.orphans_termed) {
    g_shutdown.orphans_termed = true;
    signal_orphans(SIGTERM, false);
  }
  if (now >= g_shutdown.mains_at && !g_shutdown.mains_killed) {
    g_shutdown.mains_killed = true;
    for (size_t i = 0; i < g_service_count; ++i)
      if (g_services[i].pid) kill_service(g_services[i], false, g_shutdown.deadline_ms * 7 / 9);
  }
  if (now >= g_shutdown.end_at && !g_shutdown.all_killed) {
    g_shutdown.all_killed = true;
    for (size_t i = 0; i < g_service_count; ++i) {
      if (g_services[i].pid) kill_service(g_services[i], false, g_shutdown.deadline_ms);
      if (g_services[i].pidlog) kill_service(g_services[i], true, g_shutdown.deadline_ms);
    }
    signal_orphans(SIGKILL, true);
    // As PID 1, also what the orphans' own children became: everything
    // else in the namespace (the kernel spares the caller).
    if (::getpid() == 1) ::kill(-1, SIGKILL);
  }
  if (g_childless) return -2;
  if (g_shutdown.all_killed) {
    // KILL cannot be refused, but a process stuck in the kernel (a dead
    // NFS server) can delay it: do not wait for it forever.
    if (now >= g_shutdown.end_at + 2000) {
      lib::warn({"unable to reap every process after the deadline: exiting"});
      return -2;
    }
    return g_shutdown.end_at + 2000 - now;
  }
  int64_t next = g_shutdown.mains_killed ? g_shutdown.end_at : g_shutdown.mains_at;
  int64_t wait = next > now ? next - now : 0;
  // A supervise just started may not have opened its control FIFO yet.
  if (untold && wait > 20) wait = 20;
  return wait;
}

}  // namespace svscan
