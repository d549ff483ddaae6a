#include "svweb/routes.hpp"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cstring>
#include <new>

#include "lib/buffer.hpp"
#include "lib/err.hpp"
#include "lib/fd.hpp"
#include "lib/num.hpp"
#include "lib/service_report.hpp"
#include "lib/tai.hpp"
#include "svweb/logtail.hpp"

namespace svweb {
namespace {

constexpr size_t kMaxSegments = 6;
constexpr size_t kListCache = 32 * 1024 * 1024;  // as a big slot (server.hpp)
constexpr size_t kSegmentSize = 512;
// Room kept free for one more JSON object when building the list: the
// longest a report can print (dir escaped, STATUS text escaped, error).
constexpr size_t kObjectRoom = 16 * 1024;

// The bytes supervise reads from supervise/control (supervise(8)): 0.76's
// letters, 'r' for restart (svc -r), 0x80 + the signal number for the
// signals 0.76 has no letter for (svc -q, -1, -2).
struct Action {
  const char* name;
  unsigned char byte;
};
constexpr Action kActions[] = {
    {"up", 'u'},       {"down", 'd'},     {"once", 'o'},      {"pause", 'p'},
    {"continue", 'c'}, {"hup", 'h'},      {"alrm", 'a'},      {"int", 'i'},
    {"term", 't'},     {"kill", 'k'},     {"restart", 'r'},   {"usr1", 0x80 + SIGUSR1},
    {"usr2", 0x80 + SIGUSR2}, {"quit", 0x80 + SIGQUIT},
};

void error(Reply& out, Space& space, int status, std::string_view detail = {}) {
  out.status = status;
  out.type = "text/plain; charset=utf-8";
  lib::Writer w(-1, space.small, space.small_cap);
  char n[24];
  w.put(std::string_view(n, lib::format_u64(n, unsigned(status))));
  w.put(' ');
  w.put(status_text(status));
  if (!detail.empty()) {
    w.put(": ");
    w.put(detail.substr(0, 200));
  }
  w.put('\n');
  out.body = std::string_view(space.small, w.pending());
}

// s with bytes outside printable ASCII as '?', at most 200 bytes: request
// text in a warning line must not forge lines or terminal escapes.
std::string_view printable(std::string_view s, char* buf, size_t cap) {
  size_t n = 0;
  for (char c : s) {
    if (n + 1 >= cap || n >= 200) break;
    unsigned char u = static_cast<unsigned char>(c);
    buf[n++] = u >= 0x20 && u < 0x7f ? c : '?';
  }
  return std::string_view(buf, n);
}

bool get_like(const Request& r) { return r.method == Method::kGet || r.method == Method::kHead; }

constexpr std::string_view kAllowGet = "Allow: GET, HEAD\r\n";
constexpr std::string_view kAllowPost = "Allow: POST\r\n";

}  // namespace

unsigned char action_byte(std::string_view action) noexcept {
  for (const Action& a : kActions)
    if (action == a.name) return a.byte;
  return 0;
}

bool same_token(std::string_view a, std::string_view b) noexcept {
  // Every byte of the longer is looked at, whatever matches.
  size_t n = a.size() > b.size() ? a.size() : b.size();
  unsigned char diff = a.size() != b.size();
  for (size_t i = 0; i < n; ++i) {
    unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    diff |= static_cast<unsigned char>(x ^ y);
  }
  return diff == 0;
}

const char* status_text(int status) noexcept {
  switch (status) {
    case 200: return "OK";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
  }
  return "Unknown";
}

void Routes::handle(const Request& r, const char* peer, Space& space, Reply& out) noexcept {
  out = Reply{};
  // The path as decoded segments: "/a/b" -> "a", "b".
  char segbuf[kMaxSegments][kSegmentSize];
  std::string_view seg[kMaxSegments];
  size_t n = 0;
  std::string_view path = r.path.substr(1);
  for (;;) {
    size_t slash = path.find('/');
    std::string_view raw = path.substr(0, slash);
    if (n == kMaxSegments) return error(out, space, 404);
    ssize_t len = decode_segment(raw, segbuf[n], kSegmentSize);
    if (len < 0) return error(out, space, 400, "bad path");
    seg[n] = std::string_view(segbuf[n], size_t(len));
    ++n;
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  if (r.method == Method::kOther) return error(out, space, 501);
  bool api = n >= 2 && seg[0] == "api" && seg[1] == "services";
  // POST /api/services/NAME[/log]/ACTION
  if (api && (n == 4 || (n == 5 && seg[3] == "log")) && action_byte(seg[n - 1])) {
    if (r.method != Method::kPost) {
      out.extra = kAllowPost;
      return error(out, space, 405);
    }
    char name[kSegmentSize + 4];
    std::memcpy(name, seg[2].data(), seg[2].size());
    size_t len = seg[2].size();
    if (n == 5) std::memcpy(name + len, "/log", 4), len += 4;
    return control(r, std::string_view(name, len), seg[n - 1], peer, space, out);
  }
  if (api && n == 4 && seg[3] != "log") return error(out, space, 404, "no such action");
  bool page = n == 1 && seg[0].empty();
  bool get_path = page || (n == 1 && seg[0] == "metrics") || (api && n <= 4) ||
                  (n == 2 && seg[0] == "log") || (n == 3 && seg[0] == "api" && seg[1] == "log");
  if (!get_path) return error(out, space, 404);
  if (!get_like(r)) {
    out.extra = kAllowGet;
    return error(out, space, 405);
  }
  if (page) {
    out.type = "text/html; charset=utf-8";
    out.body = pages_.index;
    return;
  }
  if (n == 1) return metrics(space, out);
  if (api && n == 2) return list(space, out);
  if (api && n == 3) return one(seg[2], space, out);
  if (api && n == 4) {
    char name[kSegmentSize + 4];
    std::memcpy(name, seg[2].data(), seg[2].size());
    std::memcpy(name + seg[2].size(), "/log", 4);
    return one(std::string_view(name, seg[2].size() + 4), space, out);
  }
  if (seg[0] == "log") {
    lib::Fd d(plain_name(seg[1]) ? services_.open_service(seg[1]) : -1);
    if (!d.valid()) return error(out, space, 404, "no such service");
    lib::Fd l(::openat(d.get(), "log", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!l.valid()) return error(out, space, 404, "no log directory");
    out.type = "text/html; charset=utf-8";
    out.body = pages_.log;
    return;
  }
  return log_data(seg[2], r.query, space, out);
}

Routes::Routes(Services& services, const Pages& pages, const Config& config) noexcept
    : services_(services), pages_(pages), config_(config) {
  cache_ = new (std::nothrow) char[kListCache];
}

void Routes::list(Space& space, Reply& out) noexcept {
  if (!space.big) return error(out, space, 503, "busy, try again");
  if (!services_.refresh()) return error(out, space, 500, lib::error_str(errno));
  lib::Tai64n now = lib::tai64n_now();
  // What the rows say changes only with them and with the second, but for
  // a backoff's count down (to the nanosecond): then no cache.
  bool cacheable = cache_ && !services_.any_backoff();
  if (cacheable && cache_len_ && cache_len_ <= space.big_cap && cache_gen_ == services_.generation() &&
      cache_sec_ == now.sec) {
    std::memcpy(space.big, cache_, cache_len_);
    out.type = "application/json";
    out.body = std::string_view(space.big, cache_len_);
    out.used_big = true;
    return;
  }
  cache_len_ = 0;
  // As svstat -j prints it.
  lib::Writer w(-1, space.big, space.big_cap);
  size_t n = services_.size();
  w.put('[');
  for (size_t i = 0; i < n; ++i) {
    if (space.big_cap - w.pending() < kObjectRoom) return error(out, space, 500, "too many services");
    w.put(i ? ",\n  " : "\n  ");
    lib::report_json(w, services_.reports()[i], now);
  }
  w.put(n ? "\n]\n" : "]\n");
  out.type = "application/json";
  out.body = std::string_view(space.big, w.pending());
  out.used_big = true;
  if (cacheable && out.body.size() <= kListCache) {
    std::memcpy(cache_, out.body.data(), out.body.size());
    cache_len_ = out.body.size();
    cache_gen_ = services_.generation();
    cache_sec_ = now.sec;
  }
}

void Routes::metrics(Space& space, Reply& out) noexcept {
  if (!space.big) return error(out, space, 503, "busy, try again");
  if (!services_.refresh()) return error(out, space, 500, lib::error_str(errno));
  size_t n = services_.size();
  // Each sample line: the metric name, the escaped dir, a number.
  size_t need = 4096;
  for (size_t i = 0; i < n; ++i) need += 9 * (64 + 2 * services_.dir(i).size());
  if (need > space.big_cap) return error(out, space, 500, "too many services");
  lib::Writer w(-1, space.big, space.big_cap);
  lib::report_prom(w, services_.reports(), n, lib::tai64n_now());
  out.type = "text/plain; version=0.0.4; charset=utf-8";
  out.body = std::string_view(space.big, w.pending());
  out.used_big = true;
}

void Routes::one(std::string_view name, Space& space, Reply& out) noexcept {
  lib::Fd d(services_.open_service(name));
  if (!d.valid()) return error(out, space, 404, "no such service");
  static lib::ServiceReport r;
  char dir[kSegmentSize + 1024 + 8];
  services_.describe_one(name, d.get(), r, dir, sizeof dir);
  lib::Writer w(-1, space.small, space.small_cap);
  lib::report_json(w, r, lib::tai64n_now());
  w.put('\n');
  out.type = "application/json";
  out.body = std::string_view(space.small, w.pending());
}

void Routes::log_data(std::string_view name, std::string_view query, Space& space,
                      Reply& out) noexcept {
  lib::Fd d(plain_name(name) ? services_.open_service(name) : -1);
  if (!d.valid()) return error(out, space, 404, "no such service");
  lib::Fd l(::openat(d.get(), "log", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!l.valid()) return error(out, space, 404, "no log directory");
  if (!space.big) return error(out, space, 503, "busy, try again");
  LogCursor at;
  std::string_view from, ino;
  if (query_value(query, "from", from) && query_value(query, "ino", ino)) {
    if (!lib::parse_u64(from, at.from) || !lib::parse_u64(ino, at.ino))
      return error(out, space, 400, "bad from or ino");
    at.follow = true;
  }
  static char scratch[kLogChunk];
  lib::Writer w(-1, space.big, space.big_cap);
  log_json(d.get(), at, scratch, local_, w);
  w.put('\n');
  out.type = "application/json";
  out.body = std::string_view(space.big, w.pending());
  out.used_big = true;
}

void Routes::control(const Request& r, std::string_view name, std::string_view action,
                     const char* peer, Space& space, Reply& out) noexcept {
  char pbuf[256];
  std::string_view shown = printable(r.path, pbuf, sizeof pbuf);
  auto refuse = [&](const char* why) {
    lib::warn({"refused POST ", shown, ": ", why, " from ", peer});
    error(out, space, 403, why);
  };
  if (!config_.control) return refuse("read-only (no -c)");
  // Cross-site requests: a browser names the page's origin; it must be
  // this server as the client reached it (https:// too: behind a TLS
  // proxy that passes Host on).
  if (r.has_origin) {
    std::string_view o = r.origin;
    if (o.substr(0, 7) == "http://") o.remove_prefix(7);
    else if (o.substr(0, 8) == "https://") o.remove_prefix(8);
    else o = {};
    if (!r.has_host || o.empty() || !iequals(o, r.host)) return refuse("origin is not this server");
  }
  if (r.has_fetch_site && r.fetch_site != "same-origin" && r.fetch_site != "none")
    return refuse("not a same-origin request");
  if (!r.has_token) return refuse("no token");
  if (!same_token(r.token, config_.token)) return refuse("bad token");
  lib::Fd d(services_.open_service(name));
  if (!d.valid()) return error(out, space, 404, "no such service");
  unsigned char b = action_byte(action);
  lib::Fd c(::openat(d.get(), "supervise/control", O_WRONLY | O_NONBLOCK | O_CLOEXEC));
  if (!c.valid())
    return error(out, space, 503, errno == ENXIO ? "supervise not running" : lib::error_str(errno));
  if (lib::fd_write(c.get(), reinterpret_cast<const char*>(&b), 1) != 1)
    return error(out, space, 503, errno == EAGAIN ? "control busy" : lib::error_str(errno));
  out.status = 204;
}

}  // namespace svweb
