// One consistent reading of a service's supervise/status and, when it
// matches, supervise/xstatus (lib/status.hpp), for svstat and svwait.
#pragma once
#include "lib/status.hpp"

namespace lib {

struct Snapshot {
  Status status;
  bool extended = false;  // x is valid (our supervise, matching record)
  // xstatus is newer than status and does not match it: our supervise is
  // between its two renames, and status is about to change. A reader
  // that needs the extension waits for the next change.
  bool settling = false;
  XStatus x;
};

// Why snapshot_read failed.
enum class SnapshotError { kNone, kOpen, kRead, kShort };

// Reads dirfd/supervise/status (dirfd: the service directory, or AT_FDCWD)
// and dirfd/supervise/xstatus. On kOpen and kRead errno is set.
SnapshotError snapshot_read(int dirfd, Snapshot& s) noexcept;

}  // namespace lib
