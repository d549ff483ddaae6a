#include "svweb/server.hpp"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cstring>
#include <new>

#include "lib/buffer.hpp"
#include "lib/clock.hpp"
#include "lib/err.hpp"
#include "lib/num.hpp"
#include "lib/selfpipe.hpp"
#include "svweb/http.hpp"

namespace svweb {
namespace {

enum class State {
  kFree,
  kIdle,      // between requests, nothing of the next one yet
  kReading,   // part of a request head is in
  kBody,      // discarding a request body
  kWriting,   // sending a response
  kDraining,  // response sent, write side shut: reading until EOF, then close
};

struct Conn {
  int fd = -1;
  State state = State::kFree;
  int64_t since = 0;  // kIdle: idle since; kReading/kBody: request began; kWriting: last progress
  bool close_after = false;
  uint64_t discard = 0;  // body bytes still to drop
  Parser parser;
  size_t in_len = 0;
  char in[kMaxHead];
  size_t head_len = 0, head_off = 0;
  char head[kHeadOut];
  std::string_view body;
  size_t body_off = 0;
  int slot = -1;  // big slot lent to the response
  char peer[64];
  char small[kSmallBody];
};

struct World {
  Routes* routes;
  std::string_view csp;
  Conn* conns;
  char* big[kBigSlots];
  bool big_used[kBigSlots];
  int64_t now;
};

void num(lib::Writer& w, uint64_t n) {
  char b[24];
  w.put(std::string_view(b, lib::format_u64(b, n)));
}

void close_conn(World&, Conn& c) {
  if (c.fd >= 0) ::close(c.fd);
  c.fd = -1;
  c.state = State::kFree;
  c.slot = -1;
}

void release_slot(World& w, Conn& c) {
  if (c.slot >= 0) w.big_used[c.slot] = false;
  c.slot = -1;
}

// Puts the response head for reply into c.head and starts writing.
void start_reply(World& w, Conn& c, const Reply& r, bool head_only, bool keep_alive, int minor) {
  lib::Writer h(-1, c.head, sizeof c.head);
  h.put("HTTP/1.1 ");
  num(h, unsigned(r.status));
  h.put(' ');
  h.put(status_text(r.status));
  h.put("\r\n");
  if (!r.type.empty()) {
    h.put("Content-Type: ");
    h.put(r.type);
    h.put("\r\n");
  }
  if (r.status != 204) {
    h.put("Content-Length: ");
    num(h, r.body.size());
    h.put("\r\n");
  }
  h.put("Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n"
        "Referrer-Policy: no-referrer\r\nX-Frame-Options: DENY\r\n"
        "Content-Security-Policy: ");
  h.put(w.csp);
  h.put("\r\n");
  h.put(r.extra);
  if (r.status == 503) h.put("Retry-After: 1\r\n");
  if (!keep_alive) h.put("Connection: close\r\n");
  else if (minor == 0) h.put("Connection: keep-alive\r\n");
  h.put("\r\n");
  c.head_len = h.pending();
  c.head_off = 0;
  c.body = head_only || r.status == 204 ? std::string_view() : r.body;
  c.body_off = 0;
  c.close_after = !keep_alive;
  c.state = State::kWriting;
  c.since = w.now;
}

void reply_error(World& w, Conn& c, int status) {
  Reply r;
  r.status = status;
  r.type = "text/plain; charset=utf-8";
  lib::Writer b(-1, c.small, sizeof c.small);
  num(b, unsigned(status));
  b.put(' ');
  b.put(status_text(status));
  b.put('\n');
  r.body = std::string_view(c.small, b.pending());
  start_reply(w, c, r, false, false, 1);
}

int lend_slot(World& w) {
  for (size_t i = 0; i < kBigSlots; ++i)
    if (!w.big_used[i]) return int(i);
  return -1;
}

void consume(Conn& c, size_t n) {
  std::memmove(c.in, c.in + n, c.in_len - n);
  c.in_len -= n;
}

// Handles what is in c.in: drops body bytes, parses a head, answers it.
void process(World& w, Conn& c) {
  for (;;) {
    if (c.state == State::kBody) {
      size_t k = c.discard < c.in_len ? size_t(c.discard) : c.in_len;
      consume(c, k);
      c.discard -= k;
      if (c.discard) return;
      c.state = State::kIdle;
      c.since = w.now;
    }
    if (c.state != State::kIdle && c.state != State::kReading) return;
    if (c.in_len == 0) {
      if (c.state != State::kIdle) c.state = State::kIdle, c.since = w.now;
      return;
    }
    if (c.state == State::kIdle) {
      c.state = State::kReading;
      c.since = w.now;
      c.parser.reset();
    }
    Request req;
    ParseResult p = c.parser.parse(c.in, c.in_len, req);
    if (p.kind == ParseResult::kIncomplete) return;
    if (p.kind == ParseResult::kError) return reply_error(w, c, p.status);
    if (req.content_length > kMaxBody) return reply_error(w, c, 413);
    int slot = lend_slot(w);
    Space space{c.small, sizeof c.small, slot >= 0 ? w.big[slot] : nullptr, slot >= 0 ? kBigSize : 0};
    Reply r;
    w.routes->handle(req, c.peer, space, r);
    if (r.used_big) {
      c.slot = slot;
      w.big_used[slot] = true;
    }
    start_reply(w, c, r, req.method == Method::kHead, req.keep_alive, req.minor);
    consume(c, p.used);
    c.discard = req.content_length;
    c.parser.reset();
    return;
  }
}

// Sends what it can of the response; on completion goes on with the next
// request (pipelined bytes may already be in).
void on_writable(World& w, Conn& c) {
  for (;;) {
    iovec v[2];
    int n = 0;
    if (c.head_off < c.head_len) v[n++] = {c.head + c.head_off, c.head_len - c.head_off};
    if (c.body_off < c.body.size())
      v[n++] = {const_cast<char*>(c.body.data()) + c.body_off, c.body.size() - c.body_off};
    if (n == 0) break;
    msghdr m{};
    m.msg_iov = v;
    m.msg_iovlen = size_t(n);
    ssize_t s = ::sendmsg(c.fd, &m, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (s == -1) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return;
      release_slot(w, c);
      return close_conn(w, c);
    }
    c.since = w.now;
    size_t done = size_t(s);
    size_t hk = c.head_len - c.head_off < done ? c.head_len - c.head_off : done;
    c.head_off += hk;
    c.body_off += done - hk;
  }
  release_slot(w, c);
  if (c.close_after) {
    ::shutdown(c.fd, SHUT_WR);
    c.state = State::kDraining;
    c.since = w.now;
    return;
  }
  c.state = c.discard ? State::kBody : State::kIdle;
  c.since = w.now;
  process(w, c);
  if (c.state == State::kWriting) on_writable(w, c);
}

void on_readable(World& w, Conn& c) {
  if (c.state == State::kDraining) {
    char junk[4096];
    ssize_t r = ::recv(c.fd, junk, sizeof junk, MSG_DONTWAIT);
    if (r == 0 || (r == -1 && errno != EAGAIN && errno != EINTR)) close_conn(w, c);
    return;
  }
  if (c.in_len == sizeof c.in) return;  // parse() has answered 431 by now
  ssize_t r = ::recv(c.fd, c.in + c.in_len, sizeof c.in - c.in_len, MSG_DONTWAIT);
  if (r == -1) {
    if (errno == EAGAIN || errno == EINTR) return;
    return close_conn(w, c);
  }
  if (r == 0) return close_conn(w, c);
  c.in_len += size_t(r);
  process(w, c);
  if (c.state == State::kWriting) on_writable(w, c);
}

void peer_text(const sockaddr_storage& a, bool unix_socket, char* out, size_t cap) {
  lib::Writer t(-1, out, cap - 1);
  if (unix_socket) {
    t.put("unix socket");
  } else if (a.ss_family == AF_INET) {
    const sockaddr_in& s = reinterpret_cast<const sockaddr_in&>(a);
    char ip[INET_ADDRSTRLEN];
    t.put(::inet_ntop(AF_INET, &s.sin_addr, ip, sizeof ip) ? ip : "?");
    t.put(':');
    num(t, ntohs(s.sin_port));
  } else if (a.ss_family == AF_INET6) {
    const sockaddr_in6& s = reinterpret_cast<const sockaddr_in6&>(a);
    char ip[INET6_ADDRSTRLEN];
    t.put('[');
    t.put(::inet_ntop(AF_INET6, &s.sin6_addr, ip, sizeof ip) ? ip : "?");
    t.put("]:");
    num(t, ntohs(s.sin6_port));
  } else {
    t.put("?");
  }
  out[t.pending()] = '\0';
}

// A slot for a new connection: a free one, else one taken from an idle or
// slow connection (see server.hpp). Null when every one is writing.
Conn* find_slot(World& w) {
  Conn* best = nullptr;
  int best_rank = 0;
  for (size_t i = 0; i < kMaxConns; ++i) {
    Conn& c = w.conns[i];
    int rank;
    switch (c.state) {
      case State::kFree: return &c;
      case State::kDraining: rank = 4; break;
      case State::kIdle: rank = 3; break;
      case State::kReading:
      case State::kBody: rank = 2; break;
      default: rank = 0; break;
    }
    if (rank > best_rank || (rank == best_rank && rank && c.since < best->since)) {
      best = &c;
      best_rank = rank;
    }
  }
  if (best) close_conn(w, *best);
  return best;
}

void on_accept(World& w, const Listener& l, int64_t& pause_until) {
  for (int k = 0; k < 16; ++k) {
    sockaddr_storage a{};
    socklen_t len = sizeof a;
    int fd = ::accept4(l.fd, reinterpret_cast<sockaddr*>(&a), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd == -1) {
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        lib::warn_sys({"unable to accept connection"});
        pause_until = w.now + 100;
      }
      return;
    }
    Conn* c = find_slot(w);
    if (!c) {
      static const char busy[] =
          "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n"
          "Retry-After: 1\r\nConnection: close\r\n\r\nbusy\n";
      ssize_t s = ::send(fd, busy, sizeof busy - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
      (void)s;
      ::close(fd);
      continue;
    }
    c->fd = fd;
    c->state = State::kIdle;
    c->since = w.now;
    c->in_len = 0;
    c->discard = 0;
    c->slot = -1;
    c->close_after = false;
    c->parser.reset();
    peer_text(a, l.unix_socket, c->peer, sizeof c->peer);
  }
}

int64_t deadline(const Conn& c) {
  switch (c.state) {
    case State::kIdle: return c.since + kIdleMs;
    case State::kReading:
    case State::kBody: return c.since + kHeadMs;
    case State::kWriting: return c.since + kWriteMs;
    case State::kDraining: return c.since + kDrainMs;
    default: return INT64_MAX;
  }
}

void expire(World& w, Conn& c) {
  if (c.state == State::kReading) {
    reply_error(w, c, 408);
    on_writable(w, c);
  } else {
    release_slot(w, c);
    close_conn(w, c);
  }
}

}  // namespace

void serve(Routes& routes, const Listener* listeners, size_t nl, std::string_view csp) {
  World w;
  w.routes = &routes;
  w.csp = csp;
  w.conns = new (std::nothrow) Conn[kMaxConns];
  if (!w.conns) lib::die(lib::exitcode::temp, {"unable to allocate memory"});
  for (size_t i = 0; i < kBigSlots; ++i) {
    // Untouched pages cost nothing: a slot holds memory only once a big
    // response has been built in it.
    w.big[i] = new (std::nothrow) char[kBigSize];
    if (!w.big[i]) lib::die(lib::exitcode::temp, {"unable to allocate memory"});
    w.big_used[i] = false;
  }
  if (!lib::SelfPipe::init() || !lib::SelfPipe::catch_signal(SIGTERM) ||
      !lib::SelfPipe::catch_signal(SIGINT))
    lib::die_sys(lib::exitcode::temp, {"unable to set up signals"});
  constexpr size_t kMaxPoll = 1 + 2 + kMaxConns;
  pollfd p[kMaxPoll];
  Conn* who[kMaxPoll];
  int64_t pause_until = 0;
  for (;;) {
    w.now = lib::now_ms();
    size_t n = 0;
    p[n++] = {lib::SelfPipe::fd(), POLLIN, 0};
    size_t first_listener = n;
    bool listen = w.now >= pause_until;
    for (size_t i = 0; i < nl && i < 2; ++i) p[n++] = {listeners[i].fd, short(listen ? POLLIN : 0), 0};
    size_t first_conn = n;
    int64_t next = INT64_MAX;
    if (!listen) next = pause_until;
    for (size_t i = 0; i < kMaxConns; ++i) {
      Conn& c = w.conns[i];
      if (c.state == State::kFree) continue;
      who[n] = &c;
      p[n++] = {c.fd, short(c.state == State::kWriting ? POLLOUT : POLLIN), 0};
      int64_t d = deadline(c);
      if (d < next) next = d;
    }
    int timeout = -1;
    if (next != INT64_MAX) timeout = next <= w.now ? 0 : int(next - w.now > 60000 ? 60000 : next - w.now);
    if (::poll(p, n, timeout) == -1) {
      if (errno == EINTR) continue;
      lib::die_sys(lib::exitcode::temp, {"unable to poll"});
    }
    w.now = lib::now_ms();
    if (p[0].revents & POLLIN) {
      bool stop = false;
      for (int sig; (sig = lib::SelfPipe::read_signal());)
        if (sig == SIGTERM || sig == SIGINT) stop = true;
      if (stop) {
        for (size_t i = 0; i < kMaxConns; ++i)
          if (w.conns[i].state != State::kFree) close_conn(w, w.conns[i]);
        delete[] w.conns;
        for (char* b : w.big) delete[] b;
        return;
      }
    }
    for (size_t i = first_conn; i < n; ++i) {
      Conn& c = *who[i];
      if (c.fd != p[i].fd || c.state == State::kFree) continue;  // replaced meanwhile
      short ev = p[i].revents;
      if (!ev) continue;
      if (c.state == State::kWriting) {
        if (ev & (POLLOUT | POLLERR | POLLHUP)) on_writable(w, c);
      } else if (ev & (POLLIN | POLLERR | POLLHUP)) {
        on_readable(w, c);
      }
    }
    for (size_t i = first_listener; i < first_conn; ++i)
      if (p[i].revents & POLLIN) on_accept(w, listeners[i - first_listener], pause_until);
    for (size_t i = 0; i < kMaxConns; ++i) {
      Conn& c = w.conns[i];
      if (c.state != State::kFree && deadline(c) <= w.now) expire(w, c);
    }
  }
}

}  // namespace svweb
