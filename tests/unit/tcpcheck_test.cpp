#include <catch2/catch.hpp>
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "lib/clock.hpp"
#include "lib/fd.hpp"
#include "tcpcheck/probe.hpp"

namespace {

// A loopback address (127.0.0.1 or ::1) with the given port.
struct Addr {
  sockaddr_storage ss = {};
  socklen_t len = 0;
  Addr(int family, unsigned port) {
    if (family == AF_INET) {
      auto* in = reinterpret_cast<sockaddr_in*>(&ss);
      in->sin_family = AF_INET;
      in->sin_port = htons(uint16_t(port));
      in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      len = sizeof *in;
    } else {
      auto* in6 = reinterpret_cast<sockaddr_in6*>(&ss);
      in6->sin6_family = AF_INET6;
      in6->sin6_port = htons(uint16_t(port));
      in6->sin6_addr = in6addr_loopback;
      len = sizeof *in6;
    }
  }
  const sockaddr* sa() const { return reinterpret_cast<const sockaddr*>(&ss); }
};

// A socket bound to a free loopback port; listening with backlog unless
// backlog < 0 (then connections to it are refused, the port staying ours).
struct Server {
  lib::Fd fd;
  unsigned port = 0;
  Server(int family, int backlog) : fd(::socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    Addr a(family, 0);
    if (!fd.valid() || ::bind(fd.get(), a.sa(), a.len) != 0) return;
    if (backlog >= 0 && ::listen(fd.get(), backlog) != 0) return;
    sockaddr_storage ss;
    socklen_t len = sizeof ss;
    ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&ss), &len);
    port = ntohs(reinterpret_cast<sockaddr_in*>(&ss)->sin_port);  // same offset in sockaddr_in6
  }
};

// A listener that never accepts and whose queue is full (backlog 0, one
// connection waiting): the kernel drops further SYNs, so a connect neither
// opens nor fails until the client gives up, a timeout on loopback only.
struct FullServer {
  Server s{AF_INET, 0};
  lib::Fd filler{::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)};
  FullServer() {
    Addr a(AF_INET, s.port);
    ::connect(filler.get(), a.sa(), a.len);
  }
};

bool have_ipv6() { return Server(AF_INET6, 1).port != 0; }

}  // namespace

TEST_CASE("format_address gives the numeric address and the port", "[tcpcheck]") {
  char buf[64];
  unsigned port = 0;
  CHECK(std::string(tcpcheck::format_address(Addr(AF_INET, 6200).sa(), buf, sizeof buf, port)) == "127.0.0.1");
  CHECK(port == 6200);
  CHECK(std::string(tcpcheck::format_address(Addr(AF_INET6, 80).sa(), buf, sizeof buf, port)) == "::1");
  CHECK(port == 80);
  sockaddr un = {};
  un.sa_family = AF_UNIX;
  CHECK(std::string(tcpcheck::format_address(&un, buf, sizeof buf, port)) == "?");
  CHECK(port == 0);
}

TEST_CASE("probe: an open port connects, a refused one fails at once", "[tcpcheck]") {
  Server open(AF_INET, 8), closed(AF_INET, -1);
  REQUIRE(open.port);
  REQUIRE(closed.port);
  Addr ao(AF_INET, open.port), ac(AF_INET, closed.port);
  tcpcheck::Attempt a[1] = {{ao.sa(), ao.len}};
  CHECK(tcpcheck::probe(a, 1, lib::now_ms() + 2000) == 0);
  CHECK(a[0].error == 0);
  a[0] = {ac.sa(), ac.len};
  int64_t t0 = lib::now_ms();
  CHECK(tcpcheck::probe(a, 1, t0 + 2000) == -1);
  CHECK(a[0].error == ECONNREFUSED);
  CHECK(lib::now_ms() - t0 < 1000);
}

