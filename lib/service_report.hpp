// What svstat and svweb learn about one service directory, and the ways
// svstat prints it: 0.76's line, long (-l), JSON (-j), Prometheus text
// (-p); svweb serves the JSON and the Prometheus text. See svstat(8) for
// the field names, which are stable.
#pragma once
#include <cstddef>
#include <string_view>

#include "lib/buffer.hpp"
#include "lib/snapshot.hpp"

namespace lib {

struct ServiceReport {
  std::string_view dir;     // as given
  bool ok = false;          // supervise runs and its status was read
  char error[160] = {};     // otherwise why not, as 0.76's line says it
  bool supervised = false;  // a supervise runs (ok may still be false)
  bool normally_up = false;
  Snapshot snap;
};

// 0.76's text after "dir: " (and the clauses of the extension).
void report_line(Writer& out, const ServiceReport& r, const Tai64n& now);
// Fills r (r.dir already set) for the service directory open as dirfd
// (or AT_FDCWD), in 0.76's order: the down file, a reader on
// supervise/ok, then the status.
void report_describe(int dirfd, ServiceReport& r) noexcept;
// Sets r's error to what + why (truncated to fit).
void report_error(ServiceReport& r, std::string_view what, std::string_view why) noexcept;
// "dir: line", then one "  name: value" line per field.
void report_long(Writer& out, const ServiceReport& r, const Tai64n& now);
// One JSON object (no newline).
void report_json(Writer& out, const ServiceReport& r, const Tai64n& now);
// Every metric, its HELP and TYPE lines then one sample per service (the
// text format wants a metric's samples together). A service whose status
// could not be read has only svc_supervised.
void report_prom(Writer& out, const ServiceReport* r, size_t n, const Tai64n& now);
// s as a JSON string with its quotes: control characters and '"' '\'
// escaped, each byte of invalid UTF-8 replaced by \ufffd.
void put_json_string(Writer& out, std::string_view s);
// The same without the quotes (valid UTF-8 split between two calls comes
// out as \ufffd: split only at ASCII bytes).
void put_json_chars(Writer& out, std::string_view s);

}  // namespace lib
