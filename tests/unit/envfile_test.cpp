#include <catch2/catch.hpp>
#include <string>

#include "envdir/envfile.hpp"

static std::string value_of(std::string s) {
  size_t n = envdir::envfile_value(s.data(), s.size());
  return s.substr(0, n);
}

TEST_CASE("envfile_value keeps the first line without trailing blanks", "[envfile]") {
  CHECK(value_of("hello\n") == "hello");
  CHECK(value_of("hello \t \nsecond\n") == "hello");
  CHECK(value_of("  lead") == "  lead");
  CHECK(value_of("no newline") == "no newline");
  CHECK(value_of("\nsecond") == "");
  CHECK(value_of(" \t ") == "");
  CHECK(value_of("") == "");
  CHECK(value_of("a \tb\n") == "a \tb");
}

TEST_CASE("envfile_value turns NUL bytes into newlines", "[envfile]") {
  CHECK(value_of(std::string("a\0b\0\n", 5)) == "a\nb\n");
  // Trailing blanks are cut before NULs become newlines: a NUL protects them.
  CHECK(value_of(std::string("a \0", 3)) == "a \n");
  CHECK(value_of(std::string("\0", 1)) == "\n");
}