TEST_CASE("probe: a refused address passes on to the next at once", "[tcpcheck]") {
  Server open(AF_INET, 8), closed(AF_INET, -1);
  Addr ao(AF_INET, open.port), ac(AF_INET, closed.port);
  tcpcheck::Attempt a[3] = {{ac.sa(), ac.len}, {ac.sa(), ac.len}, {ao.sa(), ao.len}};
  int64_t t0 = lib::now_ms();
  CHECK(tcpcheck::probe(a, 3, t0 + 2000) == 2);
  CHECK(lib::now_ms() - t0 < tcpcheck::kStaggerMs);
  CHECK(a[0].error == ECONNREFUSED);
  CHECK(a[1].error == ECONNREFUSED);
  CHECK(a[2].error == 0);
}

TEST_CASE("probe: a full listen queue times out at the deadline", "[tcpcheck]") {
  FullServer full;
  REQUIRE(full.s.port);
  Addr af(AF_INET, full.s.port);
  tcpcheck::Attempt a[1] = {{af.sa(), af.len}};
  int64_t t0 = lib::now_ms();
  CHECK(tcpcheck::probe(a, 1, t0 + 300) == -1);
  int64_t took = lib::now_ms() - t0;
  CHECK(a[0].error == ETIMEDOUT);
  CHECK(took >= 300);
  CHECK(took < 300 + 500);
}

TEST_CASE("probe: a dead address delays the next one by kStaggerMs only", "[tcpcheck]") {
  FullServer full;
  Server open(AF_INET, 8), closed(AF_INET, -1);
  Addr af(AF_INET, full.s.port), ao(AF_INET, open.port), ac(AF_INET, closed.port);
  tcpcheck::Attempt a[3] = {{af.sa(), af.len}, {ac.sa(), ac.len}, {ao.sa(), ao.len}};
  int64_t t0 = lib::now_ms();
  CHECK(tcpcheck::probe(a, 3, t0 + 3000) == 2);
  int64_t took = lib::now_ms() - t0;
  CHECK(took >= tcpcheck::kStaggerMs);
  CHECK(took < tcpcheck::kStaggerMs + 500);
  CHECK(a[0].error == ETIMEDOUT);  // still connecting when the other won
  CHECK(a[1].error == ECONNREFUSED);
}

TEST_CASE("probe: addresses not reached by the deadline time out untried", "[tcpcheck]") {
  FullServer full1, full2;
  Addr a1(AF_INET, full1.s.port), a2(AF_INET, full2.s.port);
  tcpcheck::Attempt a[2] = {{a1.sa(), a1.len}, {a2.sa(), a2.len}};
  CHECK(tcpcheck::probe(a, 2, lib::now_ms() + 100) == -1);
  CHECK(a[0].error == ETIMEDOUT);
  CHECK(a[1].error == ETIMEDOUT);
  CHECK(tcpcheck::probe(a, 2, lib::now_ms() - 1) == -1);  // a deadline already past
  CHECK(a[0].error == ETIMEDOUT);
}

TEST_CASE("probe: IPv6 loopback", "[tcpcheck]") {
  if (!have_ipv6()) {
    WARN("no ::1 here: skipped");
    return;
  }
  Server open(AF_INET6, 8), closed(AF_INET6, -1);
  Addr ao(AF_INET6, open.port), ac(AF_INET6, closed.port);
  tcpcheck::Attempt a[2] = {{ac.sa(), ac.len}, {ao.sa(), ao.len}};
  CHECK(tcpcheck::probe(a, 2, lib::now_ms() + 2000) == 1);
  CHECK(a[0].error == ECONNREFUSED);
}

TEST_CASE("probe: its sockets are closed when it returns", "[tcpcheck]") {
  FullServer full;
  Server open(AF_INET, 8);
  Addr af(AF_INET, full.s.port), ao(AF_INET, open.port);
  int before = ::dup(0);
  ::close(before);
  tcpcheck::Attempt a[2] = {{af.sa(), af.len}, {ao.sa(), ao.len}};
  CHECK(tcpcheck::probe(a, 2, lib::now_ms() + 2000) == 1);
  int after = ::dup(0);
  ::close(after);
  CHECK(after == before);  // the lowest free descriptor is the same again
}
