#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>
#include <thread>

#include "lib/buffer.hpp"
#include "lib/fd.hpp"

TEST_CASE("write_all delivers everything through a pipe", "[io]") {
  int p[2];
  REQUIRE(::pipe(p) == 0);
  std::string sent(1 << 20, 'x'), got;
  for (size_t i = 0; i < sent.size(); ++i) sent[i] = char('a' + i % 26);
  std::thread reader([&] {
    char b[4096];
    for (ssize_t r; (r = ::read(p[0], b, sizeof b)) > 0;) got.append(b, size_t(r));
  });
  REQUIRE(lib::write_all(p[1], sent));
  ::close(p[1]);
  reader.join();
  ::close(p[0]);
  CHECK(got == sent);
}

TEST_CASE("read_full stops only at n bytes or EOF", "[io]") {
  int p[2];
  REQUIRE(::pipe(p) == 0);
  REQUIRE(lib::write_all(p[1], "hello"));
  ::close(p[1]);
  char b[16];
  CHECK(lib::read_full(p[0], b, 3) == 3);
  CHECK(lib::read_full(p[0], b, sizeof b) == 2);
  CHECK(lib::read_full(p[0], b, sizeof b) == 0);
  ::close(p[0]);
}

TEST_CASE("Fd closes on destruction and move transfers ownership", "[io]") {
  int p[2];
  REQUIRE(::pipe(p) == 0);
  {
    lib::Fd a(p[0]);
    lib::Fd b(std::move(a));
    CHECK(a.get() == -1);
    CHECK(b.get() == p[0]);
  }
  CHECK(::fcntl(p[0], F_GETFD) == -1);
  ::close(p[1]);
}

TEST_CASE("Writer buffers, passes large pieces through, flushes", "[io]") {
  int p[2];
  REQUIRE(::pipe(p) == 0);
  char storage[8];
  lib::Writer w(p[1], storage, sizeof storage);
  REQUIRE(w.put("abc"));
  REQUIRE(w.put('d'));
  CHECK(w.pending() == 4);
  REQUIRE(w.put("0123456789"));  // larger than the buffer: flush, then straight
  CHECK(w.pending() == 0);
  REQUIRE(w.put("xyz"));
  REQUIRE(w.flush());
  ::close(p[1]);
  char b[64];
  ssize_t n = lib::read_full(p[0], b, sizeof b);
  ::close(p[0]);
  CHECK(std::string(b, size_t(n)) == "abcd0123456789xyz");
}

TEST_CASE("Writer keeps unwritten bytes on error", "[io]") {
  // A nonblocking pipe filled to the last byte refuses every write
  // (EAGAIN), as a full disk does (ENOSPC); the Writer must not care which.
  int p[2];
  REQUIRE(::pipe2(p, O_NONBLOCK | O_CLOEXEC) == 0);
  char fill[4096] = {};
  while (::write(p[1], fill, sizeof fill) > 0) {
  }
  while (::write(p[1], fill, 1) == 1) {  // a write of 4096 needs that much room
  }
  char storage[16];
  lib::Writer w(p[1], storage, sizeof storage);
  REQUIRE(w.put("line\n"));
  CHECK_FALSE(w.flush());
  CHECK(errno == EAGAIN);
  CHECK(w.pending() == 5);
  // Room again: the kept bytes go out, after what was already in the pipe.
  std::string got;
  char b[4096];
  for (ssize_t n; (n = ::read(p[0], b, sizeof b)) > 0;) got.append(b, size_t(n));
  REQUIRE(w.flush());
  CHECK(w.pending() == 0);
  ssize_t n = ::read(p[0], b, sizeof b);
  CHECK(std::string(b, size_t(n > 0 ? n : 0)) == "line\n");
  CHECK(got.size() >= 4096);
  ::close(p[0]);
  ::close(p[1]);
}
