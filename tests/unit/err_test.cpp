#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "lib/err.hpp"
#include "support.hpp"

TEST_CASE("error_str uses daemontools' wording", "[err]") {
  CHECK(std::string(lib::error_str(ENOENT)) == "file does not exist");
  CHECK(std::string(lib::error_str(EACCES)) == "access denied");
  CHECK(std::string(lib::error_str(EPERM)) == "permission denied");
  CHECK(std::string(lib::error_str(EAGAIN)) == "temporary failure");
  CHECK(std::string(lib::error_str(EWOULDBLOCK)) == "temporary failure");
  CHECK(std::string(lib::error_str(ENOSPC)) == "out of disk space");
  CHECK(std::string(lib::error_str(EISDIR)) == "is a directory");
  CHECK(std::string(lib::error_str(0)) == "no error");
  CHECK(std::string(lib::error_str(99999)) == "unknown error");
}

TEST_CASE("die_sys prints one fatal line with the reason and exits", "[err]") {
  auto r = test::run_child([] {
    lib::set_prog("svc");
    errno = ENOENT;
    lib::die_sys(lib::exitcode::temp, {"unable to open ", "supervise/control"});
  });
  CHECK(r.exit_code() == 111);
  CHECK(r.out.empty());
  CHECK(r.err == "svc: fatal: unable to open supervise/control: file does not exist\n");
}

TEST_CASE("die, die_usage and warnings", "[err]") {
  auto r = test::run_child([] {
    lib::set_prog("multilog");
    errno = ENOSPC;
    lib::warn_sys({"unable to write ", "./main/current", ", pausing"});
    const char* kept = errno == ENOSPC ? "errno kept\n" : "errno changed\n";
    if (::write(1, kept, ::strlen(kept)) < 0) ::_exit(2);
    lib::warn({"plain"});
    lib::die_usage("multilog script");
  });
  CHECK(r.exit_code() == 100);
  CHECK(r.out == "errno kept\n");
  CHECK(r.err ==
        "multilog: warning: unable to write ./main/current, pausing: out of disk space\n"
        "multilog: warning: plain\n"
        "multilog: usage: multilog script\n");

  auto d = test::run_child([] {
    lib::set_prog("setuidgid");
    lib::die(111, {"unknown account ", "nobody2"});
  });
  CHECK(d.exit_code() == 111);
  CHECK(d.err == "setuidgid: fatal: unknown account nobody2\n");
}

TEST_CASE("an overlong message is truncated, not overflowed", "[err]") {
  auto r = test::run_child([] {
    lib::set_prog("x");
    std::string huge(10000, 'a');
    lib::warn({huge});
  });
  REQUIRE(r.err.size() == 4096);
  CHECK(r.err.back() == '\n');
  CHECK(r.err.compare(0, 13, "x: warning: a") == 0);
}
