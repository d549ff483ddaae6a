#include <fcntl.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <set>
#include <string>

#include "lib/dirents.hpp"
#include "lib/fd.hpp"
#include "support.hpp"

TEST_CASE("for_each_dirent lists every entry with its type", "[dirents]") {
  test::TempDir d;
  ::mkdir((d / "sub").c_str(), 0755);
  for (int i = 0; i < 500; ++i)  // more than one small buffer's worth
    lib::Fd(::open((d / ("file" + std::to_string(i))).c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0644));
  lib::Fd dir(::open(d.path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  REQUIRE(dir.valid());
  alignas(8) char buf[1024];
  std::set<std::string> names;
  unsigned char sub_type = 0;
  REQUIRE(lib::for_each_dirent(dir.get(), buf, sizeof buf, [&](lib::DirEntry e) {
            names.insert(e.name);
            if (std::string(e.name) == "sub") sub_type = e.type;
            return true;
          }) == 0);
  CHECK(names.size() == 503);  // ., .., sub, 500 files
  CHECK(names.count("file499") == 1);
  CHECK((sub_type == DT_DIR || sub_type == DT_UNKNOWN));

  // Rewound, it reads again; f can stop it early.
  REQUIRE(::lseek(dir.get(), 0, SEEK_SET) == 0);
  int seen = 0;
  CHECK(lib::for_each_dirent(dir.get(), buf, sizeof buf, [&](lib::DirEntry) { return ++seen < 3; }) == 0);
  CHECK(seen == 3);
}

TEST_CASE("for_each_dirent reports a bad descriptor", "[dirents]") {
  alignas(8) char buf[1024];
  CHECK(lib::for_each_dirent(-1, buf, sizeof buf, [](lib::DirEntry) { return true; }) == -1);
  CHECK(errno == EBADF);
}

TEST_CASE("for_each_dirent reads records from a buffer of any alignment", "[dirents]") {
  // Fields are copied out, not read through a cast pointer: an odd buffer
  // address works (and UBSan finds no misaligned load).
  test::TempDir d;
  for (int i = 0; i < 50; ++i)
    lib::Fd(::open((d / ("f" + std::to_string(i))).c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0644));
  lib::Fd dir(::open(d.path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  REQUIRE(dir.valid());
  alignas(8) char storage[2048 + 1];
  std::set<std::string> names;
  REQUIRE(lib::for_each_dirent(dir.get(), storage + 1, sizeof storage - 1, [&](lib::DirEntry e) {
            names.insert(e.name);
            return true;
          }) == 0);
  CHECK(names.size() == 52);
  CHECK(names.count("f49") == 1);
}
