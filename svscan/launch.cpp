#include "svscan/launch.hpp"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <unistd.h>

#include "lib/err.hpp"

extern char** environ;

namespace svscan {

namespace {

int g_slot_in = -1, g_slot_out = -1;
unsigned g_low = 3;  // the child keeps descriptors below this

// The child runs here, in our memory, until it execs: async-signal-safe
// calls only. We are suspended meanwhile (CLONE_VFORK), so one stack does.
alignas(64) char g_child_stack[64 * 1024];

int child(void* arg) {
  const Launch& l = *static_cast<const Launch*>(arg);
  struct sigaction sa = {};
  sa.sa_handler = SIG_DFL;
  ::sigemptyset(&sa.sa_mask);
  for (int sig : {SIGCHLD, SIGHUP, SIGALRM, SIGTERM, SIGINT, SIGPWR}) ::sigaction(sig, &sa, nullptr);
  if (l.nofile) ::setrlimit(RLIMIT_NOFILE, l.nofile);
  // Our table until here, read only; now one of its own.
  if ((::close_range(g_low, ~0U, CLOSE_RANGE_UNSHARE) == -1 && ::unshare(CLONE_FILES) == -1) ||
      ::dup2(g_slot_in, 0) == -1 || ::dup2(g_slot_out, 1) == -1) {
    lib::warn_sys({"unable to set up descriptors for ", l.name, l.log ? "/log" : ""});
    return 111;
  }
  // The reference reports this as a warning too, then exits 111.
  if (l.log && ::chdir(l.name) == -1) {
    lib::warn_sys({"unable to switch to ", l.name});
    return 111;
  }
  // An empty mask, not the one svscan inherited: a boot script's stray
  // block of SIGTERM or SIGCHLD must not reach every supervise.
  sigset_t none;
  ::sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  l.prog->exec(l.argv, environ);
  lib::warn_sys({"unable to start supervise ", l.name, l.log ? "/log" : ""});
  return 111;
}

// The highest descriptor open now (-1: none), by trying each until 1,024
// in a row are closed: fcntl is cheap, and /proc may be absent.
int highest_open() noexcept {
  int high = -1;
  for (int fd = 0; fd < 65536; ++fd)
    if (::fcntl(fd, F_GETFD) != -1) high = fd;
    else if (errno == EBADF && fd > high + 1024) break;
  return high;
}

}  // namespace

bool launch_init() noexcept {
  int high = highest_open();
  // Copies of our own stdin and stdout, which is what they hold between
  // launches (no /dev/null needed: a container may have none).
  g_slot_in = ::fcntl(0, F_DUPFD_CLOEXEC, 0);
  if (g_slot_in == -1) return false;
  g_slot_out = ::fcntl(1, F_DUPFD_CLOEXEC, 0);
  if (g_slot_out == -1) return false;
  int top = high > g_slot_out ? high : g_slot_out;
  if (g_slot_in > top) top = g_slot_in;
  g_low = unsigned(top) + 1;
  return true;
}

pid_t launch(const Launch& l) noexcept {
  pid_t pid = -1;
  if (::dup3(l.in, g_slot_in, O_CLOEXEC) != -1 && ::dup3(l.out, g_slot_out, O_CLOEXEC) != -1) {
    sigset_t all, old;
    ::sigfillset(&all);
    ::sigprocmask(SIG_BLOCK, &all, &old);
    pid = ::clone(child, g_child_stack + sizeof g_child_stack,
                  CLONE_VM | CLONE_VFORK | CLONE_FILES | SIGCHLD, const_cast<Launch*>(&l));
    int e = errno;
    ::sigprocmask(SIG_SETMASK, &old, nullptr);
    errno = e;  // clone's
  }
  // The slots are ours again (svscan's own stdin and stdout), whatever
  // happened: a pipe end left there would keep a logger from seeing the
  // end of its input.
  int e = errno;
  ::dup3(0, g_slot_in, O_CLOEXEC);
  ::dup3(1, g_slot_out, O_CLOEXEC);
  errno = e;
  return pid;
}

}  // namespace svscan
