#include "svweb/http.hpp"

#include <cstring>

#include "lib/num.hpp"

namespace svweb {
namespace {

// RFC 9110 tchar: the bytes of a method or header name.
bool tchar(unsigned char c) {
  if (c >= '0' && c <= '9') return true;
  if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') return true;
  return c && std::strchr("!#$%&'*+-.^_`|~", c) != nullptr;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The next line of [p, end), without its LF or CRLF; p moves past it.
std::string_view next_line(const char*& p, const char* end) {
  const char* nl = static_cast<const char*>(std::memchr(p, '\n', size_t(end - p)));
  if (!nl) nl = end;
  std::string_view line(p, size_t(nl - p));
  p = nl < end ? nl + 1 : end;
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

ParseResult error(int status) { return {ParseResult::kError, 0, status}; }

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool contains_token(std::string_view v, std::string_view tok) {
  while (!v.empty()) {
    size_t comma = v.find(',');
    std::string_view item = trim(v.substr(0, comma));
    if (iequals(item, tok)) return true;
    if (comma == std::string_view::npos) break;
    v.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    unsigned char x = static_cast<unsigned char>(a[i]), y = static_cast<unsigned char>(b[i]);
    if (x >= 'A' && x <= 'Z') x = static_cast<unsigned char>(x + 32);
    if (y >= 'A' && y <= 'Z') y = static_cast<unsigned char>(y + 32);
    if (x != y) return false;
  }
  return true;
}

ParseResult Parser::parse(const char* buf, size_t len, Request& r) noexcept {
  // The head ends at the first empty line: "\n\n" or "\n\r\n". Resume the
  // search a little before where the last call stopped, so a terminator
  // split between two reads is found.
  size_t from = scanned_ > 2 ? scanned_ - 2 : 0;
  size_t end = 0;
  for (size_t i = from; i < len; ++i) {
    if (buf[i] != '\n' || i == 0) continue;
    if (buf[i - 1] == '\n') { end = i + 1; break; }
    if (buf[i - 1] == '\r' && i >= 2 && buf[i - 2] == '\n') { end = i + 1; break; }
  }
  scanned_ = end ? end : len;
  if (!end) {
    const void* nl = std::memchr(buf, '\n', len < kMaxLine + 2 ? len : kMaxLine + 2);
    if (!nl && len > kMaxLine + 1) return error(414);
    if (len >= kMaxHead) return error(431);
    return {ParseResult::kIncomplete, 0, 0};
  }
  if (end > kMaxHead) return error(431);
  return parse_head(buf, end, r);
}

ParseResult parse_head(const char* buf, size_t len, Request& r) noexcept {
  r = Request{};
  const char* p = buf;
  const char* end = buf + len;
  // A robustness allowance of RFC 9112: empty lines before the request line.
  while (p < end && (*p == '\r' || *p == '\n')) ++p;
  std::string_view line = next_line(p, end);
  if (line.size() > kMaxLine) return error(414);
  for (char c : line)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return error(400);
  size_t sp1 = line.find(' ');
  if (sp1 == std::string_view::npos || sp1 == 0) return error(400);
  std::string_view method = line.substr(0, sp1);
  for (char c : method)
    if (!tchar(static_cast<unsigned char>(c))) return error(400);
  std::string_view rest = line.substr(sp1 + 1);
  size_t sp2 = rest.find(' ');
  if (sp2 == std::string_view::npos || sp2 == 0) return error(400);
  r.target = rest.substr(0, sp2);
  std::string_view version = rest.substr(sp2 + 1);
  if (r.target.find(' ') != std::string_view::npos) return error(400);
  if (version.size() != 8 || version.substr(0, 7) != "HTTP/1.") {
    if (version.size() >= 5 && version.substr(0, 5) == "HTTP/") return error(505);
    return error(400);
  }
  if (version[7] == '0') r.minor = 0;
  else if (version[7] == '1') r.minor = 1;
  else return error(505);
  if (r.target.empty() || r.target[0] != '/') return error(400);
  size_t q = r.target.find('?');
  r.path = r.target.substr(0, q);
  if (q != std::string_view::npos) r.query = r.target.substr(q + 1);
  if (r.path.find('#') != std::string_view::npos) return error(400);
  if (method == "GET") r.method = Method::kGet;
  else if (method == "HEAD") r.method = Method::kHead;
  else if (method == "POST") r.method = Method::kPost;
  else r.method = Method::kOther;

  bool has_length = false, conn_close = false, conn_keep = false;
  for (;;) {
    if (p >= end) return error(400);  // no blank line: parse() never does this
    line = next_line(p, end);
    if (line.empty()) break;
    if (++r.headers > kMaxHeaders) return error(431);
    if (line[0] == ' ' || line[0] == '\t') return error(400);  // obsolete folding
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return error(400);
    std::string_view name = line.substr(0, colon);
    for (char c : name)
      if (!tchar(static_cast<unsigned char>(c))) return error(400);
    std::string_view value = trim(line.substr(colon + 1));
    for (char c : value) {
      unsigned char u = static_cast<unsigned char>(c);
      if ((u < 0x20 && u != '\t') || u == 0x7f) return error(400);
    }
    auto once = [&](bool& have, std::string_view& into) {
      if (have) return false;
      have = true;
      into = value;
      return true;
    };
    if (iequals(name, "host")) {
      if (!once(r.has_host, r.host)) return error(400);
    } else if (iequals(name, "origin")) {
      if (!once(r.has_origin, r.origin)) return error(400);
    } else if (iequals(name, "sec-fetch-site")) {
      if (!once(r.has_fetch_site, r.fetch_site)) return error(400);
    } else if (iequals(name, "x-svweb-token")) {
      if (!once(r.has_token, r.token)) return error(400);
    } else if (iequals(name, "content-length")) {
      if (has_length || !lib::parse_u64(value, r.content_length)) return error(400);
      has_length = true;
    } else if (iequals(name, "transfer-encoding")) {
      return error(501);
    } else if (iequals(name, "connection")) {
      if (contains_token(value, "close")) conn_close = true;
      if (contains_token(value, "keep-alive")) conn_keep = true;
    }
  }
  if (r.minor == 1 && !r.has_host) return error(400);  // RFC 9112 3.2
  r.keep_alive = !conn_close && (r.minor == 1 || conn_keep);
  return {ParseResult::kDone, len, 0};
}

bool valid_utf8(std::string_view s) noexcept {
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n;
    uint32_t min;
    if (c < 0x80) { ++i; continue; }
    if ((c & 0xe0) == 0xc0) n = 2, min = 0x80;
    else if ((c & 0xf0) == 0xe0) n = 3, min = 0x800;
    else if ((c & 0xf8) == 0xf0) n = 4, min = 0x10000;
    else return false;
    if (i + n > s.size()) return false;
    uint32_t cp = c & (0x7f >> n);
    for (size_t k = 1; k < n; ++k) {
      unsigned char d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xc0) != 0x80) return false;
      cp = cp << 6 | (d & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += n;
  }
  return true;
}

ssize_t decode_segment(std::string_view s, char* out, size_t cap) noexcept {
  size_t n = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '%') {
      if (i + 2 >= s.size()) return -1;
      int h = hex(s[i + 1]), l = hex(s[i + 2]);
      if (h < 0 || l < 0) return -1;
      c = static_cast<unsigned char>(h << 4 | l);
      if (c == '/' || c == 0) return -1;
      i += 2;
    }
    if (c < 0x20 || c == 0x7f) return -1;
    if (n >= cap) return -1;
    out[n++] = static_cast<char>(c);
  }
  if (!valid_utf8(std::string_view(out, n))) return -1;
  return ssize_t(n);
}

bool plain_name(std::string_view s) noexcept {
  if (s.empty() || s.size() > 255 || s[0] == '.') return false;
  return s.find('/') == std::string_view::npos && s.find('\0') == std::string_view::npos;
}

bool query_value(std::string_view query, std::string_view key, std::string_view& value) noexcept {
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view item = query.substr(0, amp);
    size_t eq = item.find('=');
    if (item.substr(0, eq) == key) {
      value = eq == std::string_view::npos ? std::string_view() : item.substr(eq + 1);
      return true;
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return false;
}

}  // namespace svweb
