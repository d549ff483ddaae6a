#include "multilog/reaper.hpp"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include "lib/fd.hpp"

namespace multilog {
namespace {

int g_pipe[2] = {-1, -1};

void* reap(void*) {
  int fd;
  for (;;) {
    ssize_t r = lib::fd_read(g_pipe[0], reinterpret_cast<char*>(&fd), sizeof fd);
    if (r != ssize_t(sizeof fd)) return nullptr;
    ::close(fd);
  }
}

}  // namespace

bool reaper_start() noexcept {
  if (::pipe2(g_pipe, O_CLOEXEC) == -1) return false;
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  pthread_t t;
  int e = pthread_create(&t, nullptr, reap, nullptr);
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  if (e != 0) {
    ::close(g_pipe[0]);
    ::close(g_pipe[1]);
    g_pipe[0] = g_pipe[1] = -1;
    errno = e;
    return false;
  }
  pthread_detach(t);
  return true;
}

void close_later(int fd) noexcept {
  if (g_pipe[1] == -1 ||
      lib::fd_write(g_pipe[1], reinterpret_cast<const char*>(&fd), sizeof fd) != ssize_t(sizeof fd))
    ::close(fd);
}

}  // namespace multilog
