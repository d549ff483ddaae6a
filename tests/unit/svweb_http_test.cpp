#include <catch2/catch.hpp>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <random>
#include <string>
#include <vector>

#include "support.hpp"
#include "svweb/http.hpp"
#include "svweb/logtail.hpp"
#include "svweb/page.hpp"
#include "svweb/routes.hpp"
#include "svweb/services.hpp"
#include "svweb/sha256.hpp"

using svweb::ParseResult;

namespace {

ParseResult parse_all(const std::string& s, svweb::Request& r) {
  svweb::Parser p;
  return p.parse(s.data(), s.size(), r);
}

int status_of(const std::string& s) {
  svweb::Request r;
  ParseResult p = parse_all(s, r);
  return p.kind == ParseResult::kError ? p.status : p.kind == ParseResult::kDone ? 200 : 0;
}

const std::vector<std::string> kSeeds = {
    "GET / HTTP/1.1\r\nHost: a\r\n\r\n",
    "GET /api/services HTTP/1.1\r\nHost: 127.0.0.1:8180\r\nAccept: */*\r\n\r\n",
    "HEAD /api/services/a/log HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    "POST /api/services/a/restart HTTP/1.1\r\nHost: h:1\r\nOrigin: http://h:1\r\n"
    "Sec-Fetch-Site: same-origin\r\nX-Svweb-Token: abc\r\nContent-Length: 0\r\n\r\n",
    "GET /api/log/a?from=10&ino=20 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
    "GET /log/%61%62 HTTP/1.1\nHost: a\n\n",
    "GET /metrics HTTP/1.1\r\nHost: a\r\nUser-Agent: x\r\nAccept-Encoding: gzip\r\n\r\n",
};

std::string svc_json(std::string_view s) {
  char b[4096];
  lib::Writer w(-1, b, sizeof b);
  lib::LocalTimeText local;
  svweb::put_log_line(w, s.data(), s.size(), local);
  return std::string(b, w.pending());
}

class ScopedTz {
 public:
  explicit ScopedTz(const char* tz) {
    const char* old = ::getenv("TZ");
    had_ = old != nullptr;
    if (had_) old_ = old;
    ::setenv("TZ", tz, 1);
    ::tzset();
  }
  ~ScopedTz() {
    if (had_) ::setenv("TZ", old_.c_str(), 1);
    else ::unsetenv("TZ");
    ::tzset();
  }

 private:
  bool had_;
  std::string old_;
};

}  // namespace

TEST_CASE("svweb parses a request head", "[svweb]") {
  svweb::Request r;
  std::string s = kSeeds[3];
  ParseResult p = parse_all(s, r);
  REQUIRE(p.kind == ParseResult::kDone);
  CHECK(p.used == s.size());
  CHECK(r.method == svweb::Method::kPost);
  CHECK(r.path == "/api/services/a/restart");
  CHECK(r.host == "h:1");
  CHECK(r.origin == "http://h:1");
  CHECK(r.fetch_site == "same-origin");
  CHECK(r.token == "abc");
  CHECK(r.content_length == 0);
  CHECK(r.keep_alive);
  REQUIRE(parse_all(kSeeds[4], r).kind == ParseResult::kDone);
  CHECK(r.minor == 0);
  CHECK(r.keep_alive);
  CHECK(r.path == "/api/log/a");
  CHECK(r.query == "from=10&ino=20");
  REQUIRE(parse_all("GET / HTTP/1.0\r\n\r\n", r).kind == ParseResult::kDone);
  CHECK(!r.keep_alive);
  REQUIRE(parse_all(kSeeds[2], r).kind == ParseResult::kDone);
  CHECK(r.method == svweb::Method::kHead);
  CHECK(!r.keep_alive);
  // Pipelined: only the first head is taken.
  s = kSeeds[0] + kSeeds[1];
  p = parse_all(s, r);
  REQUIRE(p.kind == ParseResult::kDone);
  CHECK(p.used == kSeeds[0].size());
}

