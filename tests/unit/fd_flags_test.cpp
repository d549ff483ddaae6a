// lib/fd_flags: O_NONBLOCK on and off.
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "lib/fd_flags.hpp"

TEST_CASE("set_nonblock turns O_NONBLOCK on and off", "[fd]") {
  int p[2];
  REQUIRE(::pipe2(p, O_CLOEXEC) == 0);
  REQUIRE(lib::set_nonblock(p[0], true) == 0);
  CHECK((::fcntl(p[0], F_GETFL) & O_NONBLOCK) != 0);
  char c;
  CHECK(::read(p[0], &c, 1) == -1);  // empty: would block
  CHECK(errno == EAGAIN);
  REQUIRE(lib::set_nonblock(p[0], false) == 0);
  CHECK((::fcntl(p[0], F_GETFL) & O_NONBLOCK) == 0);
  CHECK((::fcntl(p[0], F_GETFL) & O_ACCMODE) == O_RDONLY);  // other flags kept
  ::close(p[0]);
  ::close(p[1]);
  CHECK(lib::set_nonblock(p[0], true) == -1);
  CHECK(errno == EBADF);
}
