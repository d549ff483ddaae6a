// Local time as tai64nlocal prints it: "YYYY-MM-DD HH:MM:SS.nnnnnnnnn".
//
// The digits follow daemontools 0.76 exactly, odd inputs included: the year
// is 1900 + tm_year as a C int, printed as an unsigned long (a negative year
// comes out as a huge number); the other fields are zero-padded to two
// digits; the fraction to at least nine (a nano value above 999999999
// prints ten).
//
// localtime_r is the slow part and logs repeat the same second many times,
// so the text of the last second converted is kept and reused: output is
// identical to calling localtime_r every time, since local time is a pure
// function of the second for a fixed TZ. No heap, no static initialisers.
#pragma once
#include <cstddef>
#include <cstdint>

namespace lib {

class LocalTimeText {
 public:
  // Room format() may need: a 20-digit year, five separators and fields
  // (two digits each from any real localtime_r; up to ten allowed), '.',
  // ten digits of fraction.
  static constexpr size_t kMaxLen = 20 + 5 * 11 + 1 + 10;

  // Writes the text for unix_sec (local time, TZ respected) and nano into
  // out (room for kMaxLen). Returns its length, or 0 if localtime_r cannot
  // represent unix_sec (a year outside int): the reference crashes there.
  size_t format(int64_t unix_sec, uint32_t nano, char* out) noexcept;

 private:
  bool have_ = false;
  int64_t sec_ = 0;
  size_t len_ = 0;  // of prefix_
  char prefix_[20 + 5 * 11];  // "YYYY-MM-DD HH:MM:SS" for sec_
};

}  // namespace lib