TEST_CASE("svweb's parser refuses what is malformed or too big", "[svweb]") {
  CHECK(status_of("GET /\r\n\r\n") == 400);
  CHECK(status_of("GET  / HTTP/1.1\r\nHost: a\r\n\r\n") == 400);
  CHECK(status_of("GET x HTTP/1.1\r\nHost: a\r\n\r\n") == 400);
  CHECK(status_of("GET / HTTP/1.1\r\n\r\n") == 400);  // no Host
  CHECK(status_of("GET / HTTP/2.0\r\nHost: a\r\n\r\n") == 505);
  CHECK(status_of("GET / HTTP/1.2\r\nHost: a\r\n\r\n") == 505);
  CHECK(status_of("G(T / HTTP/1.1\r\nHost: a\r\n\r\n") == 400);
  CHECK(status_of("GET /\x01 HTTP/1.1\r\nHost: a\r\n\r\n") == 400);
  CHECK(status_of("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n") == 400);
  CHECK(status_of("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n") == 400);
  CHECK(status_of("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n") == 400);
  CHECK(status_of("GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n") == 400);
  CHECK(status_of("GET / HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n") == 400);
  CHECK(status_of("GET / HTTP/1.1\r\nHost: a\r\nBad Name: 1\r\n\r\n") == 400);
  CHECK(status_of("GET / HTTP/1.1\r\nHost: a\r\nX: a\x01z\r\n\r\n") == 400);
  CHECK(status_of("GET / HTTP/1.1\r\nHost: a\r\nX-Svweb-Token: 1\r\nx-svweb-token: 2\r\n\r\n") == 400);
  CHECK(status_of("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n") == 501);
  // A request line past kMaxLine, before and after its end arrives.
  std::string longline = "GET /" + std::string(svweb::kMaxLine, 'a');
  CHECK(status_of(longline) == 414);
  CHECK(status_of(longline + " HTTP/1.1\r\nHost: a\r\n\r\n") == 414);
  // A head past kMaxHead: 431, found with or without its end.
  std::string big = "GET / HTTP/1.1\r\nHost: a\r\nX: " + std::string(svweb::kMaxHead, 'b');
  CHECK(status_of(big) == 431);
  CHECK(status_of(big + "\r\n\r\n") == 431);
  std::string many = "GET / HTTP/1.1\r\nHost: a\r\n";
  for (size_t i = 0; i < svweb::kMaxHeaders; ++i) many += "X: y\r\n";
  CHECK(status_of(many + "\r\n") == 431);
  // Incomplete until the blank line.
  CHECK(status_of("GET / HTTP/1.1\r\nHost: a\r\n") == 0);
}

TEST_CASE("svweb's parser gives the same answer however the bytes arrive", "[svweb]") {
  for (const std::string& s : kSeeds) {
    svweb::Request whole;
    ParseResult w = parse_all(s, whole);
    REQUIRE(w.kind == ParseResult::kDone);
    for (size_t cut = 0; cut <= s.size(); ++cut) {
      svweb::Parser p;
      svweb::Request r;
      ParseResult a = p.parse(s.data(), cut, r);
      if (cut < s.size()) CHECK(a.kind == ParseResult::kIncomplete);
      ParseResult b = p.parse(s.data(), s.size(), r);
      REQUIRE(b.kind == ParseResult::kDone);
      CHECK(b.used == w.used);
      CHECK(r.target == whole.target);
    }
  }
}

