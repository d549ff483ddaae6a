// lib/nofile: the soft descriptor limit raised to the hard one.
#include <errno.h>
#include <sys/resource.h>

#include <catch2/catch.hpp>

#include "lib/nofile.hpp"

TEST_CASE("raise_nofile raises the soft limit to the hard one, once", "[nofile]") {
  rlimit orig;
  REQUIRE(::getrlimit(RLIMIT_NOFILE, &orig) == 0);
  if (orig.rlim_max < 65) return;  // no room to lower it
  rlimit low = {64, orig.rlim_max};
  REQUIRE(::setrlimit(RLIMIT_NOFILE, &low) == 0);
  errno = EMFILE;
  CHECK(lib::raise_nofile());
  CHECK(errno == EMFILE);  // kept for the caller's message
  rlimit now;
  REQUIRE(::getrlimit(RLIMIT_NOFILE, &now) == 0);
  CHECK(now.rlim_cur == orig.rlim_max);
  CHECK_FALSE(lib::raise_nofile());  // already at the hard limit
  CHECK(errno == EMFILE);
  REQUIRE(::setrlimit(RLIMIT_NOFILE, &orig) == 0);
}
