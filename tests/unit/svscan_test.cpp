// svscan/devino_index and svscan/prepared_exec: svscan's table index and its
// allocation-free PATH search.
#include <errno.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <string>

#include "svscan/devino_index.hpp"
#include "svscan/prepared_exec.hpp"
#include "support.hpp"

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

TEST_CASE("PreparedExec expands PATH as daemontools does", "[exec]") {
  svscan::PreparedExec pe;
  REQUIRE(pe.prepare("supervise", "/a:/b/c::/d"));
  REQUIRE(pe.size() == 4);
  CHECK(std::string(pe.candidate(0)) == "/a/supervise");
  CHECK(std::string(pe.candidate(1)) == "/b/c/supervise");
  CHECK(std::string(pe.candidate(2)) == "./supervise");
  CHECK(std::string(pe.candidate(3)) == "/d/supervise");
  REQUIRE(pe.prepare("x", nullptr));
  REQUIRE(pe.size() == 2);
  CHECK(std::string(pe.candidate(0)) == "/bin/x");
  CHECK(std::string(pe.candidate(1)) == "/usr/bin/x");
  REQUIRE(pe.prepare("/abs/prog", "/a:/b"));
  REQUIRE(pe.size() == 1);
  CHECK(std::string(pe.candidate(0)) == "/abs/prog");
}

TEST_CASE("PreparedExec runs the first candidate that exists", "[exec]") {
  test::TempDir d;
  auto r = test::run_child([&] {
    svscan::PreparedExec pe;
    std::string path = d.path() + "/none:/bin";
    if (!pe.prepare("echo", path.c_str())) ::_exit(2);
    char a0[] = "echo", a1[] = "found";
    char* argv[] = {a0, a1, nullptr};
    char* envp[] = {nullptr};
    pe.exec(argv, envp);
    ::_exit(3);
  });
  CHECK(r.exit_code() == 0);
  CHECK(r.out == "found\n");
}

TEST_CASE("PreparedExec reports the error daemontools would", "[exec]") {
  test::TempDir d;
  std::string noexec = d / "prog";
  REQUIRE(test::run_child([&] {}).exit_code() == 0);
  FILE* f = ::fopen(noexec.c_str(), "w");
  REQUIRE(f);
  ::fputs("#!/bin/sh\n", f);
  ::fclose(f);
  ::chmod(noexec.c_str(), 0644);
  svscan::PreparedExec pe;
  std::string path = d.path() + ":" + d.path() + "/missing";
  REQUIRE(pe.prepare("prog", path.c_str()));
  char a0[] = "prog";
  char* argv[] = {a0, nullptr};
  char* envp[] = {nullptr};
  pe.exec(argv, envp);  // EACCES remembered, ENOENT after it does not hide it
  CHECK(errno == EACCES);
  REQUIRE(pe.prepare("nothing-here", d.path().c_str()));
  pe.exec(argv, envp);
  CHECK(errno == ENOENT);
}
