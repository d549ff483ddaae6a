#include "svscan/table.hpp"

#include <errno.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/err.hpp"

namespace svscan {

Service* g_services = nullptr;
size_t g_service_count = 0;
DevInoIndex g_index;
bool g_need_walk = true;
bool g_childless = false;

namespace {

// The table of services. Its capacity starts at kInitialCapacity and
// doubles when a scan finds more services than it holds: growth happens
// only in a scan that found new directories, at most log2(N/1024) times in
// svscan's life, so the steady state (reaping, quick scans, restarts) never
// allocates, yet there is no fixed limit as in 0.76 (1000). A fixed table
// sized for the largest imaginable tree would reserve memory every small
// installation pays for; doubling keeps memory proportional to the tree.
constexpr size_t kInitialCapacity = 1024;
size_t g_cap = 0;

}  // namespace

bool table_init() noexcept {
  g_services = static_cast<Service*>(::malloc(kInitialCapacity * sizeof(Service)));
  if (!g_services || !g_index.reserve(kInitialCapacity)) return false;
  g_cap = kInitialCapacity;
  return true;
}

bool ensure_room(const char* fn) noexcept {
  if (g_service_count < g_cap) return true;
  size_t cap = g_cap * 2;
  void* p = ::realloc(g_services, cap * sizeof(Service));
  if (!p) {
    errno = ENOMEM;
    lib::warn_sys({"unable to start ", fn});
    return false;
  }
  g_services = static_cast<Service*>(p);
  if (!g_index.reserve(cap)) {
    errno = ENOMEM;
    lib::warn_sys({"unable to start ", fn});
    return false;  // the index keeps its old contents; g_services is merely larger
  }
  g_cap = cap;
  for (size_t i = 0; i < g_service_count; ++i)
    g_index.insert(g_services[i].dev, g_services[i].ino, int(i));
  return true;
}

void forget_gone() noexcept {
  bool removed = false;
  for (size_t i = 0; i < g_service_count;) {
    Service& s = g_services[i];
    if (!s.active && !s.pid && !s.pidlog) {
      if (s.flaglog) {
        ::close(s.pi[0]);
        if (s.pi[1] != -1) ::close(s.pi[1]);
      }
      g_services[i] = g_services[--g_service_count];
      removed = true;
      continue;
    }
    ++i;
  }
  if (removed) {
    g_index.clear();
    for (size_t i = 0; i < g_service_count; ++i)
    g_index.insert(g_services[i].dev, g_services[i].ino, int(i));
  }
}

void reap(bool release_log_pipes) noexcept {
  for (;;) {
    int wstat;
    pid_t r = ::waitpid(-1, &wstat, WNOHANG);
    if (r <= 0) {
      if (r == -1 && errno == EINTR) continue;
      g_childless = r == -1 && errno == ECHILD;
      break;
    }
    // A linear search: children exit rarely, and even ten thousand entries
    // take microseconds to look through.
    for (size_t i = 0; i < g_service_count; ++i) {
      Service& s = g_services[i];
      if (s.pid == r) {
        s.pid = 0;
        g_need_walk = true;
        // At once, not after this loop: the logger then reads to the end
        // and exits while we reap the rest. Left open until every zombie
        // is reaped, each live logger's supervise sits at the front of
        // the kernel's list of our children that each waitpid() walks:
        // 10,000 services took 4 s of walking.
        if (release_log_pipes && s.flaglog && s.pi[1] != -1) {
          ::close(s.pi[1]);
          s.pi[1] = -1;
        }
        break;
      }
      if (g_services[i].pidlog == r) {
        g_services[i].pidlog = 0;
        g_need_walk = true;
        break;
      }
    }
  }
}

}  // namespace svscan
