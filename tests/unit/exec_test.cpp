#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "lib/exec.hpp"
#include "support.hpp"

TEST_CASE("EnvEdit orders the environment like daemontools' pathexec", "[exec]") {
  auto r = test::run_child([] {
    ::clearenv();
    ::setenv("A", "1", 1);
    ::setenv("B", "2", 1);
    ::setenv("C", "3", 1);
    ::setenv("PATH", "/usr/bin:/bin", 1);
    lib::EnvEdit edit;
    edit.set("A", "one");  // A's slot is taken by the last (PATH), A=one appended
    edit.unset("C");
    edit.set("D", "");
    char arg0[] = "env";
    char* argv[] = {arg0, nullptr};
    edit.exec(argv);
    ::_exit(99);
  });
  CHECK(r.exit_code() == 0);
  CHECK(r.out == "PATH=/usr/bin:/bin\nB=2\nA=one\nD=\n");
}

TEST_CASE("path_exec reports the most telling error", "[exec]") {
  auto r = test::run_child([] {
    ::setenv("PATH", "/nonexistent-a:/nonexistent-b", 1);
    char arg0[] = "true";
    char* argv[] = {arg0, nullptr};
    lib::path_exec("true", argv, argv + 1);
    ::_exit(errno == ENOENT ? 7 : 8);
  });
  CHECK(r.exit_code() == 7);

  test::TempDir d;
  auto s = test::run_child([&] {
    // A directory named like the program: EACCES is remembered over ENOENT.
    std::string path = d.path() + ":/nonexistent";
    ::mkdir((d / "prog").c_str(), 0755);
    ::setenv("PATH", path.c_str(), 1);
    char arg0[] = "prog";
    char* argv[] = {arg0, nullptr};
    lib::path_exec("prog", argv, argv + 1);
    ::_exit(errno == EACCES ? 7 : 8);
  });
  CHECK(s.exit_code() == 7);
}
