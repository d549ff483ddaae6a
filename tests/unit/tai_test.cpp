#include <catch2/catch.hpp>
#include <string>

#include "lib/tai.hpp"

TEST_CASE("TAI64N label uses daemontools' offset", "[tai]") {
  lib::Tai64n t = lib::tai64n_from_unix(0, 0);
  char hex[24];
  lib::tai64n_hex(t, hex);
  CHECK(std::string(hex, 24) == "400000000000000a00000000");
  t = lib::tai64n_from_unix(1700000000, 123456789);
  lib::tai64n_hex(t, hex);
  CHECK(std::string(hex, 24) == "400000006553f10a075bcd15");
  CHECK(lib::tai64n_unix_sec(t) == 1700000000);
}

TEST_CASE("TAI64N packs big-endian and round-trips", "[tai]") {
  lib::Tai64n t{0x4000000012345678ULL, 0x01020304};
  unsigned char b[12];
  lib::tai64n_pack(t, b);
  const unsigned char want[12] = {0x40, 0, 0, 0, 0x12, 0x34, 0x56, 0x78, 1, 2, 3, 4};
  CHECK(std::equal(b, b + 12, want));
  CHECK(lib::tai64n_unpack(b) == t);
}

TEST_CASE("tai64n_now is close to the system clock", "[tai]") {
  // Bracketed with the clock tai64n_now reads: time() uses the kernel's
  // coarse clock, which can lag CLOCK_REALTIME by a tick across a second.
  timespec before, after;
  ::clock_gettime(CLOCK_REALTIME, &before);
  lib::Tai64n t = lib::tai64n_now();
  ::clock_gettime(CLOCK_REALTIME, &after);
  int64_t s = lib::tai64n_unix_sec(t);
  CHECK((s > before.tv_sec || (s == before.tv_sec && t.nano >= uint32_t(before.tv_nsec))));
  CHECK((s < after.tv_sec || (s == after.tv_sec && t.nano <= uint32_t(after.tv_nsec))));
  CHECK(t.nano < 1000000000u);
}
