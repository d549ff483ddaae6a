#include <catch2/catch.hpp>
#include <string>

#include "lib/num.hpp"

TEST_CASE("parse_u64 takes whole decimal strings only", "[num]") {
  uint64_t v = 7;
  CHECK(lib::parse_u64("0", v));
  CHECK(v == 0);
  CHECK(lib::parse_u64("18446744073709551615", v));
  CHECK(v == UINT64_MAX);
  CHECK_FALSE(lib::parse_u64("18446744073709551616", v));
  CHECK_FALSE(lib::parse_u64("", v));
  CHECK_FALSE(lib::parse_u64("12x", v));
  CHECK_FALSE(lib::parse_u64("-1", v));
  CHECK_FALSE(lib::parse_u64(" 1", v));
}

TEST_CASE("scan_ulong reads the leading digits like the reference", "[num]") {
  unsigned long v = 9;
  CHECK(lib::scan_ulong("123abc", v) == 3);
  CHECK(v == 123);
  CHECK(lib::scan_ulong("x", v) == 0);
  CHECK(v == 0);
  CHECK(lib::scan_ulong("", v) == 0);
}

TEST_CASE("format_u64 writes decimal", "[num]") {
  char b[20];
  CHECK(std::string(b, lib::format_u64(b, 0)) == "0");
  CHECK(std::string(b, lib::format_u64(b, 4096)) == "4096");
  CHECK(std::string(b, lib::format_u64(b, UINT64_MAX)) == "18446744073709551615");
}
