// Connecting to one of several addresses within one deadline, a
// happy-eyeballs-lite (RFC 8305's staggered attempts, without its address
// sorting): the first address is tried at once; the next one as soon as
// every attempt so far has failed, or kStaggerMs after the previous start,
// whichever comes first; attempts then run side by side and the first to
// connect wins. A refusing address so costs the others nothing, and a dead
// one (a blackhole, a full listen queue) only kStaggerMs.
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

namespace tcpcheck {

constexpr int kMaxAttempts = 16;     // addresses tried; later ones are ignored
constexpr int64_t kStaggerMs = 250;  // RFC 8305's connection attempt delay

struct Attempt {
  const sockaddr* addr = nullptr;
  socklen_t len = 0;
  // After probe: 0 for the one that connected, else why this one did not:
  // an errno value, ETIMEDOUT when it was still connecting, or not yet
  // tried, when the deadline came (or another one connected).
  int error = 0;
};

// Tries a[0..n) (n <= kMaxAttempts) until one connects or deadline (in
// lib::now_ms time) passes; every socket is nonblocking and close-on-exec
// and closed before returning. Returns the index of the one that connected,
// -1 when none did (each error set), or -2 when a system call failed
// (socket() for another reason than an unsupported family, poll), errno
// set. Retries EINTR.
int probe(Attempt* a, int n, int64_t deadline) noexcept;

// The numeric text of sa's address ("127.0.0.1", "::1") into buf (at
// least 46 bytes, INET6_ADDRSTRLEN) and its port into port. Returns buf;
// "?" for a family other than IPv4 and IPv6.
const char* format_address(const sockaddr* sa, char* buf, size_t size, unsigned& port) noexcept;

}  // namespace tcpcheck
