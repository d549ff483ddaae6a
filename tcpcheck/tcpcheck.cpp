// tcpcheck [-t ms] host port
//
// Asks whether something accepts TCP connections on host's port, within ms
// milliseconds (default 1000, at most 3600000) counted from the start,
// name resolution included: the liveness check of a service that listens,
// as a ./check of one line, "exec tcpcheck 127.0.0.1 6200". host is a name
// or an IPv4 or IPv6 address; port a number or a service name. Every
// address host resolves to is tried, staggered as probe.hpp says; the
// connection is closed as soon as it opens, without a byte sent.
//
// Prints nothing when the port answers. Otherwise one line on stderr per
// address, as tcpclient words it, so that a failed check says why in the
// log: "tcpcheck: unable to connect to 127.0.0.1 port 6200: connection
// refused" (or "timed out", when the deadline came first).
//
// Exit codes: 0 a connection opened; 1 none did (refused, unreachable,
// timed out); 100 usage (also -t 0, a port 0, above 65535, or a digit and
// junk); 111 host or port could not be resolved (with getaddrinfo's
// reason; "timed out" when that alone outlasts ms) or a system call failed.
//
// Signals: only SIGALRM is caught, the timer that ends a name resolution
// at the limit; the connections keep it by poll's timeout. Every other
// signal has its default effect.
//
// Linked dynamically against libc (Makefile, NSS_PROGRAMS): getaddrinfo
// reads hosts and services through the NSS modules nsswitch.conf names.
#include <netdb.h>
#include <signal.h>
#include <sys/time.h>

#include "lib/clock.hpp"
#include "lib/err.hpp"
#include "lib/num.hpp"
#include "lib/sgetopt.hpp"
#include "tcpcheck/probe.hpp"

namespace {

constexpr uint64_t kMaxLimitMs = 3600000;
const char* g_host = "";

[[noreturn]] void usage() { lib::die_usage("tcpcheck [-t ms] host port"); }

// What starts with a digit must be a port number (1..65535); anything else
// is a service name.
bool port_ok(const char* port) {
  uint64_t n;
  if (!*port) return false;
  if (*port < '0' || *port > '9') return true;
  return lib::parse_u64(port, n) && n >= 1 && n <= 65535;
}

// Async-signal-safe: lib::die is one write(2), then _exit.
extern "C" void on_alarm(int) {
  lib::die(lib::exitcode::temp, {"unable to resolve ", g_host, ": timed out"});
}

// Sets (ms > 0) or clears (0) the alarm that ends a resolution outlasting
// the time limit.
void alarm_in(int64_t ms) {
  itimerval it = {};
  it.it_value.tv_sec = ms / 1000;
  it.it_value.tv_usec = (ms % 1000) * 1000;
  ::setitimer(ITIMER_REAL, &it, nullptr);
}

}  // namespace

int main(int argc, char** argv) {
  lib::set_prog("tcpcheck");
  int64_t limit = 1000;
  lib::SGetOpt opts(argc, argv, "t:");
  for (int c; (c = opts.next()) != lib::SGetOpt::kDone;) {
    uint64_t t;
    if (c != 't' || !lib::parse_u64(opts.arg(), t) || t == 0 || t > kMaxLimitMs) usage();
    limit = int64_t(t);
  }
  if (argc - opts.index() != 2) usage();
  const char* host = argv[opts.index()];
  const char* port = argv[opts.index() + 1];
  if (!*host || !port_ok(port)) usage();
  int64_t deadline = lib::now_ms() + limit;

  // No AI_ADDRCONFIG: it drops a family's addresses when no interface but
  // loopback has one, so a host with loopback only (a container without
  // network) could not even resolve "localhost".
  addrinfo hints = {};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_protocol = IPPROTO_TCP;
  addrinfo* list = nullptr;
  g_host = host;
  struct sigaction sa = {};
  sa.sa_handler = on_alarm;
  ::sigaction(SIGALRM, &sa, nullptr);
  alarm_in(limit);
  int r = ::getaddrinfo(host, port, &hints, &list);
  alarm_in(0);
  if (r == EAI_SYSTEM) lib::die_sys(lib::exitcode::temp, {"unable to resolve ", host});
  if (r == EAI_SERVICE) lib::die(lib::exitcode::temp, {"unable to resolve port ", port, ": ", ::gai_strerror(r)});
  if (r != 0) lib::die(lib::exitcode::temp, {"unable to resolve ", host, ": ", ::gai_strerror(r)});

  tcpcheck::Attempt a[tcpcheck::kMaxAttempts];
  int n = 0;
  for (const addrinfo* ai = list; ai && n < tcpcheck::kMaxAttempts; ai = ai->ai_next) {
    a[n].addr = ai->ai_addr;
    a[n].len = ai->ai_addrlen;
    ++n;
  }
  int won = tcpcheck::probe(a, n, deadline);
  if (won == -2) lib::die_sys(lib::exitcode::temp, {"unable to connect to ", host});
  for (int i = 0; won < 0 && i < n; ++i) {
    char addr[64], num[24];
    unsigned p;
    tcpcheck::format_address(a[i].addr, addr, sizeof addr, p);
    num[lib::format_u64(num, p)] = '\0';
    lib::write_line(2, {"tcpcheck: unable to connect to ", addr, " port ", num, ": ", lib::error_str(a[i].error)});
  }
  ::freeaddrinfo(list);
  return won >= 0 ? 0 : 1;
}
