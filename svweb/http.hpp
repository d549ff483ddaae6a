// The HTTP/1.x request head as svweb reads it: bounded, incremental, and
// strict where leniency would let a request mean two things.
//
// Limits: a request line of at most kMaxLine bytes (else 414), a head
// (request line and headers, through the blank line) of at most kMaxHead
// bytes (else 431), at most kMaxHeaders header lines (else 431). Lines end
// in CRLF or a bare LF. Refused with 400: a request line that is not
// "METHOD SP /target SP HTTP/1.x", control bytes in it, a header line
// without a name and ':', a folded header (leading space), a second Host,
// Content-Length, Origin or X-Svweb-Token, a Content-Length that is not
// decimal. 505 for a version other than HTTP/1.0 and 1.1. A body is
// announced by Content-Length only; Transfer-Encoding is refused (501).
#pragma once
#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace svweb {

constexpr size_t kMaxLine = 4096;
constexpr size_t kMaxHead = 8192;
constexpr size_t kMaxHeaders = 64;

enum class Method { kGet, kHead, kPost, kOther };

// Views into the buffer given to Parser::parse; valid while it is.
struct Request {
  Method method = Method::kOther;
  std::string_view target;  // as sent: path and query
  std::string_view path;    // target before '?'
  std::string_view query;   // after '?', empty if none
  int minor = 1;            // HTTP/1.<minor>
  bool has_host = false, has_origin = false, has_fetch_site = false, has_token = false;
  std::string_view host, origin, fetch_site, token;
  uint64_t content_length = 0;
  bool keep_alive = true;  // false: Connection: close, or 1.0 without keep-alive
  size_t headers = 0;      // header lines seen
};

struct ParseResult {
  enum Kind { kIncomplete, kDone, kError } kind;
  size_t used;  // kDone: bytes of the head, blank line included
  int status;   // kError: the HTTP status to answer with
};

// Finds and parses one request head at the start of a buffer that grows
// between calls (the caller appends what it reads and calls again; bytes
// already looked at are not scanned twice). reset() before the next request.
class Parser {
 public:
  ParseResult parse(const char* buf, size_t len, Request& r) noexcept;
  void reset() noexcept { scanned_ = 0; }

 private:
  size_t scanned_ = 0;
};

// Parses a complete head (buf[0, len) ends with its blank line).
ParseResult parse_head(const char* buf, size_t len, Request& r) noexcept;

// True if s is valid UTF-8 (no overlongs, surrogates or values past U+10FFFF).
bool valid_utf8(std::string_view s) noexcept;

// Percent-decodes one path segment into out (cap bytes). Returns the
// length, or -1 when the segment holds an encoded '/' or NUL, a bad escape,
// a control byte, or decodes to invalid UTF-8, or does not fit.
ssize_t decode_segment(std::string_view s, char* out, size_t cap) noexcept;

// A scan directory entry name svweb serves: not empty, no '/', no NUL, not
// starting with '.', at most 255 bytes.
bool plain_name(std::string_view s) noexcept;

// The raw value of key in a query string "a=1&b=2", or false if absent.
bool query_value(std::string_view query, std::string_view key, std::string_view& value) noexcept;

// Case-insensitive ASCII comparison.
bool iequals(std::string_view a, std::string_view b) noexcept;

}  // namespace svweb
