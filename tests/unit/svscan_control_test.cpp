// svscan/control and lib/shutdown_request: the control FIFO's two sides.
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstring>

#include "lib/shutdown_request.hpp"
#include "support.hpp"
#include "svscan/control.hpp"

TEST_CASE("ControlParser reads exit codes, one a line, and ignores the rest", "[svscan]") {
  svscan::ControlParser p;
  CHECK(p.feed("3\n", 2) == 3);
  CHECK(p.feed(" 0 \n", 4) == 0);
  CHECK(p.feed("25", 2) == -1);  // not a line yet
  CHECK(p.feed("5\n", 2) == 255);
  CHECK(p.feed("256\n", 4) == -1);
  CHECK(p.feed("x\n", 2) == -1);
  CHECK(p.feed("\n", 1) == -1);
  CHECK(p.feed("-1\n", 3) == -1);
  std::string longline(100, '1');
  longline += "\n7\n";
  CHECK(p.feed(longline.data(), longline.size()) == 7);  // the long one is malformed
  CHECK(p.feed("4\n9\n", 4) == 4);                        // the first request counts
}

TEST_CASE("control_open makes the FIFO and its folder; shutdown_request reaches it", "[svscan]") {
  test::TempDir d;
  std::string path = d / ".svscan/control";
  // No reader yet: the request fails at once rather than blocking.
  CHECK_FALSE(lib::shutdown_request(path.c_str(), 1));
  int fd = svscan::control_open(path.c_str(), true);
  REQUIRE(fd >= 0);
  struct stat st;
  REQUIRE(::stat((d / ".svscan").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0700);
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK(S_ISFIFO(st.st_mode));
  CHECK(::fcntl(fd, F_GETFD) & FD_CLOEXEC);
  char buf[16];
  CHECK(::read(fd, buf, sizeof buf) == -1);  // empty, but no end of file
  CHECK(errno == EAGAIN);
  REQUIRE(lib::shutdown_request(path.c_str(), 42));
  REQUIRE(lib::shutdown_request(path.c_str(), 300));  // only the low byte
  ssize_t r = ::read(fd, buf, sizeof buf);
  CHECK(std::string(buf, size_t(r > 0 ? r : 0)) == "42\n44\n");
  // A second open reuses the FIFO; a non-FIFO is refused.
  int fd2 = svscan::control_open(path.c_str(), true);
  CHECK(fd2 >= 0);
  ::close(fd2);
  std::string file = d / "file";
  ::close(::open(file.c_str(), O_CREAT | O_WRONLY, 0600));
  CHECK(svscan::control_open(file.c_str(), false) == -1);
  ::close(fd);
}