TEST_CASE("svweb decodes path segments and refuses hostile ones", "[svweb]") {
  char out[64];
  auto dec = [&](std::string_view s) {
    ssize_t n = svweb::decode_segment(s, out, sizeof out);
    return n < 0 ? std::string("<refused>") : std::string(out, size_t(n));
  };
  CHECK(dec("abc") == "abc");
  CHECK(dec("%61%2E%2e") == "a..");
  CHECK(dec("caf%C3%A9") == "caf\xc3\xa9");
  CHECK(dec("a%2fb") == "<refused>");
  CHECK(dec("a%2Fb") == "<refused>");
  CHECK(dec("a%00b") == "<refused>");
  CHECK(dec("a%0ab") == "<refused>");
  CHECK(dec("a%zz") == "<refused>");
  CHECK(dec("a%4") == "<refused>");
  CHECK(dec("a%") == "<refused>");
  CHECK(dec("%ff") == "<refused>");
  CHECK(dec("%c0%af") == "<refused>");        // overlong '/'
  CHECK(dec("%ed%a0%80") == "<refused>");     // surrogate
  CHECK(dec("\xc3\xa9") == "\xc3\xa9");
  CHECK(dec(std::string(100, 'a')) == "<refused>");  // does not fit
  CHECK(svweb::plain_name("a"));
  CHECK(svweb::plain_name("a.b"));
  CHECK_FALSE(svweb::plain_name(""));
  CHECK_FALSE(svweb::plain_name(".a"));
  CHECK_FALSE(svweb::plain_name(".."));
  CHECK_FALSE(svweb::plain_name("a/b"));
  CHECK_FALSE(svweb::plain_name(std::string_view("a\0b", 3)));
  std::string_view v;
  CHECK(svweb::query_value("from=1&ino=2", "ino", v));
  CHECK(v == "2");
  CHECK_FALSE(svweb::query_value("from=1&ino=2", "in", v));
}

TEST_CASE("svweb's control bytes are svc's", "[svweb]") {
  CHECK(svweb::action_byte("up") == 'u');
  CHECK(svweb::action_byte("down") == 'd');
  CHECK(svweb::action_byte("once") == 'o');
  CHECK(svweb::action_byte("pause") == 'p');
  CHECK(svweb::action_byte("continue") == 'c');
  CHECK(svweb::action_byte("hup") == 'h');
  CHECK(svweb::action_byte("alrm") == 'a');
  CHECK(svweb::action_byte("int") == 'i');
  CHECK(svweb::action_byte("term") == 't');
  CHECK(svweb::action_byte("kill") == 'k');
  CHECK(svweb::action_byte("restart") == 'r');
  CHECK(svweb::action_byte("usr1") == 0x80 + 10);
  CHECK(svweb::action_byte("usr2") == 0x80 + 12);
  CHECK(svweb::action_byte("quit") == 0x80 + 3);
  CHECK(svweb::action_byte("exit") == 0);
  CHECK(svweb::action_byte("") == 0);
  CHECK(svweb::same_token("abc", "abc"));
  CHECK_FALSE(svweb::same_token("abc", "abd"));
  CHECK_FALSE(svweb::same_token("abc", "abcd"));
  CHECK_FALSE(svweb::same_token("", "a"));
}

