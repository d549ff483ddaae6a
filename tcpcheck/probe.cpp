#include "tcpcheck/probe.hpp"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "lib/clock.hpp"

namespace tcpcheck {
namespace {

// Starts connecting to a: the socket, still connecting; -1 when a failed
// at once (a.error set); -2 on a system error (errno set). *done is set
// when the connection opened at once.
int start(Attempt& a, bool& done) noexcept {
  int fd = ::socket(a.addr->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
  if (fd == -1) {
    // No IPv6 in this kernel (or container): this address only is out.
    if (errno == EAFNOSUPPORT || errno == EPROTONOSUPPORT) {
      a.error = errno;
      return -1;
    }
    return -2;
  }
  if (::connect(fd, a.addr, a.len) == 0) {
    done = true;
    return fd;
  }
  // EINTR: a nonblocking connect goes on in the background, as EINPROGRESS.
  if (errno == EINPROGRESS || errno == EINTR) return fd;
  a.error = errno;  // on loopback a refusal can come at once
  ::close(fd);
  return -1;
}

}  // namespace

int probe(Attempt* a, int n, int64_t deadline) noexcept {
  if (n > kMaxAttempts) n = kMaxAttempts;
  pollfd p[kMaxAttempts];
  for (int i = 0; i < n; ++i) {
    a[i].error = 0;
    p[i] = {-1, POLLOUT, 0};
  }
  int started = 0, pending = 0, won = -1, sys_errno = 0;
  int64_t next_start = 0;
  for (;;) {
    int64_t now = lib::now_ms();
    if (now >= deadline) break;
    while (won < 0 && !sys_errno && started < n && (pending == 0 || now >= next_start)) {
      int i = started++;
      bool done = false;
      int fd = start(a[i], done);
      if (fd == -2) sys_errno = errno;
      if (fd < 0) continue;
      p[i].fd = fd;
      ++pending;
      if (done) won = i;
      next_start = now + kStaggerMs;
    }
    if (won >= 0 || sys_errno || pending == 0) break;
    int64_t wake = deadline;
    if (started < n && next_start < wake) wake = next_start;
    int r = ::poll(p, nfds_t(started), int(wake - now));
    if (r == -1) {
      if (errno == EINTR) continue;
      sys_errno = errno;
      break;
    }
    for (int i = 0; i < started && r > 0 && won < 0; ++i) {
      if (p[i].fd < 0 || !p[i].revents) continue;
      int err = 0;
      socklen_t len = sizeof err;
      if (::getsockopt(p[i].fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1) err = errno;
      if (err == 0) {
        won = i;  // the handshake completed: something accepts connections
        break;
      }
      a[i].error = err;
      ::close(p[i].fd);
      p[i].fd = -1;
      --pending;
    }
    if (won >= 0) break;
  }
  for (int i = 0; i < n; ++i) {
    if (p[i].fd >= 0) ::close(p[i].fd);
    if (i != won && a[i].error == 0) a[i].error = ETIMEDOUT;
  }
  if (sys_errno) {
    errno = sys_errno;
    return -2;
  }
  return won;
}

const char* format_address(const sockaddr* sa, char* buf, size_t size, unsigned& port) noexcept {
  const void* addr = nullptr;
  port = 0;
  if (sa->sa_family == AF_INET) {
    auto* in = reinterpret_cast<const sockaddr_in*>(sa);
    addr = &in->sin_addr;
    port = ntohs(in->sin_port);
  } else if (sa->sa_family == AF_INET6) {
    auto* in6 = reinterpret_cast<const sockaddr_in6*>(sa);
    addr = &in6->sin6_addr;
    port = ntohs(in6->sin6_port);
  }
  if (!addr || !::inet_ntop(sa->sa_family, addr, buf, socklen_t(size))) {
    if (size >= 2) ::memcpy(buf, "?", 2);
  }
  return buf;
}

}  // namespace tcpcheck
