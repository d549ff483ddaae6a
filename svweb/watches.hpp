// Which rows of svweb's service table may have changed since the last
// request, as inotify tells: at 10,000 services, reading every status file
// and asking every supervise/ok FIFO for a reader costs ~10 system calls a
// row a request; with the watches a request reads only what changed.
//
// Three watches a row, none of which our own reads set off:
//   NAME/                create/delete/rename of down (the row), of
//                        supervise or log (the list: watches to add)
//   NAME/supervise/      status or xstatus renamed in or deleted (the
//                        row); ok created or deleted (the list)
//   NAME/supervise/ok    closed by its reader: the supervise holding it
//                        has exited (the row; a writer's close, svok's or
//                        ours, is not watched)
// and one on the scan directory (an entry added, removed, renamed: the
// list). A queue overflow reads everything again.
#pragma once
#include <cstddef>
#include <cstdint>

namespace svweb {

enum class WatchKind : unsigned char { kService, kSupervise, kOk };

class Watches {
 public:
  static constexpr size_t kMax = 3 * 32768 + 16;

  // Starts inotify and watches scandir. false (errno set): none, and
  // every request reads everything, as without this class.
  bool open(const char* scandir) noexcept;
  bool active() const noexcept { return fd_ != -1; }

  // A new set of watches: begin(), add() for each row's paths, end(),
  // which removes the watches of the last set no row uses any more.
  void begin() noexcept { next_n_ = 0; }
  // 1: watched; 0: path is not there (the watch one level up sees it
  // come); -1: not watched (errno set: ENOSPC past max_user_watches...).
  int add(const char* path, WatchKind kind, uint32_t row) noexcept;
  void end() noexcept;

  // Reads what is queued: sets dirty[row] for every row that may have
  // changed; returns true if the list of rows must be read again.
  bool drain(bool* dirty) noexcept;

 private:
  struct Entry {
    int wd;
    WatchKind kind;
    uint32_t row;
  };
  // What one event means: returns true for "read the list again", else
  // sets dirty[] for the rows it concerns.
  bool apply(int wd, uint32_t mask, const char* name, bool* dirty) const noexcept;

  int fd_ = -1;
  int scan_wd_ = -1;
  Entry a_[kMax];
  Entry b_[kMax];
  Entry* cur_ = a_;
  Entry* next_ = b_;
  size_t cur_n_ = 0;
  size_t next_n_ = 0;
  alignas(8) char buf_[64 * 1024];
};

}  // namespace svweb
