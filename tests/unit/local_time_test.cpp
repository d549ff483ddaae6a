#include <stdlib.h>
#include <time.h>

#include <catch2/catch.hpp>
#include <string>

#include "lib/local_time.hpp"

namespace {

// Sets TZ for one test and restores the previous value afterwards.
class ScopedTz {
 public:
  explicit ScopedTz(const char* tz) {
    const char* old = ::getenv("TZ");
    had_ = old != nullptr;
    if (had_) old_ = old;
    ::setenv("TZ", tz, 1);
    ::tzset();
  }
  ~ScopedTz() {
    if (had_)
      ::setenv("TZ", old_.c_str(), 1);
    else
      ::unsetenv("TZ");
    ::tzset();
  }

 private:
  bool had_;
  std::string old_;
};

std::string text(lib::LocalTimeText& f, int64_t sec, uint32_t nano) {
  char buf[lib::LocalTimeText::kMaxLen];
  size_t n = f.format(sec, nano, buf);
  return std::string(buf, n);
}

}  // namespace

TEST_CASE("local time text in UTC", "[local_time]") {
  ScopedTz tz("UTC");
  lib::LocalTimeText f;
  CHECK(text(f, 0, 0) == "1970-01-01 00:00:00.000000000");
  CHECK(text(f, 1610612726, 5) == "2021-01-14 08:25:26.000000005");
  CHECK(text(f, 1610612726, 123456789) == "2021-01-14 08:25:26.123456789");
  CHECK(text(f, -1, 999999999) == "1969-12-31 23:59:59.999999999");
}

TEST_CASE("local time text follows TZ, daylight saving included", "[local_time]") {
  ScopedTz tz("America/New_York");
  lib::LocalTimeText f;
  CHECK(text(f, 1625140800, 0) == "2021-07-01 08:00:00.000000000");
  CHECK(text(f, 1609459200, 0) == "2020-12-31 19:00:00.000000000");
  CHECK(text(f, 1615705199, 0) == "2021-03-14 01:59:59.000000000");
  CHECK(text(f, 1615705200, 0) == "2021-03-14 03:00:00.000000000");
}

TEST_CASE("the cached second never leaks into another", "[local_time]") {
  ScopedTz tz("UTC");
  lib::LocalTimeText f;
  CHECK(text(f, 86399, 1) == "1970-01-01 23:59:59.000000001");
  CHECK(text(f, 86399, 2) == "1970-01-01 23:59:59.000000002");
  CHECK(text(f, 86400, 3) == "1970-01-02 00:00:00.000000003");
  CHECK(text(f, 86399, 4) == "1970-01-01 23:59:59.000000004");
}

TEST_CASE("odd values print as daemontools 0.76 prints them", "[local_time]") {
  ScopedTz tz("UTC");
  lib::LocalTimeText f;
  // A fraction above 999999999 prints in full.
  CHECK(text(f, 0, 1000000000) == "1970-01-01 00:00:00.1000000000");
  CHECK(text(f, 0, 4294967295u) == "1970-01-01 00:00:00.4294967295");
  // Years outside 1..9999 print as 1900 + tm_year, wrapped in a C int and
  // shown unsigned.
  CHECK(text(f, -62135596801, 0) == "0-12-31 23:59:59.000000000");
  CHECK(text(f, 253402300800, 0) == "10000-01-01 00:00:00.000000000");
  CHECK(text(f, -1000000000000000, 0) == "18446744073677864847-06-29 22:13:20.000000000");
  CHECK(text(f, 67767976233316800, 0) == "2147483647-12-29 12:00:00.000000000");
}

TEST_CASE("seconds localtime cannot show give no text", "[local_time]") {
  ScopedTz tz("UTC");
  lib::LocalTimeText f;
  char buf[lib::LocalTimeText::kMaxLen];
  CHECK(f.format(INT64_MAX, 0, buf) == 0);
  CHECK(f.format(INT64_MIN, 0, buf) == 0);
  CHECK(f.format(-4611686018427387914, 0, buf) == 0);
  // and the cache still works afterwards
  CHECK(text(f, 0, 0) == "1970-01-01 00:00:00.000000000");
}
