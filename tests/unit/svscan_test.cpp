// svscan/devino_index: svscan's table index.
#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "svscan/devino_index.hpp"

TEST_CASE("DevInoIndex finds what was inserted, by device and inode", "[devino]") {
  svscan::DevInoIndex idx;
  CHECK(idx.find(1, 1) == -1);
  REQUIRE(idx.reserve(1000));
  CHECK(idx.capacity() >= 1000);
  for (int i = 0; i < 1000; ++i) REQUIRE(idx.insert(dev_t(i % 3), ino_t(1000 + i), i));
  for (int i = 0; i < 1000; ++i) CHECK(idx.find(dev_t(i % 3), ino_t(1000 + i)) == i);
  CHECK(idx.find(dev_t(7), ino_t(1000)) == -1);
  CHECK(idx.find(dev_t(0), ino_t(999)) == -1);
  REQUIRE(idx.insert(0, 1000, 42));  // replaces
  CHECK(idx.find(0, 1000) == 42);
  idx.clear();
  CHECK(idx.find(0, 1000) == -1);
}

TEST_CASE("DevInoIndex refuses to fill beyond half its slots", "[devino]") {
  svscan::DevInoIndex idx;
  REQUIRE(idx.reserve(4));
  size_t ok = 0;
  for (int i = 0; i < 100; ++i) ok += idx.insert(1, ino_t(i), i);
  CHECK(ok == idx.capacity());
  for (size_t i = 0; i < ok; ++i) CHECK(idx.find(1, ino_t(i)) == int(i));
}
