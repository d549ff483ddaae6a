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

TEST_CASE("now_ns is monotonic, never 0, and counts nanoseconds", "[clock]") {
  uint64_t a = lib::now_ns();
  CHECK(a != 0);
  timespec ts = {0, 20'000'000};
  ::nanosleep(&ts, nullptr);
  uint64_t b = lib::now_ns();
  CHECK(b - a >= 20'000'000);
  CHECK(b - a < 5'000'000'000);
  CHECK(lib::now_ns() >= b);
  // The same clock as now_ms, read between two of its readings.
  int64_t m1 = lib::now_ms();
  uint64_t n = lib::now_ns();
  int64_t m2 = lib::now_ms();
  CHECK(int64_t(n / 1'000'000) >= m1);
  CHECK(int64_t(n / 1'000'000) <= m2 + 1);
}
