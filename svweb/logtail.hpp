// The log view's data: lines of a service's multilog log, the daemontools
// convention NAME/log/main/current (NAME/log runs `multilog t ./main`),
// with each TAI64N stamp at a line start turned into local time as
// tai64nlocal prints it ("YYYY-MM-DD HH:MM:SS.nnnnnnnnn").
//
// A request reads at most kLogChunk bytes: the last ones of the file, or,
// when following, those from the offset the previous answer gave. Only
// whole lines are returned (a line longer than a chunk is cut into
// chunks). The answer is one JSON object:
//   {"ino": N, "offset": N, "more": bool, "reset": bool, "lines": ["...", ...]}
// or {"error": "unable to open log/main/current: ...", "ino": 0, "offset": 0,
// "more": false, "reset": true, "lines": []}.
// "offset" (with "ino") is where the next request goes on from: a
// follower asks ?from=OFFSET&ino=INO. When current was replaced (multilog
// rotated it: another inode) it is read from its start; when it shrank or
// from is missing, from its last kLogChunk bytes, with "reset": true (the
// viewer starts again). "more": the file holds more than this chunk read.
#pragma once
#include <cstddef>
#include <cstdint>

#include "lib/buffer.hpp"
#include "lib/local_time.hpp"

namespace svweb {

constexpr size_t kLogChunk = 64 * 1024;

struct LogCursor {
  bool follow = false;  // from and ino were given
  uint64_t from = 0;
  uint64_t ino = 0;
};

// Writes the JSON answer for the service directory open as dirfd (its
// log/main/current) into out, reading through scratch (kLogChunk bytes).
void log_json(int dirfd, const LogCursor& at, char* scratch, lib::LocalTimeText& local,
              lib::Writer& out) noexcept;

// Writes line (no newline) with a leading "@" + 24 hex digit stamp
// converted to local time, as tai64nlocal would; other lines unchanged.
// The result goes to out as a JSON string.
void put_log_line(lib::Writer& out, const char* line, size_t n, lib::LocalTimeText& local) noexcept;

}  // namespace svweb
