// svweb's endpoints (svweb(8)):
//   GET  /                          the service page
//   GET  /api/services              svstat -j's array for every row
//   GET  /api/services/NAME         one object (NAME: "A" or "A/log")
//   GET  /metrics                   svstat -p's text for every row
//   GET  /log/NAME                  the log page
//   GET  /api/log/NAME[?from=N&ino=I]  the log's lines (logtail.hpp)
//   POST /api/services/NAME/ACTION  control (token, same origin): 204
// HEAD is answered as GET without the body.
#pragma once
#include <cstddef>
#include <string_view>

#include "lib/local_time.hpp"
#include "svweb/http.hpp"
#include "svweb/page.hpp"
#include "svweb/services.hpp"

namespace svweb {

// Where a reply's body is built: small (per connection) and, when the
// server could lend one, big (a shared slot; null otherwise).
struct Space {
  char* small;
  size_t small_cap;
  char* big;
  size_t big_cap;
};

struct Reply {
  int status = 200;
  std::string_view type;   // Content-Type; empty: none
  std::string_view extra;  // more header lines, each ending in CRLF
  std::string_view body;   // the body (static, or in small or big)
  bool used_big = false;   // the body lives in the big slot
};

struct Config {
  bool control = false;    // started with -c
  std::string_view token;  // its content
};

class Routes {
 public:
  // Takes the list's cache (kListCache bytes; without it every list is
  // built anew).
  Routes(Services& services, const Pages& pages, const Config& config) noexcept;
  // Answers r; peer names the client in warnings.
  void handle(const Request& r, const char* peer, Space& space, Reply& out) noexcept;

 private:
  void list(Space& space, Reply& out) noexcept;
  void metrics(Space& space, Reply& out) noexcept;
  void one(std::string_view name, Space& space, Reply& out) noexcept;
  void log_data(std::string_view name, std::string_view query, Space& space, Reply& out) noexcept;
  void control(const Request& r, std::string_view name, std::string_view action, const char* peer,
               Space& space, Reply& out) noexcept;

  Services& services_;
  // The last /api/services body, for the same second and generation: at
  // 20,000 rows building it takes most of a request's time.
  char* cache_ = nullptr;
  size_t cache_len_ = 0;
  uint64_t cache_gen_ = 0;
  uint64_t cache_sec_ = 0;
  const Pages& pages_;
  const Config& config_;
  lib::LocalTimeText local_;
};

// The control byte for an action ("restart" -> 'r', as svc writes them),
// or 0 if the action is unknown.
unsigned char action_byte(std::string_view action) noexcept;

// Constant-time equality of a and b (the time depends on their lengths only).
bool same_token(std::string_view a, std::string_view b) noexcept;

// The reason phrase of an HTTP status.
const char* status_text(int status) noexcept;

}  // namespace svweb
