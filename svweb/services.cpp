#include "svweb/services.hpp"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "lib/dirents.hpp"
#include "lib/err.hpp"
#include "lib/fd.hpp"
#include "svweb/http.hpp"

namespace svweb {
namespace {

bool is_dir_at(int dirfd, const char* path) {
  struct stat st;
  return ::fstatat(dirfd, path, &st, 0) == 0 && S_ISDIR(st.st_mode);
}

// The name as a C string, or false if it does not fit.
bool cstr(std::string_view s, char* out, size_t cap) {
  if (s.size() >= cap) return false;
  std::memcpy(out, s.data(), s.size());
  out[s.size()] = '\0';
  return true;
}

}  // namespace

bool Services::add(std::string_view name, bool log) noexcept {
  size_t len = scandir_.size() + 1 + name.size() + (log ? 4 : 0);
  if (n_ >= kMaxServices || kNameSpace - used_ < len) return false;
  char* p = names_ + used_;
  std::memcpy(p, scandir_.data(), scandir_.size());
  p[scandir_.size()] = '/';
  std::memcpy(p + scandir_.size() + 1, name.data(), name.size());
  if (log) std::memcpy(p + scandir_.size() + 1 + name.size(), "/log", 4);
  dirs_[n_++] = std::string_view(p, len);
  used_ += len;
  return true;
}

bool Services::scan() noexcept {
  n_ = 0;
  used_ = 0;
  if (::lseek(fd_, 0, SEEK_SET) == -1) return false;
  static char buf[32 * 1024];
  // First the names (the type from getdents is not trusted for symlinks:
  // every candidate is stat'ed, following links).
  int rc = lib::for_each_dirent(fd_, buf, sizeof buf, [&](const lib::DirEntry& e) {
    std::string_view name(e.name);
    if (!plain_name(name)) return true;
    if (e.type != DT_DIR && e.type != DT_LNK && e.type != DT_UNKNOWN) return true;
    if (!is_dir_at(fd_, e.name)) return true;
    return add(name, false);
  });
  if (rc == -1) {
    int e = errno;
    n_ = used_ = 0;
    errno = e;
    return false;
  }
  std::sort(dirs_, dirs_ + n_);
  // Then the logs, interleaved after their services: rebuilt from the end
  // so the sorted order is kept without a second table.
  size_t mains = n_;
  size_t logs = 0;
  char path[300];
  bool has_log[kMaxServices];
  for (size_t i = 0; i < mains; ++i) {
    std::string_view nm = dirs_[i].substr(scandir_.size() + 1);
    has_log[i] = cstr(nm, path, sizeof path - 4) && (std::memcpy(path + nm.size(), "/log", 5), true) &&
                 is_dir_at(fd_, path);
    if (has_log[i]) ++logs;
  }
  if (mains + logs > kMaxServices) logs = 0, std::fill(has_log, has_log + mains, false);
  // Spread the mains out, last first, leaving a slot after each with a log.
  size_t out = mains + logs;
  for (size_t i = mains; i-- > 0;) {
    if (has_log[i]) dirs_[--out] = std::string_view();  // placeholder, filled below
    dirs_[--out] = dirs_[i];
  }
  n_ = mains + logs;
  for (size_t i = 1; i < n_; ++i) {
    if (dirs_[i].data() != nullptr) continue;
    std::string_view main = dirs_[i - 1];
    size_t len = main.size() + 4;
    if (kNameSpace - used_ < len) {
      // No room for the text: drop the row.
      std::copy(dirs_ + i + 1, dirs_ + n_, dirs_ + i);
      --n_;
      --i;
      continue;
    }
    char* p = names_ + used_;
    std::memcpy(p, main.data(), main.size());
    std::memcpy(p + main.size(), "/log", 4);
    dirs_[i] = std::string_view(p, len);
    used_ += len;
  }
  return true;
}

void Services::watch() noexcept {
  if (!watches_.open(scandir_.data()))
    lib::warn_sys({"unable to watch ", scandir_});  // svweb(8): then every row, every request
}

bool Services::refresh() noexcept {
  // A row not watched can gain a log or a supervise/ unseen: while there
  // is one, the list is read every time too.
  bool list = !built_ || !watches_.active() || unwatched_;
  if (watches_.active() && watches_.drain(dirty_)) list = true;
  if (list) {
    built_ = false;
    if (!scan()) return false;
    if (watches_.active()) rewatch();
    std::fill(dirty_, dirty_ + n_, true);
    built_ = true;
    ++generation_;
  }
  bool read = false;
  for (size_t i = 0; i < n_; ++i) {
    if (!dirty_[i] && watched_[i]) continue;
    dirty_[i] = false;
    describe(i);
    read = true;
  }
  if (read) ++generation_;
  return true;
}

bool Services::any_backoff() const noexcept {
  for (size_t i = 0; i < n_; ++i)
    if (reports_[i].ok && reports_[i].snap.extended && reports_[i].snap.x.state == lib::XState::kBackoff)
      return true;
  return false;
}

void Services::rewatch() noexcept {
  // Before the rows are read: a change after its watch is there comes as
  // an event, one before is in what is read.
  watches_.begin();
  unwatched_ = false;
  constexpr std::string_view kSup = "/supervise", kOk = "/ok";
  char path[4096];
  for (size_t i = 0; i < n_; ++i) {
    std::string_view d = dirs_[i];
    watched_[i] = false;
    if (d.size() + kSup.size() + kOk.size() >= sizeof path) continue;
    std::memcpy(path, d.data(), d.size());
    path[d.size()] = '\0';
    // 0 (not there) is watched: the level above reports its coming.
    int r = watches_.add(path, WatchKind::kService, uint32_t(i));
    if (r == 1) {
      std::memcpy(path + d.size(), kSup.data(), kSup.size() + 1);
      r = watches_.add(path, WatchKind::kSupervise, uint32_t(i));
    }
    if (r == 1) {
      std::memcpy(path + d.size() + kSup.size(), kOk.data(), kOk.size() + 1);
      r = watches_.add(path, WatchKind::kOk, uint32_t(i));
    }
    watched_[i] = r != -1;
    unwatched_ |= r == -1;
    if (r == -1 && !warned_) {
      warned_ = true;
      lib::warn_sys({"unable to watch ", path});  // that row: read every request
    }
  }
  watches_.end();
}

void Services::describe(size_t i) noexcept {
  lib::ServiceReport& r = reports_[i];
  r = lib::ServiceReport{};
  r.dir = dirs_[i];
  char path[300];
  std::string_view nm = name(i);
  lib::Fd d;
  if (cstr(nm, path, sizeof path)) d.reset(::openat(fd_, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!d.valid())
    lib::report_error(r, "unable to chdir: ", lib::error_str(errno));
  else
    lib::report_describe(d.get(), r);
}

int Services::open_service(std::string_view name) const noexcept {
  std::string_view main = name;
  bool log = false;
  if (name.size() > 4 && name.substr(name.size() - 4) == "/log") {
    main = name.substr(0, name.size() - 4);
    log = true;
  }
  if (!plain_name(main)) return -1;
  char path[300];
  if (!cstr(main, path, sizeof path - 4)) return -1;
  if (log) std::memcpy(path + main.size(), "/log", 5);
  if (!is_dir_at(fd_, path)) return -1;
  return ::openat(fd_, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

void Services::describe_one(std::string_view name, int dfd, lib::ServiceReport& r, char* store,
                            size_t cap) const noexcept {
  r = lib::ServiceReport{};
  size_t len = scandir_.size() + 1 + name.size();
  if (len > cap) len = cap;
  size_t k = scandir_.size() < len ? scandir_.size() : len;
  std::memcpy(store, scandir_.data(), k);
  if (k < len) store[k++] = '/';
  std::memcpy(store + k, name.data(), len - k);
  r.dir = std::string_view(store, len);
  lib::report_describe(dfd, r);
}

}  // namespace svweb
