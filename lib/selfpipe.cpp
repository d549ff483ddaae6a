#include "lib/selfpipe.hpp"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <atomic>

namespace lib {
namespace {

int g_pipe[2] = {-1, -1};
std::atomic<bool> g_caught{false};  // see pending()
static_assert(std::atomic<bool>::is_always_lock_free);  // so the handler may set it

extern "C" void on_signal(int sig) {
  int e = errno;
  g_caught.store(true, std::memory_order_relaxed);
  unsigned char c = static_cast<unsigned char>(sig);
  ssize_t r = ::write(g_pipe[1], &c, 1);  // full: a wakeup is pending anyway
  (void)r;
  errno = e;
}

}  // namespace

bool SelfPipe::init() noexcept {
  return ::pipe2(g_pipe, O_NONBLOCK | O_CLOEXEC) == 0;
}

bool SelfPipe::catch_signal(int sig) noexcept {
  struct sigaction sa = {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: a signal wakes poll() at once
  if (::sigaction(sig, &sa, nullptr) == -1) return false;
  // A mask inherited from whoever started us (a boot script that blocked
  // SIGCHLD, say) would otherwise keep sig from ever reaching the pipe.
  sigset_t one;
  sigemptyset(&one);
  sigaddset(&one, sig);
  return ::sigprocmask(SIG_UNBLOCK, &one, nullptr) == 0;
}

int SelfPipe::fd() noexcept { return g_pipe[0]; }

bool SelfPipe::pending() noexcept { return g_caught.load(std::memory_order_relaxed); }

int SelfPipe::read_signal() noexcept {
  // Cleared before the read: a signal caught after this point either
  // leaves its byte for this read or sets the flag again. A byte read:
  // more may follow, the flag stays.
  g_caught.store(false, std::memory_order_relaxed);
  unsigned char c;
  ssize_t r;
  do r = ::read(g_pipe[0], &c, 1); while (r == -1 && errno == EINTR);
  if (r != 1) return 0;
  g_caught.store(true, std::memory_order_relaxed);
  return c;
}

void reset_signals_for_exec() noexcept {
  struct sigaction sa = {};
  sa.sa_handler = SIG_DFL;
  sigemptyset(&sa.sa_mask);
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sig == SIGKILL || sig == SIGSTOP) continue;
    ::sigaction(sig, &sa, nullptr);  // fails harmlessly for reserved signals
  }
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
}

}  // namespace lib
