#include <catch2/catch.hpp>
#include <algorithm>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include <signal.h>

#include "lib/signame.hpp"
#include "lib/status.hpp"
#include "tests/unit/support.hpp"

namespace {
std::string describe(const lib::Status& s, bool normally_up, uint64_t now) {
  char buf[128];
  return std::string(buf, lib::status_describe(s, normally_up, now, buf, sizeof buf));
}
}  // namespace

TEST_CASE("status encodes as daemontools 0.76, byte for byte", "[status]") {
  lib::Status s;
  s.when = {0x400000006553f10aULL, 0x075bcd15};
  s.pid = 0x01020304;
  s.paused = 1;
  s.want = 'u';
  unsigned char b[lib::kStatusSize];
  lib::status_encode(s, b);
  const unsigned char want[18] = {0x40, 0x00, 0x00, 0x00, 0x65, 0x53, 0xf1, 0x0a, 0x07,
                                  0x5b, 0xcd, 0x15, 0x04, 0x03, 0x02, 0x01, 0x01, 'u'};
  CHECK(std::equal(b, b + 18, want));
  CHECK(lib::status_decode(b) == s);
}

TEST_CASE("status decodes a record written by the reference supervise", "[status]") {
  // od -An -tx1 of a 0.76 status: up, pid 15689 (0x3d49), want up.
  const unsigned char ref[18] = {0x40, 0x00, 0x00, 0x00, 0x6b, 0x02, 0x07, 0x8f, 0x15,
                                 0x3d, 0x37, 0xbc, 0x49, 0x3d, 0x00, 0x00, 0x00, 0x75};
  lib::Status s = lib::status_decode(ref);
  CHECK(s.pid == 15689);
  CHECK(s.paused == 0);
  CHECK(s.want == 'u');
  CHECK(s.when.sec == 0x400000006b02078fULL);
  CHECK(s.when.nano == 0x153d37bc);
  unsigned char again[18];
  lib::status_encode(s, again);
  CHECK(std::equal(again, again + 18, ref));
}

TEST_CASE("want byte is 0 after once; pid 0 means down", "[status]") {
  lib::Status s;
  s.want = 0;
  unsigned char b[18];
  lib::status_encode(s, b);
  for (int i = 12; i < 18; ++i) CHECK(b[i] == 0);
}

TEST_CASE("svstat text: every line form in the reference's order", "[status]") {
  const uint64_t t0 = lib::kTaiOffset + 1700000000;
  lib::Status up{{t0, 5}, 123, 0, 'u'};
  CHECK(describe(up, true, t0 + 45) == "up (pid 123) 45 seconds");
  CHECK(describe(up, false, t0 + 45) == "up (pid 123) 45 seconds, normally down");
  lib::Status paused_down{{t0, 0}, 123, 1, 'd'};
  CHECK(describe(paused_down, false, t0) ==
        "up (pid 123) 0 seconds, normally down, paused, want down");
  CHECK(describe(paused_down, true, t0) == "up (pid 123) 0 seconds, paused, want down");
  lib::Status down{{t0, 0}, 0, 1, 'd'};
  CHECK(describe(down, true, t0 + 7) == "down 7 seconds, normally up");
  CHECK(describe(down, false, t0 + 7) == "down 7 seconds");
  lib::Status want_up{{t0, 0}, 0, 0, 'u'};
  CHECK(describe(want_up, true, t0 + 1) == "down 1 seconds, normally up, want up");
  CHECK(describe(want_up, false, t0 + 1) == "down 1 seconds, want up");
  lib::Status once{{t0, 0}, 0, 0, 0};
  CHECK(describe(once, false, t0) == "down 0 seconds");
  lib::Status up_once{{t0, 0}, 99, 0, 0};
  CHECK(describe(up_once, true, t0) == "up (pid 99) 0 seconds");
}

TEST_CASE("svstat text: a stamp in the future counts as 0 seconds", "[status]") {
  const uint64_t t0 = lib::kTaiOffset + 1700000000;
  lib::Status s{{t0 + 100, 0}, 0, 0, 'd'};
  CHECK(describe(s, false, t0) == "down 0 seconds");
}

TEST_CASE("svstat text: largest pid and age fit", "[status]") {
  lib::Status s{{0, 0}, 0xffffffffu, 1, 'd'};
  CHECK(describe(s, false, lib::kTaiOffset + 4000000000ULL) ==
        "up (pid 4294967295) 4611686022427387914 seconds, normally down, paused, want down");
}

