// lib/prepared_exec: the PATH search, prepared once, run without memory.
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>

#include "lib/prepared_exec.hpp"
#include "support.hpp"

namespace {

// In a child: each search's errno, by name, one a line on stdout.
void say_errno() {
  const char* s = errno == ENOENT ? "ENOENT\n" : errno == EACCES ? "EACCES\n" : errno == ENOTDIR ? "ENOTDIR\n" : "other\n";
  if (::write(1, s, ::strlen(s)) < 0) ::_exit(2);
}

}  // namespace

TEST_CASE("PreparedExec expands PATH as daemontools does", "[exec]") {
  lib::PreparedExec pe;
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
    lib::PreparedExec pe;
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

  // One it may not run (EACCES) is passed over, as daemontools does.
  FILE* f = ::fopen((d / "echo").c_str(), "w");
  REQUIRE(f);
  ::fputs("#!/bin/sh\n", f);
  ::fclose(f);
  ::chmod((d / "echo").c_str(), 0644);
  auto s = test::run_child([&] {
    lib::PreparedExec pe;
    std::string path = d.path() + ":/bin";
    if (!pe.prepare("echo", path.c_str())) ::_exit(2);
    char a0[] = "echo", a1[] = "passed over";
    char* argv[] = {a0, a1, nullptr};
    char* envp[] = {nullptr};
    pe.exec(argv, envp);
    ::_exit(3);
  });
  CHECK(s.exit_code() == 0);
  CHECK(s.out == "passed over\n");
}

TEST_CASE("PreparedExec reports the error daemontools would", "[exec]") {
  test::TempDir d;
  std::string noexec = d / "prog";
  FILE* f = ::fopen(noexec.c_str(), "w");
  REQUIRE(f);
  ::fputs("#!/bin/sh\n", f);
  ::fclose(f);
  ::chmod(noexec.c_str(), 0644);
  // The searches run in a child: one that wrongly succeeded would replace
  // the test process.
  auto r = test::run_child([&] {
    char a0[] = "prog";
    char* argv[] = {a0, nullptr};
    char* envp[] = {nullptr};
    lib::PreparedExec pe;
    // EACCES is remembered; the ENOENT after it does not hide it.
    std::string path = d.path() + ":" + d.path() + "/missing";
    if (!pe.prepare("prog", path.c_str())) ::_exit(2);
    pe.exec(argv, envp);
    say_errno();
    // Nothing found anywhere: ENOENT.
    if (!pe.prepare("nothing-here", d.path().c_str())) ::_exit(2);
    pe.exec(argv, envp);
    say_errno();
    // Any other error stops the search, even before a candidate that exists.
    path = noexec + ":/bin";
    if (!pe.prepare("true", path.c_str())) ::_exit(2);
    pe.exec(argv, envp);
    say_errno();
    // A name with '/' is tried alone.
    if (!pe.prepare(noexec.c_str(), "/bin")) ::_exit(2);
    pe.exec(argv, envp);
    say_errno();
    ::_exit(0);
  });
  CHECK(r.exit_code() == 0);
  CHECK(r.out == "EACCES\nENOENT\nENOTDIR\nEACCES\n");
}