TEST_CASE("svweb's SHA-256 and base64 match the standard vectors", "[svweb]") {
  auto b64 = [](std::string_view s) {
    char out[128];
    return std::string(out, svweb::base64(reinterpret_cast<const unsigned char*>(s.data()), s.size(), out));
  };
  CHECK(b64("") == "");
  CHECK(b64("f") == "Zg==");
  CHECK(b64("fo") == "Zm8=");
  CHECK(b64("foobar") == "Zm9vYmFy");
  auto hex = [](std::string_view s) {
    unsigned char d[32];
    svweb::sha256(s, d);
    std::string h;
    for (unsigned char c : d) h += "0123456789abcdef"[c >> 4], h += "0123456789abcdef"[c & 15];
    return h;
  };
  CHECK(hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(hex(std::string(1000, 'a')) ==
        "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3");
}

TEST_CASE("svweb's pages: data-control, no external URL, hashes in the policy", "[svweb]") {
  svweb::Pages with, without;
  svweb::build_pages(true, with);
  svweb::build_pages(false, without);
  CHECK(with.index.find("<body data-control=\"1\">") != std::string::npos);
  CHECK(without.index.find("<body data-control=\"0\">") != std::string::npos);
  CHECK(with.index.find("id=\"token\" type=\"password\"") != std::string::npos);
  CHECK(without.index.find("id=\"token\"") == std::string::npos);
  CHECK(with.log.find("<pre id=\"log\">") != std::string::npos);
  for (const std::string* p : {&with.index, &with.log}) {
    CHECK(p->find("http:") == std::string::npos);
    CHECK(p->find("https:") == std::string::npos);
    CHECK(p->find("innerHTML") == std::string::npos);
    CHECK(p->find("outerHTML") == std::string::npos);
    CHECK(p->find("insertAdjacentHTML") == std::string::npos);
    CHECK(p->find("document.write") == std::string::npos);
    // The policy's hashes are those of the script and style in the page.
    size_t a = p->find("<script>") + 8, b = p->find("</script>");
    unsigned char d[32];
    char h[64];
    svweb::sha256(std::string_view(*p).substr(a, b - a), d);
    CHECK(with.csp.find(std::string(h, svweb::base64(d, 32, h))) != std::string::npos);
    a = p->find("<style>") + 7, b = p->find("</style>");
    svweb::sha256(std::string_view(*p).substr(a, b - a), d);
    CHECK(with.csp.find(std::string(h, svweb::base64(d, 32, h))) != std::string::npos);
  }
  CHECK(with.csp.find("unsafe") == std::string::npos);
}

TEST_CASE("svweb's log lines: stamps as tai64nlocal shows them, JSON-escaped", "[svweb]") {
  ScopedTz tz("UTC");
  // 1600000000 = 2020-09-13 12:26:40 UTC; label 2^62 + 10 + it.
  CHECK(svc_json("@400000005f5e100a0000000a hi") == "\"2020-09-13 12:26:40.000000010 hi\"");
  CHECK(svc_json("@400000005f5e100a0000000a") == "\"2020-09-13 12:26:40.000000010\"");
  CHECK(svc_json("@400000005f5e100a0000000a<b>\"") == "\"2020-09-13 12:26:40.000000010<b>\\\"\"");
  // Not a stamp: 25 digits, uppercase, too few; passed through.
  CHECK(svc_json("@400000005f5e100a0000000a0 x") == "\"@400000005f5e100a0000000a0 x\"");
  CHECK(svc_json("@400000005F5E100A0000000A x") == "\"@400000005F5E100A0000000A x\"");
  CHECK(svc_json("@4000 x") == "\"@4000 x\"");
  CHECK(svc_json("plain \x01 \xff") == "\"plain \\u0001 \\ufffd\"");
}

TEST_CASE("svweb's log tail: last lines, following, rotation", "[svweb]") {
  ScopedTz tz("UTC");
  test::TempDir d;
  REQUIRE(::mkdir((d / "log").c_str(), 0755) == 0);
  REQUIRE(::mkdir((d / "log/main").c_str(), 0755) == 0);
  auto write = [&](const std::string& s, bool append) {
    int fd = ::open((d / "log/main/current").c_str(), O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC), 0644);
    REQUIRE(fd >= 0);
    REQUIRE(::write(fd, s.data(), s.size()) == ssize_t(s.size()));
    ::close(fd);
  };
  int dfd = ::open(d.path().c_str(), O_RDONLY | O_DIRECTORY);
  REQUIRE(dfd >= 0);
  static char scratch[svweb::kLogChunk];
  static char out[1 << 20];
  lib::LocalTimeText local;
  auto get = [&](svweb::LogCursor at) {
    lib::Writer w(-1, out, sizeof out);
    svweb::log_json(dfd, at, scratch, local, w);
    return std::string(out, w.pending());
  };
  CHECK(get({}).find("\"error\": \"unable to open log/main/current: file does not exist\"") !=
        std::string::npos);
  write("one\ntwo\npart", false);
  struct stat st;
  REQUIRE(::stat((d / "log/main/current").c_str(), &st) == 0);
  std::string ino = std::to_string(st.st_ino);
  CHECK(get({}) == "{\"ino\": " + ino + ", \"offset\": 8, \"more\": false, \"reset\": true, \"lines\": [\"one\", \"two\"]}");
  write("ial\nthree\n", true);
  CHECK(get({true, 8, uint64_t(st.st_ino)}) ==
        "{\"ino\": " + ino + ", \"offset\": 22, \"more\": false, \"reset\": false, \"lines\": [\"partial\", \"three\"]}");
  // Replaced (rotated): the new file from its start.
  REQUIRE(::rename((d / "log/main/current").c_str(), (d / "log/main/old").c_str()) == 0);
  write("new\n", false);
  REQUIRE(::stat((d / "log/main/current").c_str(), &st) == 0);
  std::string got = get({true, 22, std::stoull(ino)});
  CHECK(got == "{\"ino\": " + std::to_string(st.st_ino) +
                   ", \"offset\": 4, \"more\": false, \"reset\": false, \"lines\": [\"new\"]}");
  // A big file: the last chunk only, its first partial line dropped; more
  // when following from the start.
  std::string big;
  for (int i = 0; big.size() < 3 * svweb::kLogChunk; ++i) big += "line " + std::to_string(i) + "\n";
  write(big, false);
  got = get({});
  CHECK(got.size() < 2 * svweb::kLogChunk);
  CHECK(got.find("\"more\": false, \"reset\": true") != std::string::npos);
  CHECK(got.find("\"line 0\"") == std::string::npos);
  size_t last = big.rfind("line ", big.size() - 2);
  CHECK(got.find("\"" + big.substr(last, big.size() - 1 - last) + "\"]}") != std::string::npos);
  REQUIRE(::stat((d / "log/main/current").c_str(), &st) == 0);
  got = get({true, 0, uint64_t(st.st_ino)});
  CHECK(got.find("\"more\": true, \"reset\": false, \"lines\": [\"line 0\", \"line 1\"") != std::string::npos);
  ::close(dfd);
}

