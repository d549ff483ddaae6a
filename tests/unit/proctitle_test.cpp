#include <catch2/catch.hpp>
#include <string>

#include "readproctitle/proctitle.hpp"

namespace {

// The reference's rule, one byte at a time.
void push_slow(std::string& w, const std::string& data) {
  for (char c : data) {
    if (!c) continue;
    w.erase(0, 1);
    w += c;
  }
}

std::string push_fast(std::string w, const std::string& data) {
  readproctitle::title_push(w.data(), w.size(), data.data(), data.size());
  return w;
}

}  // namespace

TEST_CASE("title_push scrolls new bytes in from the right", "[proctitle]") {
  CHECK(push_fast("....", "ab") == "..ab");
  CHECK(push_fast("..ab", "cd") == "abcd");
  CHECK(push_fast("abcd", "efghij") == "ghij");
  CHECK(push_fast("abcd", "") == "abcd");
  CHECK(push_fast("abcd", std::string("\0x\0", 3)) == "bcdx");
  CHECK(push_fast("abcd", std::string("wxyz\0\0", 6)) == "wxyz");
  CHECK(push_fast("ab", std::string("1\0002\0003", 5)) == "23");
}

TEST_CASE("title_push equals the byte-by-byte rule on mixed input", "[proctitle]") {
  std::string data;
  for (int i = 0; i < 500; ++i) data += char((i * 37) % 11 == 0 ? 0 : 'a' + (i * 7) % 26);
  for (size_t size : {1u, 2u, 5u, 64u, 1000u}) {
    for (size_t chunk : {1u, 3u, 100u, 500u}) {
      std::string slow(size, '.'), fast(size, '.');
      push_slow(slow, data);
      for (size_t at = 0; at < data.size(); at += chunk) fast = push_fast(fast, data.substr(at, chunk));
      CHECK(fast == slow);
    }
  }
}
