// snapshot_read: status alone, status with its extension, and the moment
// between supervise's two renames (settling), with the files' times set
// by hand.
#include <fcntl.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <fstream>

#include "lib/snapshot.hpp"
#include "support.hpp"

namespace {

void write_file(const std::string& path, const unsigned char* data, size_t n) {
  std::ofstream f(path, std::ios::binary);
  f.write(reinterpret_cast<const char*>(data), std::streamsize(n));
}

void set_mtime(const std::string& path, time_t sec) {
  timespec t[2] = {{sec, 0}, {sec, 0}};
  REQUIRE(::utimensat(AT_FDCWD, path.c_str(), t, 0) == 0);
}

struct Service {
  test::TempDir dir;
  Service() { ::mkdir((dir / "supervise").c_str(), 0700); }
  std::string at(const char* name) const { return dir / (std::string("supervise/") + name); }
  lib::SnapshotError read(lib::Snapshot& s) const {
    lib::Fd d(::open(dir.path().c_str(), O_RDONLY | O_DIRECTORY));
    return lib::snapshot_read(d.get(), s);
  }
};

void record(uint32_t pid, unsigned char rec[lib::kStatusSize]) {
  lib::Status st;
  st.pid = pid;
  lib::status_encode(st, rec);
}

}  // namespace

TEST_CASE("snapshot_read: no status, a short one, status alone", "[snapshot]") {
  Service sv;
  lib::Snapshot s;
  CHECK(sv.read(s) == lib::SnapshotError::kOpen);
  unsigned char rec[lib::kStatusSize];
  record(42, rec);
  write_file(sv.at("status"), rec, 10);
  CHECK(sv.read(s) == lib::SnapshotError::kShort);
  write_file(sv.at("status"), rec, sizeof rec);
  REQUIRE(sv.read(s) == lib::SnapshotError::kNone);
  CHECK(s.status.pid == 42);
  CHECK_FALSE(s.extended);
  CHECK_FALSE(s.settling);
}

TEST_CASE("snapshot_read: the extension of the same record; of another, newer or older", "[snapshot]") {
  Service sv;
  unsigned char rec[lib::kStatusSize], other[lib::kStatusSize], x[lib::kXStatusSize];
  record(42, rec);
  record(43, other);
  write_file(sv.at("status"), rec, sizeof rec);
  lib::XStatus xs;
  xs.restarts = 7;
  lib::xstatus_encode(rec, xs, x);
  write_file(sv.at("xstatus"), x, sizeof x);
  lib::Snapshot s;
  REQUIRE(sv.read(s) == lib::SnapshotError::kNone);
  CHECK(s.extended);
  CHECK(s.x.restarts == 7);
  CHECK_FALSE(s.settling);

  // xstatus written for the next record, status not yet renamed in.
  lib::xstatus_encode(other, xs, x);
  write_file(sv.at("xstatus"), x, sizeof x);
  set_mtime(sv.at("status"), 1000);
  set_mtime(sv.at("xstatus"), 2000);
  REQUIRE(sv.read(s) == lib::SnapshotError::kNone);
  CHECK_FALSE(s.extended);
  CHECK(s.settling);
  CHECK(s.status.pid == 42);

  // An older extension left by another supervise: not settling.
  set_mtime(sv.at("xstatus"), 500);
  REQUIRE(sv.read(s) == lib::SnapshotError::kNone);
  CHECK_FALSE(s.extended);
  CHECK_FALSE(s.settling);
}
