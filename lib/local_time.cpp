#include "lib/local_time.hpp"

#include <time.h>

#include <cstring>

#include "lib/num.hpp"

namespace lib {
namespace {

// "00" .. "99", for two digits at a time.
constexpr struct Pairs {
  char d[200];
  constexpr Pairs() : d() {
    for (int i = 0; i < 100; ++i) {
      d[2 * i] = char('0' + i / 10);
      d[2 * i + 1] = char('0' + i % 10);
    }
  }
} kPairs;

inline void put2(char* out, unsigned v) noexcept {
  out[0] = kPairs.d[2 * v];
  out[1] = kPairs.d[2 * v + 1];
}

}  // namespace

size_t LocalTimeText::format(int64_t unix_sec, uint32_t nano, char* out) noexcept {
  if (!have_ || unix_sec != sec_) {
    time_t t = time_t(unix_sec);
    struct tm tm;
    if (!::localtime_r(&t, &tm)) return 0;
    // 0.76 computes 1900 + tm_year in int, then casts to unsigned long.
    int year = int(unsigned(tm.tm_year) + 1900u);
    size_t n = lib::format_u64(prefix_, uint64_t(int64_t(year)));
    // Two digits, zero-padded (tm_sec is 60 on a leap second in a
    // "right/" zone, which still fits); anything longer is printed in full.
    const int fields[5] = {tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec};
    const char seps[5] = {'-', '-', ' ', ':', ':'};
    for (int i = 0; i < 5; ++i) {
      prefix_[n++] = seps[i];
      if (unsigned(fields[i]) < 100) {
        put2(prefix_ + n, unsigned(fields[i]));
        n += 2;
      } else {
        n += lib::format_u64(prefix_ + n, unsigned(fields[i]));
      }
    }
    len_ = n;
    sec_ = unix_sec;
    have_ = true;
  }
  std::memcpy(out, prefix_, len_);
  size_t n = len_;
  out[n++] = '.';
  if (nano < 1000000000u) {
    out[n] = char('0' + nano / 100000000);
    nano %= 100000000;
    put2(out + n + 1, nano / 1000000);
    put2(out + n + 3, nano / 10000 % 100);
    put2(out + n + 5, nano / 100 % 100);
    put2(out + n + 7, nano % 100);
    return n + 9;
  }
  return n + lib::format_u64(out + n, nano);  // ten digits
}

}  // namespace lib