TEST_CASE("status_write replaces supervise/status through status.new", "[status]") {
  test::TempDir d;
  char cwd[4096];
  REQUIRE(::getcwd(cwd, sizeof cwd));
  REQUIRE(::chdir(d.path().c_str()) == 0);
  unsigned char rec[18];
  for (int i = 0; i < 18; ++i) rec[i] = static_cast<unsigned char>(i * 7);
  CHECK(lib::status_write(rec) == lib::StatusWriteError::kOpen);  // no supervise/
  REQUIRE(::mkdir("supervise", 0700) == 0);
  CHECK(lib::status_write(rec) == lib::StatusWriteError::kNone);
  int fd = ::open("supervise/status", O_RDONLY);
  REQUIRE(fd >= 0);
  unsigned char got[32];
  CHECK(::read(fd, got, sizeof got) == 18);
  ::close(fd);
  CHECK(std::equal(rec, rec + 18, got));
  struct stat st;
  CHECK(::stat("supervise/status.new", &st) == -1);
  REQUIRE(::stat("supervise/status", &st) == 0);
  CHECK((st.st_mode & 0777) == (0644 & ~[] { mode_t m = ::umask(0); ::umask(m); return m; }()));
  // An obstacle in the way of status.new is reported, not fatal.
  REQUIRE(::mkdir("supervise/status.new", 0700) == 0);
  CHECK(lib::status_write(rec) == lib::StatusWriteError::kOpen);
  CHECK(errno == EISDIR);
  ::rmdir("supervise/status.new");
  REQUIRE(::chdir(cwd) == 0);
}

TEST_CASE("xstatus: the record, magic, version, length, then the fields, byte for byte", "[status]") {
  const unsigned char rec[18] = {0x40, 0x00, 0x00, 0x00, 0x65, 0x53, 0xf1, 0x0a, 0x07,
                                 0x5b, 0xcd, 0x15, 0x00, 0x00, 0x00, 0x00, 0x00, 'u'};
  lib::XStatus x;
  x.state = lib::XState::kBackoff;
  x.flags = lib::kXStatusStopping;
  x.deaths = 0x0102;
  x.backoff_until = {0x400000006553f10bULL, 0x00000010};
  x.exit_code = 256;
  x.exit_signal = 9;
  x.exit_when = {0x400000006553f109ULL, 0x20000000};
  x.features = lib::kXFeatureSettings | lib::kXFeatureCheck;
  x.check_failures = 0x0304;
  x.restarts = 0x05060708;
  x.ready_when = {0x400000006553f10cULL, 0x30000000};
  x.text_len = 3;
  std::memcpy(x.text, "a\xffz", 3);
  unsigned char b[lib::kXStatusSize];
  REQUIRE(sizeof b == 336);
  lib::xstatus_encode(rec, x, b);
  const unsigned char want[83] = {
      0x40, 0x00, 0x00, 0x00, 0x65, 0x53, 0xf1, 0x0a, 0x07, 0x5b, 0xcd, 0x15, 0x00, 0x00,
      0x00, 0x00, 0x00, 'u',  's',  'v',  'x',  0x02, 0x01, 0x38, 0x03, 0x01, 0x01, 0x02,
      0x40, 0x00, 0x00, 0x00, 0x65, 0x53, 0xf1, 0x0b, 0x00, 0x00, 0x00, 0x10, 0x01, 0x00,
      0x09, 0x00, 0x40, 0x00, 0x00, 0x00, 0x65, 0x53, 0xf1, 0x09, 0x20, 0x00, 0x00, 0x00,
      // version 2: features, 0, check failures, restarts, ready stamp, text
      0x05, 0x00, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x40, 0x00, 0x00, 0x00, 0x65, 0x53,
      0xf1, 0x0c, 0x30, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 'a',  0xff, 'z'};
  CHECK(std::equal(b, b + 83, want));
  CHECK(std::all_of(b + 83, b + sizeof b, [](unsigned char c) { return c == 0; }));
  lib::XStatus y;
  REQUIRE(lib::xstatus_decode(b, sizeof b, rec, y));
  CHECK(y == x);
}

