#include <catch2/catch.hpp>
#include <unistd.h>

#include <string>

#include "lib/service_report.hpp"

namespace {

std::string json(std::string_view s) {
  int p[2];
  REQUIRE(::pipe(p) == 0);
  char storage[256];
  lib::Writer w(p[1], storage, sizeof storage);
  lib::put_json_string(w, s);
  REQUIRE(w.flush());
  ::close(p[1]);
  std::string out;
  char b[512];
  for (ssize_t r; (r = ::read(p[0], b, sizeof b)) > 0;) out.append(b, size_t(r));
  ::close(p[0]);
  return out;
}

}  // namespace

TEST_CASE("JSON strings: escapes, valid UTF-8 kept, invalid bytes replaced", "[service_report]") {
  CHECK(json("plain") == "\"plain\"");
  CHECK(json("a\"b\\c") == "\"a\\\"b\\\\c\"");
  CHECK(json(std::string_view("\n\t\x01\x7f", 4)) == "\"\\u000a\\u0009\\u0001\\u007f\"");
  CHECK(json("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80") == "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
  CHECK(json("a\xffz") == "\"a\\ufffdz\"");
  CHECK(json("\xc3") == "\"\\ufffd\"");                  // cut short
  CHECK(json("\xc0\xaf") == "\"\\ufffd\\ufffd\"");       // overlong
  CHECK(json("\xed\xa0\x80") == "\"\\ufffd\\ufffd\\ufffd\"");  // a surrogate
  CHECK(json("\xf4\x90\x80\x80") == "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");  // past U+10FFFF
}
