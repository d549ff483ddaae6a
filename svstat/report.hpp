// What svstat learns about one service directory, and the three ways it
// prints it beyond 0.76's line: long (-l), JSON (-j), Prometheus text (-p).
// See svstat(8) for the field names, which are stable.
#pragma once
#include <string_view>

#include "lib/buffer.hpp"
#include "lib/snapshot.hpp"

namespace svstat {

struct Report {
  std::string_view dir;     // as given
  bool ok = false;          // supervise runs and its status was read
  char error[160] = {};     // otherwise why not, as 0.76's line says it
  bool supervised = false;  // a supervise runs (ok may still be false)
  bool normally_up = false;
  lib::Snapshot snap;
};

// 0.76's text after "dir: " (and the clauses of the extension).
void put_line(lib::Writer& out, const Report& r, const lib::Tai64n& now);
// "dir: line", then one "  name: value" line per field.
void put_long(lib::Writer& out, const Report& r, const lib::Tai64n& now);
// One JSON object (no newline).
void put_json(lib::Writer& out, const Report& r, const lib::Tai64n& now);
// Every metric, its HELP and TYPE lines then one sample per service (the
// text format wants a metric's samples together). A service whose status
// could not be read has only svc_supervised.
void put_prom(lib::Writer& out, const Report* r, size_t n, const lib::Tai64n& now);
// s as a JSON string with its quotes: control characters and '"' '\'
// escaped, each byte of invalid UTF-8 replaced by \ufffd.
void put_json_string(lib::Writer& out, std::string_view s);

}  // namespace svstat
