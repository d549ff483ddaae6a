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

// supervise/xstatus: what supervise knows beyond the 0.76 record. Our
// supervise writes it for every service (service-dir(5)), before
// supervise/status at every change (xstatus.new, then renamed: one atomic
// rename per change); it repeats the status record so that one read gives
// a consistent snapshot; a reader uses the extension only when those 18
// bytes equal supervise/status (otherwise it is stale, or from another
// supervise). Layout (big-endian numbers):
//
//   0..17   the status record, as in supervise/status
//   18..20  magic "svx"
//   21      version, 2; a later version only appends fields
//   22..23  length of the fields that follow (312 in version 2, 32 in
//           version 1; a reader ignores bytes past the fields it knows)
//  version 1 fields:
//   24      state (XState below)
//   25      flags: 1 a stop (svc -d or -r) is under way
//   26..27  consecutive quick deaths of ./run (the backoff's count)
//   28..39  TAI64N of the next start after a backoff pause; zero if none
//   40..41  last exit of ./run: its exit code, 256 if killed by a signal,
//           0xffff if it has not exited yet
//   42      the signal that killed it, 0 after an exit
//   43      0
//   44..55  TAI64N of that exit; zero if none
//  version 2 fields:
//   56      features the service directory configures (kXFeature*): which
//           clauses svstat appends. 0 for a directory without setting
//           files, whose svstat line stays 0.76's. A version 1 file
//           (written only for services with setting files) reads as
//           kXFeatureSettings.
//   57      0
//   58..59  consecutive failed checks (./check)
//   60..63  restarts: starts of ./run since supervise started, less one
//   64..75  TAI64N since when ./run is ready; zero when it is not (down,
//           or up and not yet ready)
//   76..77  length of the STATUS= text (at most kXStatusTextMax)
//   78..79  0
//   80..335 the last STATUS= text sent on NOTIFY_SOCKET, zero-padded
enum class XState : unsigned char {
  kDown = 0,
  kUp = 1,
  kFinishing = 2,        // ./finish runs
  kBackoff = 3,          // waiting out a backoff pause
  kFailed = 4,           // gave up (give-up), down until svc -u
  kPermanentlyDown = 5,  // ./finish exited 125
  kNotRestarted = 6,     // ./run exited as listed in no-restart
  kPending = 7,          // a start waits for the one-a-second limit
};

constexpr size_t kXStatusHead = 24;  // record, magic, version, length
constexpr size_t kXStatusFieldsV1 = 32;
constexpr size_t kXStatusTextMax = 256;
constexpr size_t kXStatusFields = kXStatusFieldsV1 + 24 + kXStatusTextMax;
constexpr size_t kXStatusSize = kXStatusHead + kXStatusFields;
constexpr unsigned char kXStatusVersion = 2;
constexpr unsigned char kXStatusStopping = 1;
constexpr uint16_t kNoExit = 0xffff;

// Features (byte 56).
constexpr unsigned char kXFeatureSettings = 1;   // some setting file exists
constexpr unsigned char kXFeatureReadiness = 2;  // notification-fd, notify or check
constexpr unsigned char kXFeatureCheck = 4;      // ./check
constexpr unsigned char kXFeatureNotify = 8;     // notify (NOTIFY_SOCKET)
constexpr unsigned char kXFeatureWatchdog = 16;  // timeout-watchdog

struct XStatus {
  XState state = XState::kDown;
  unsigned char flags = 0;
  uint16_t deaths = 0;
  Tai64n backoff_until;  // zero: none
  uint16_t exit_code = kNoExit;
  unsigned char exit_signal = 0;
  Tai64n exit_when;  // zero: none
  unsigned char features = 0;
  uint16_t check_failures = 0;
  uint32_t restarts = 0;
  Tai64n ready_when;  // zero: not ready
  uint16_t text_len = 0;
  char text[kXStatusTextMax] = {};
  friend bool operator==(const XStatus&, const XStatus&) = default;
};

void xstatus_encode(const unsigned char rec[kStatusSize], const XStatus& x,
                    unsigned char out[kXStatusSize]) noexcept;
// Decodes a file of n bytes whose record equals rec; false when it is too
// short, has another magic, version 0, or another record.
bool xstatus_decode(const unsigned char* in, size_t n, const unsigned char rec[kStatusSize],
                    XStatus& x) noexcept;
// As status_write, for supervise/xstatus.new renamed over supervise/xstatus.
StatusWriteError xstatus_write(const unsigned char buf[kXStatusSize]) noexcept;

// The clauses svstat appends after status_describe's text. With
// kXFeatureSettings, at most one of:
//   ", finishing"            ./finish runs
//   ", backoff N seconds"    N seconds (rounded up) until the next start
//   ", failed"               gave up after give-up's deaths; svc -u restarts
//   ", permanently down"     ./finish exited 125; svc -u restarts
//   ", not restarted"        ./run exited as listed in no-restart
// then, with kXFeatureReadiness and ./run up (s.pid not 0):
//   ", ready N seconds"      ready for N seconds
//   ", not ready"            up, not ready yet
// and with kXFeatureCheck, when checks failed in a row:
//   ", unhealthy (N failed checks)"
// now is the current time. Returns the length written (at most cap).
size_t xstatus_describe(const XStatus& x, bool up, const Tai64n& now, char* out, size_t cap) noexcept;

}  // namespace lib
