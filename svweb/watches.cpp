#include "svweb/watches.hpp"

#include <errno.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

namespace svweb {
namespace {

constexpr uint32_t kScanMask = IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_ONLYDIR;
constexpr uint32_t kSelf = IN_DELETE_SELF | IN_MOVE_SELF;
constexpr uint32_t kServiceMask = kScanMask | kSelf;
// IN_CREATE for ok; status and xstatus are renamed in (0.76 and ours).
constexpr uint32_t kSuperviseMask = IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | kSelf | IN_ONLYDIR;
// Only the reader's close: every writer (svok, svstat, our own check)
// closes with IN_CLOSE_WRITE.
constexpr uint32_t kOkMask = IN_CLOSE_NOWRITE;

uint32_t mask_of(WatchKind k) {
  switch (k) {
    case WatchKind::kService: return kServiceMask;
    case WatchKind::kSupervise: return kSuperviseMask;
    case WatchKind::kOk: return kOkMask;
  }
  return 0;
}

bool is(const char* name, const char* want) { return std::strcmp(name, want) == 0; }

}  // namespace

bool Watches::open(const char* scandir) noexcept {
  fd_ = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd_ == -1) return false;
  scan_wd_ = ::inotify_add_watch(fd_, scandir, kScanMask);
  if (scan_wd_ == -1) {
    int e = errno;
    ::close(fd_);
    fd_ = -1;
    errno = e;
    return false;
  }
  return true;
}

int Watches::add(const char* path, WatchKind kind, uint32_t row) noexcept {
  if (next_n_ == kMax) {
    errno = ENOSPC;
    return -1;
  }
  int wd = ::inotify_add_watch(fd_, path, mask_of(kind));
  if (wd == -1) return errno == ENOENT || errno == ENOTDIR ? 0 : -1;
  next_[next_n_++] = Entry{wd, kind, row};
  return 1;
}

void Watches::end() noexcept {
  auto by_wd = [](const Entry& x, const Entry& y) { return x.wd < y.wd; };
  std::sort(next_, next_ + next_n_, by_wd);
  // Watches of the last set that no row uses now (a service renamed away,
  // a supervise/ replaced): removed, or they would pile up.
  size_t j = 0;
  for (size_t i = 0; i < cur_n_; ++i) {
    int wd = cur_[i].wd;
    if (i && cur_[i - 1].wd == wd) continue;
    while (j < next_n_ && next_[j].wd < wd) ++j;
    if (j == next_n_ || next_[j].wd != wd) ::inotify_rm_watch(fd_, wd);
  }
  std::swap(cur_, next_);
  cur_n_ = next_n_;
  next_n_ = 0;
}

bool Watches::apply(int wd, uint32_t mask, const char* name, bool* dirty) const noexcept {
  if (mask & IN_Q_OVERFLOW) return true;
  if (mask & IN_IGNORED) return false;
  if (wd == scan_wd_) return name[0] != '.' && name[0] != '\0';
  Entry key{wd, WatchKind::kService, 0};
  auto [lo, hi] = std::equal_range(cur_, cur_ + cur_n_, key,
                                   [](const Entry& x, const Entry& y) { return x.wd < y.wd; });
  bool list = false;
  for (const Entry* e = lo; e != hi; ++e) {
    if (mask & kSelf) return true;
    switch (e->kind) {
      case WatchKind::kService:
        if (is(name, "down")) dirty[e->row] = true;
        else if (is(name, "supervise") || is(name, "log")) list = true;
        break;
      case WatchKind::kSupervise:
        if (is(name, "status") || is(name, "xstatus")) dirty[e->row] = true;
        else if (is(name, "ok")) list = true;
        break;
      case WatchKind::kOk:
        dirty[e->row] = true;
        break;
    }
  }
  return list;
}

bool Watches::drain(bool* dirty) noexcept {
  bool list = false;
  for (;;) {
    ssize_t n = ::read(fd_, buf_, sizeof buf_);
    if (n == -1 && errno == EINTR) continue;
    if (n == -1) return list || errno != EAGAIN;  // an unreadable queue: read everything
    if (n == 0) return true;
    for (ssize_t at = 0; at + ssize_t(sizeof(inotify_event)) <= n;) {
      inotify_event ev;
      std::memcpy(&ev, buf_ + at, sizeof ev);
      const char* name = ev.len ? buf_ + at + sizeof ev : "";
      list |= apply(ev.wd, ev.mask, name, dirty);
      at += sizeof ev + ev.len;
    }
  }
}

}  // namespace svweb
