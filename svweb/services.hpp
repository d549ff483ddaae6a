// The services of a scan directory, as svweb lists them: every entry not
// starting with '.' that is a directory (symlinks followed, as svscan
// follows them), sorted by name, each followed by NAME/log when that is a
// directory. Between requests inotify says what changed (watches.hpp): a
// request reads the list again only when an entry came or went, and a row
// only when its state may have changed; without inotify, or for a row it
// could not watch, everything is read at every request. The tables are
// fixed at start-up (kMaxServices rows, kNameSpace bytes of names): past
// them the list is cut short.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "lib/service_report.hpp"
#include "svweb/watches.hpp"

namespace svweb {

constexpr size_t kMaxServices = 32768;          // rows, logs included
constexpr size_t kNameSpace = 4 * 1024 * 1024;  // bytes of "scandir/NAME[/log]" text
static_assert(Watches::kMax >= 3 * kMaxServices, "three watches a row");

class Services {
 public:
  // scandir: the path as given, NUL-terminated (it prefixes every "dir");
  // fd: it, open.
  Services(std::string_view scandir, int fd) noexcept : scandir_(scandir), fd_(fd) {}
  int dir_fd() const noexcept { return fd_; }

  // Starts the watches; without them (a warning says why) every request
  // reads everything.
  void watch() noexcept;
  // Brings the rows and their reports up to date. false on a read error
  // of the scan directory (errno set); the list is then empty.
  bool refresh() noexcept;
  size_t size() const noexcept { return n_; }
  // Counts the refreshes that changed a row or the list: equal before and
  // after, nothing a request shows has changed but the clock's reading.
  uint64_t generation() const noexcept { return generation_; }
  // Some row counts down a backoff to the nanosecond (its seconds change
  // within a second of the clock).
  bool any_backoff() const noexcept;
  // "scandir/NAME" or "scandir/NAME/log", as svstat is given it.
  std::string_view dir(size_t i) const noexcept { return dirs_[i]; }
  // "NAME" or "NAME/log".
  std::string_view name(size_t i) const noexcept { return dirs_[i].substr(scandir_.size() + 1); }
  // Reports for rows [0, size()), as refresh left them.
  const lib::ServiceReport* reports() const noexcept { return reports_; }

  // Opens NAME ("A" or "A/log") if it is one of the rows: A a plain name
  // (http.hpp plain_name) that is a directory in scandir, and for A/log,
  // A/log a directory. Returns an O_DIRECTORY descriptor, or -1.
  int open_service(std::string_view name) const noexcept;
  // Fills r (r.dir set to scandir/name in store, cap bytes) for the
  // service open as dfd.
  void describe_one(std::string_view name, int dfd, lib::ServiceReport& r, char* store,
                    size_t cap) const noexcept;

 private:
  bool add(std::string_view name, bool log) noexcept;
  // Reads the list again (empty on a read error, errno set).
  bool scan() noexcept;
  // Watches every row's paths; rows it cannot watch are read every time.
  void rewatch() noexcept;
  void describe(size_t i) noexcept;

  std::string_view scandir_;
  int fd_;
  size_t n_ = 0;
  size_t used_ = 0;
  std::string_view dirs_[kMaxServices];
  lib::ServiceReport reports_[kMaxServices];
  char names_[kNameSpace];
  Watches watches_;
  bool built_ = false;          // the list is read and watched
  bool warned_ = false;         // a watch failed: said once
  bool unwatched_ = false;      // some row is not watched
  uint64_t generation_ = 0;
  bool dirty_[kMaxServices];    // read the row at the next refresh
  bool watched_[kMaxServices];  // else read it at every refresh
};

}  // namespace svweb