TEST_CASE("xstatus: stale, foreign, short or later-version files", "[status]") {
  unsigned char rec[18] = {};
  rec[17] = 'd';
  lib::XStatus x, y;
  x.state = lib::XState::kFailed;
  unsigned char b[lib::kXStatusSize + 8] = {};
  lib::xstatus_encode(rec, x, b);
  CHECK(lib::xstatus_decode(b, lib::kXStatusSize, rec, y));
  unsigned char other[18] = {};
  other[17] = 'u';
  CHECK(!lib::xstatus_decode(b, lib::kXStatusSize, other, y));  // another record: stale
  CHECK(!lib::xstatus_decode(b, lib::kXStatusSize - 1, rec, y));
  CHECK(!lib::xstatus_decode(b, 18, rec, y));
  b[18] = 'S';
  CHECK(!lib::xstatus_decode(b, lib::kXStatusSize, rec, y));
  b[18] = 's';
  // A later version with more fields: the known ones still read.
  b[21] = 3;
  b[22] = 0x01;
  b[23] = 0x40;
  CHECK(lib::xstatus_decode(b, sizeof b, rec, y));
  CHECK(y.state == lib::XState::kFailed);
  // Version 1 (32 bytes of fields, written only with setting files).
  x.restarts = 7;
  lib::xstatus_encode(rec, x, b);
  b[21] = 1;
  b[22] = 0;
  b[23] = 32;
  REQUIRE(lib::xstatus_decode(b, 56, rec, y));
  CHECK(y.state == lib::XState::kFailed);
  CHECK(y.features == lib::kXFeatureSettings);
  CHECK(y.restarts == 0);
  b[21] = 0;
  CHECK(!lib::xstatus_decode(b, sizeof b, rec, y));
}

TEST_CASE("xstatus clauses for svstat", "[status]") {
  auto say = [](const lib::XStatus& x, lib::Tai64n now, bool up = false) {
    char buf[96];
    return std::string(buf, lib::xstatus_describe(x, up, now, buf, sizeof buf));
  };
  lib::XStatus x;
  lib::Tai64n now{lib::kTaiOffset + 100, 500000000};
  x.state = lib::XState::kFailed;
  CHECK(say(x, now) == "");  // no features: 0.76's line
  x.features = lib::kXFeatureSettings;
  x.state = lib::XState::kDown;
  CHECK(say(x, now) == "");
  x.state = lib::XState::kUp;
  CHECK(say(x, now) == "");
  x.state = lib::XState::kFinishing;
  CHECK(say(x, now) == ", finishing");
  x.state = lib::XState::kFailed;
  CHECK(say(x, now) == ", failed");
  x.state = lib::XState::kPermanentlyDown;
  CHECK(say(x, now) == ", permanently down");
  x.state = lib::XState::kNotRestarted;
  CHECK(say(x, now) == ", not restarted");
  x.state = lib::XState::kBackoff;
  x.backoff_until = {lib::kTaiOffset + 108, 500000000};
  CHECK(say(x, now) == ", backoff 8 seconds");
  x.backoff_until = {lib::kTaiOffset + 108, 600000000};
  CHECK(say(x, now) == ", backoff 9 seconds");  // rounded up
  x.backoff_until = {lib::kTaiOffset + 99, 0};
  CHECK(say(x, now) == ", backoff 0 seconds");
  // Readiness and health clauses, only for services with them.
  x.state = lib::XState::kUp;
  x.ready_when = {lib::kTaiOffset + 90, 0};
  CHECK(say(x, now, true) == "");
  x.check_failures = 2;
  CHECK(say(x, now, true) == "");
  x.features |= lib::kXFeatureReadiness;
  CHECK(say(x, now, true) == ", ready 10 seconds");
  CHECK(say(x, now, false) == "");  // down: neither ready nor not
  x.features |= lib::kXFeatureCheck;
  CHECK(say(x, now, true) == ", ready 10 seconds, unhealthy (2 failed checks)");
  x.check_failures = 1;
  x.ready_when = {};
  CHECK(say(x, now, true) == ", not ready, unhealthy (1 failed check)");
}

TEST_CASE("signal names: with or without SIG, either case, or a number", "[status]") {
  CHECK(lib::signal_from_name("TERM") == SIGTERM);
  CHECK(lib::signal_from_name("SIGTERM") == SIGTERM);
  CHECK(lib::signal_from_name("sigkill") == SIGKILL);
  CHECK(lib::signal_from_name("Usr2") == SIGUSR2);
  CHECK(lib::signal_from_name("WINCH") == SIGWINCH);
  CHECK(lib::signal_from_name("34") == 34);
  CHECK(lib::signal_from_name("64") == 64);
  CHECK(lib::signal_from_name("65") == 0);
  CHECK(lib::signal_from_name("0") == 0);
  CHECK(lib::signal_from_name("") == 0);
  CHECK(lib::signal_from_name("SIG") == 0);
  CHECK(lib::signal_from_name("TERMX") == 0);
  CHECK(lib::signal_from_word("9") == 0);
}
