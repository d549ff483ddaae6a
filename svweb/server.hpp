// svweb's HTTP/1.1 server: one poll loop, nonblocking sockets, no threads.
//
// Everything is allocated at start-up: kMaxConns connections, each with a
// request buffer (kMaxHead bytes), a response head buffer and a small body
// buffer; kBigSlots shared buffers of kBigSize for the large bodies (the
// list of every service, the metrics, a log chunk), lent to a request
// while its response is written (none free: 503 with Retry-After).
//
// Limits against slow or hostile clients: a request head must arrive
// within kHeadMs of its first byte (else 408 and close); a keep-alive
// connection idle for kIdleMs is closed; a response that makes no progress
// for kWriteMs is dropped. A request body (Content-Length, at most
// kMaxBody) is read and discarded. With every connection in use, a new one
// takes the place of an idle one, else of the one whose request began
// first (a slowloris sender is always the oldest); only when all are
// writing a response is the new one refused with 503.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "svweb/routes.hpp"

namespace svweb {

constexpr size_t kMaxConns = 64;
constexpr size_t kHeadOut = 2048;
constexpr size_t kSmallBody = 32 * 1024;
constexpr size_t kBigSlots = 4;
constexpr size_t kBigSize = 32 * 1024 * 1024;  // 20,000 rows of JSON or metrics
constexpr int64_t kHeadMs = 10000;
constexpr int64_t kIdleMs = 30000;
constexpr int64_t kWriteMs = 30000;
constexpr int64_t kDrainMs = 2000;
constexpr uint64_t kMaxBody = 64 * 1024;

struct Listener {
  int fd;
  bool unix_socket;
};

// Serves on the listeners until SIGTERM or SIGINT (then returns). csp: the
// Content-Security-Policy sent with every response. Dies (111) if memory
// or the self-pipe cannot be had.
void serve(Routes& routes, const Listener* listeners, size_t n, std::string_view csp);

}  // namespace svweb
