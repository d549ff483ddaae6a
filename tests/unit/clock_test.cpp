#include <time.h>

#include <catch2/catch.hpp>

#include "lib/clock.hpp"

TEST_CASE("now_ms is monotonic and counts milliseconds", "[clock]") {
  int64_t a = lib::now_ms();
  timespec ts = {0, 20'000'000};
  ::nanosleep(&ts, nullptr);
  int64_t b = lib::now_ms();
  CHECK(b - a >= 20);
  CHECK(b - a < 5000);
}