// Fuzz: random and mutated requests through the parser and the routes.
// Nothing may crash (ASan watches in `make check SANITIZE=1`), every
// result is one of the answers the parser can give, and every view lies
// inside the buffer.
TEST_CASE("svweb's request parser and routes survive fuzzing", "[svweb][fuzz]") {
  std::mt19937 rng(20261127);
  auto pick = [&](size_t n) { return size_t(rng() % n); };
  std::string buf;
  std::vector<std::string> corpus = kSeeds;
  corpus.push_back("GET /api/services/%2e%2e/x HTTP/1.1\r\nHost: a\r\n\r\n");
  corpus.push_back("GET /api/services/a%2fb HTTP/1.1\r\nHost: a\r\n\r\n");
  corpus.push_back("GET /log/.hidden HTTP/1.1\r\nHost: a\r\n\r\n");
  corpus.push_back("POST /api/services/a/log/kill HTTP/1.1\r\nHost: a\r\nX-Svweb-Token: t\r\n\r\n");
  const char* tokens[] = {"GET", "POST", "HEAD", " ", "/", "%", "%2f", "%00", "..", "\r\n", "\n", ":",
                          "Host: a", "HTTP/1.1", "HTTP/1.0", "api", "services", "log", "?", "&", "=",
                          "\xc3", "\xff", "\x00", "Content-Length: 5", "restart", "metrics"};
  test::TempDir d;
  REQUIRE(::mkdir((d / "a").c_str(), 0755) == 0);
  REQUIRE(::mkdir((d / "a/log").c_str(), 0755) == 0);
  REQUIRE(::mkdir((d / "b").c_str(), 0755) == 0);
  int dfd = ::open(d.path().c_str(), O_RDONLY | O_DIRECTORY);
  REQUIRE(dfd >= 0);
  static svweb::Services services(d.path(), dfd);
  svweb::Pages pages;
  svweb::build_pages(true, pages);
  svweb::Config config;
  config.control = true;
  config.token = "t";
  static svweb::Routes routes(services, pages, config);
  static char small[32 * 1024];
  static char big[1 << 20];
  // Refused POSTs warn on stderr: not thousands of times into the log.
  int saved = ::dup(2);
  int null = ::open("/dev/null", O_WRONLY);
  ::dup2(null, 2);
  size_t done = 0, errors = 0, routed = 0;
  for (int iter = 0; iter < 60000; ++iter) {
    buf = corpus[pick(corpus.size())];
    int edits = 1 + int(pick(8));
    for (int e = 0; e < edits; ++e) {
      size_t at = buf.empty() ? 0 : pick(buf.size() + 1);
      switch (pick(7)) {
        case 0: if (!buf.empty() && at < buf.size()) buf[at] = char(rng()); break;  // byte flip
        case 1: buf.resize(at); break;  // truncation
        case 2: buf.insert(at, tokens[pick(sizeof tokens / sizeof *tokens)]); break;
        case 3: if (at < buf.size()) buf.erase(at, 1 + pick(8)); break;
        case 4: buf.insert(at, std::string(pick(3) ? pick(64) : pick(3 * svweb::kMaxHead), char(rng()))); break;
        case 5: {  // repeated headers
          std::string h = pick(2) ? "X-Svweb-Token: t\r\n" : "Host: b\r\n";
          size_t line = buf.find('\n');
          if (line != std::string::npos) for (size_t k = pick(80); k-- > 0;) buf.insert(line + 1, h);
          break;
        }
        default: {  // random bytes
          std::string r(pick(32), '\0');
          for (char& c : r) c = char(rng());
          buf.insert(at, r);
        }
      }
    }
    // Split at a random point: the parser sees a prefix first.
    svweb::Parser p;
    svweb::Request r;
    size_t cut = buf.empty() ? 0 : pick(buf.size() + 1);
    ParseResult first = p.parse(buf.data(), cut, r);
    ParseResult res = first.kind == ParseResult::kIncomplete ? p.parse(buf.data(), buf.size(), r) : first;
    if (res.kind == ParseResult::kIncomplete) {
      REQUIRE(buf.size() < svweb::kMaxHead);
      continue;
    }
    if (res.kind == ParseResult::kError) {
      ++errors;
      REQUIRE((res.status == 400 || res.status == 414 || res.status == 431 || res.status == 501 ||
               res.status == 505));
      continue;
    }
    ++done;
    REQUIRE(res.used <= buf.size());
    REQUIRE(res.used <= svweb::kMaxHead);
    auto inside = [&](std::string_view v) {
      return v.empty() || (v.data() >= buf.data() && v.data() + v.size() <= buf.data() + res.used);
    };
    REQUIRE(inside(r.target));
    REQUIRE(inside(r.path));
    REQUIRE(inside(r.query));
    REQUIRE(inside(r.host));
    REQUIRE(inside(r.token));
    REQUIRE(!r.path.empty());
    REQUIRE(r.path[0] == '/');
    svweb::Space space{small, sizeof small, big, sizeof big};
    svweb::Reply reply;
    routes.handle(r, "fuzz", space, reply);
    ++routed;
    int s = reply.status;
    REQUIRE((s == 200 || s == 204 || s == 400 || s == 403 || s == 404 || s == 405 || s == 501 ||
             s == 503));
    bool in_small = reply.body.data() >= small && reply.body.data() + reply.body.size() <= small + sizeof small;
    bool in_big = reply.body.data() >= big && reply.body.data() + reply.body.size() <= big + sizeof big;
    bool page = reply.body.data() == pages.index.data() || reply.body.data() == pages.log.data();
    REQUIRE((reply.body.empty() || in_small || in_big || page));
  }
  ::dup2(saved, 2);
  ::close(saved);
  ::close(null);
  ::close(dfd);
  CHECK(done > 1000);
  CHECK(errors > 1000);
  CHECK(routed == done);
}
