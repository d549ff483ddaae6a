// supervise/status: the 18-byte record supervise rewrites on every change
// and svstat reads. The layout is daemontools 0.76's, byte for byte, so the
// reference svstat reads ours and ours reads the reference's:
//
//   0..11  TAI64N of the last pid change (start, exit, supervise start-up):
//          8 bytes big-endian TAI64 label (2^62 + 10 + unix seconds), then
//          4 bytes big-endian nanoseconds
//   12..15 pid of ./run, little-endian; 0 when the service is down
//   16     1 when paused (svc -p) and up; 0 otherwise
//   17     what supervise wants: 'u' up, 'd' down, 0 after svc -o (once)
//
// The file is replaced atomically: written to supervise/status.new, then
// renamed over supervise/status.
#pragma once
#include <cstddef>
#include <cstdint>

#include "lib/tai.hpp"

namespace lib {

constexpr size_t kStatusSize = 18;

struct Status {
  Tai64n when;               // last pid change
  uint32_t pid = 0;          // 0: down
  unsigned char paused = 0;  // as stored: nonzero means paused
  unsigned char want = 0;    // 'u', 'd' or 0
  friend bool operator==(const Status&, const Status&) = default;
};

void status_encode(const Status& s, unsigned char out[kStatusSize]) noexcept;
Status status_decode(const unsigned char in[kStatusSize]) noexcept;

// Which step of status_write failed.
enum class StatusWriteError { kNone, kOpen, kWrite, kPartial, kRename };

// Writes the record to <sv>/status.new and renames it over <sv>/status
// (sv is the supervise directory, relative to the current one, e.g.
// "supervise"). The file is created 0644 (less umask). Returns kNone, or the
// failing step with errno set (kPartial: errno meaningless). The block is
// allocated (fallocate) before writing: see status.cpp.
StatusWriteError status_write(const unsigned char rec[kStatusSize]) noexcept;

// The text svstat prints after "dir: " for a record, exactly as 0.76:
//   "up (pid 123) 45 seconds" or "down 45 seconds", followed by, in this
//   order and when they apply: ", normally down" (up, a down file exists),
//   ", normally up" (down, no down file), ", paused" (up and paused),
//   ", want up" (down and want 'u'), ", want down" (up and want 'd').
// now_label is the current TAI64 label; a record from the future counts as
// 0 seconds. Writes at most cap bytes to out (96 always suffice), returns
// the length.
size_t status_describe(const Status& s, bool normally_up, uint64_t now_label, char* out,
                       size_t cap) noexcept;

}  // namespace lib
