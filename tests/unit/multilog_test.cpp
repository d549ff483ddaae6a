// multilog's pure logic: patterns, the script, and the model of where the
// reference rotates (checked against a byte-by-byte replay of the
// reference's own buffering).
#include <catch2/catch.hpp>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "multilog/logscript.hpp"
#include "multilog/pattern.hpp"
#include "multilog/rotation.hpp"

namespace {
bool m(const char* pat, const std::string& s) { return multilog::pattern_match(pat, s.data(), s.size()); }
}  // namespace

TEST_CASE("patterns: literal text must match the whole line", "[multilog][pattern]") {
  CHECK(m("foo", "foo"));
  CHECK_FALSE(m("foo", "foobar"));
  CHECK_FALSE(m("foo", "fo"));
  CHECK_FALSE(m("foo", "xfoo"));
  CHECK(m("", ""));
  CHECK_FALSE(m("", "x"));
}

TEST_CASE("patterns: a trailing star matches the rest", "[multilog][pattern]") {
  CHECK(m("*", ""));
  CHECK(m("*", "anything at all"));
  CHECK(m("foo*", "foo"));
  CHECK(m("foo*", "foobar"));
  CHECK_FALSE(m("foo*", "fo"));
}

TEST_CASE("patterns: a star stops at the FIRST next pattern character", "[multilog][pattern]") {
  CHECK(m("*error*", "error: disk"));
  CHECK(m("*error*", "an error"));              // first 'e' starts "error"
  CHECK_FALSE(m("*error*", "severe error"));    // first 'e' is in "severe": no backtracking
  CHECK(m("a*c", "abc"));
  CHECK_FALSE(m("a*c", "abcc"));                // stops at the first c, then must end
  CHECK(m("a*b*c", "aXbYc"));
  CHECK(m("*:*", "key: value"));
  CHECK_FALSE(m("*x", "abc"));
  CHECK(m("**", "a*b"));                        // "*" then "*": skips to the first '*'
  CHECK_FALSE(m("**", "ab"));
}

TEST_CASE("patterns: bytes are bytes", "[multilog][pattern]") {
  std::string s("a\0b", 3);
  CHECK(multilog::pattern_match("a*", s.data(), s.size()));
  CHECK(m("\xff*", "\xff\xfe"));
}

namespace {
multilog::LogScript parse(std::vector<std::string> args) {
  static std::vector<std::string> keep;
  keep = std::move(args);
  static std::vector<char*> argv;
  argv.clear();
  for (auto& a : keep) argv.push_back(a.data());
  return multilog::parse_log_script(int(argv.size()), argv.data());
}
}  // namespace

TEST_CASE("script: defaults and clamping", "[multilog][script]") {
  auto s = parse({"./a"});
  REQUIRE(s.dirs.size() == 1);
  CHECK(s.dirs[0].size == 99999);
  CHECK(s.dirs[0].num == 10);
  CHECK(s.dirs[0].processor == nullptr);
  CHECK_FALSE(s.timestamp);

  s = parse({"s1", "n0", "./a", "s99999999", "n1", "/b", "s", "nx", "./c", "s5000junk", "n3", "./d"});
  REQUIRE(s.dirs.size() == 4);
  CHECK(s.dirs[0].size == 4096);
  CHECK(s.dirs[0].num == 2);
  CHECK(s.dirs[1].size == 99999999);  // beyond 0.76's 16777215: the one deliberate exception
  CHECK(s.dirs[1].num == 2);
  CHECK(s.dirs[2].size == 4096);  // no digits: 0, clamped
  CHECK(s.dirs[2].num == 2);
  CHECK(s.dirs[3].size == 5000);  // leading digits only
  CHECK(s.dirs[3].num == 3);
}

TEST_CASE("script: t counts only first; settings apply to later directories", "[multilog][script]") {
  CHECK(parse({"t", "./a"}).timestamp);
  CHECK(parse({"txyz", "./a"}).timestamp);
  CHECK_FALSE(parse({"./a", "t"}).timestamp);
  auto s = parse({"./a", "!gzip", "s5000", "./b", "!", "./c"});
  CHECK(s.dirs[0].processor == nullptr);
  CHECK(s.dirs[0].size == 99999);
  CHECK(std::string(s.dirs[1].processor) == "gzip");
  CHECK(s.dirs[1].size == 5000);
  REQUIRE(s.dirs[2].processor != nullptr);  // "!" alone is an empty processor, as in 0.76
  CHECK(std::string(s.dirs[2].processor).empty());
}

TEST_CASE("script: s is honoured up to 4 GiB", "[multilog][script]") {
  auto s = parse({"s16777216", "./a", "s4294967296", "./b", "s4294967297", "./c", "s99999999999999", "./d"});
  CHECK(s.dirs[0].size == 16777216);
  CHECK(s.dirs[1].size == 4294967296);
  CHECK(s.dirs[2].size == multilog::kLogSizeMax);
  CHECK(s.dirs[3].size == multilog::kLogSizeMax);
  CHECK(s.malformed.empty());
}

TEST_CASE("script: S and r apply to the directories after them, as s and n", "[multilog][script]") {
  auto s = parse({"./a", "S100000", "r60", "n3", "./b", "S0", "./c", "r0", "./d"});
  REQUIRE(s.dirs.size() == 4);
  CHECK(s.dirs[0].total == 0);
  CHECK(s.dirs[0].period == 0);
  CHECK(s.dirs[1].total == 100000);
  CHECK(s.dirs[1].period == 60);
  CHECK(s.dirs[1].num == 3);
  CHECK(s.dirs[2].total == 0);
  CHECK(s.dirs[2].period == 60);
  CHECK(s.dirs[3].period == 0);
  CHECK(s.malformed.empty());
  CHECK(s.actions.size() == 4);  // S and r are settings, not actions
}

TEST_CASE("script: T first, or right after a first t", "[multilog][script]") {
  auto s = parse({"T", "./a"});
  CHECK(s.local_stamp);
  CHECK_FALSE(s.timestamp);
  s = parse({"t", "T", "./a"});
  CHECK(s.local_stamp);
  CHECK(s.timestamp);
  s = parse({"tx", "T", "./a"});
  CHECK(s.local_stamp);
  s = parse({"T", "t", "./a"});  // t not first: ignored, as in 0.76
  CHECK(s.local_stamp);
  CHECK_FALSE(s.timestamp);
  CHECK(s.malformed.empty());
}

TEST_CASE("script: p is a prefix, the last one counts; 1 forwards", "[multilog][script]") {
  auto s = parse({"pweb", "./a", "p[db] ", "1", "-x*", "1", "./b"});
  REQUIRE(s.prefix != nullptr);
  CHECK(std::string(s.prefix) == "[db] ");
  CHECK(s.forwards);
  REQUIRE(s.actions.size() == 5);
  CHECK(s.actions[1].kind == multilog::LogActionKind::stdout_copy);
  CHECK(s.actions[3].kind == multilog::LogActionKind::stdout_copy);
  CHECK_FALSE(parse({"./a"}).forwards);
  CHECK(parse({"./a"}).prefix == nullptr);
}

TEST_CASE("script: malformed new actions are listed and ignored; 0.76 ones never are",
          "[multilog][script]") {
  std::string longp = "p" + std::string(multilog::kPrefixMax + 1, 'x');
  auto s = parse({"./a", "S", "Sx", "S10k", "r", "r1.5", "r-1", "T", "Tx", "1x", "12", longp, "./b"});
  REQUIRE(s.malformed.size() == 11);
  CHECK(std::string(s.malformed[0]) == "S");
  CHECK(std::string(s.malformed[6]) == "T");
  CHECK(std::string(s.malformed[10]) == longp);
  CHECK_FALSE(s.local_stamp);
  CHECK_FALSE(s.forwards);
  CHECK(s.prefix == nullptr);
  CHECK(s.dirs[1].total == 0);
  CHECK(s.dirs[1].period == 0);
  CHECK(s.actions.size() == 2);
  // 0.76's letters keep 0.76's reading, whatever follows them; t, T in
  // second place after a non-t is malformed, and other letters are unknown.
  s = parse({"./a", "t", "sx", "nq", "exyz", "bogus", "R5", "P", "2", "./b"});
  CHECK(s.malformed.empty());
  CHECK_FALSE(s.timestamp);
  s = parse({"./a", "T"});
  CHECK(s.malformed.size() == 1);
}

TEST_CASE("script: actions in order, unknown arguments ignored", "[multilog][script]") {
  auto s = parse({"-*", "xyz", "+*err*", "e", "=st", "./a", "9", "estuff", "/b"});
  REQUIRE(s.actions.size() == 7);
  CHECK(s.actions[0].kind == multilog::LogActionKind::minus);
  CHECK(std::string(s.actions[0].arg) == "*");
  CHECK(s.actions[1].kind == multilog::LogActionKind::plus);
  CHECK(s.actions[2].kind == multilog::LogActionKind::stderr_copy);
  CHECK(s.actions[3].kind == multilog::LogActionKind::status_file);
  CHECK(std::string(s.actions[3].arg) == "st");
  CHECK(s.actions[4].kind == multilog::LogActionKind::dir);
  CHECK(s.actions[4].index == 0);
  CHECK(s.actions[5].kind == multilog::LogActionKind::stderr_copy);  // any "e..." is e
  CHECK(s.actions[6].kind == multilog::LogActionKind::dir);
  CHECK(s.actions[6].index == 1);
  CHECK(s.dirs.size() == 2);
  CHECK(s.status_files.size() == 1);
  CHECK(s.selects);
  CHECK(parse({}).dirs.empty());
}

namespace {

// The reference's multilog for one directory, without stamps, replayed
// byte by byte: a 512-byte buffer flushed before each read, c_write's
// rules. Its reads return at most 1024 bytes and never cross the end of a
// piece: one piece holding the whole input is a file, smaller pieces are
// what a pipe held at each read. Records the output offsets of its
// rotations.
struct Replay {
  uint64_t size, bytes = 0, written = 0;
  std::string buf;
  std::vector<uint64_t> rotations;
  const std::string& in;
  std::vector<size_t> pieces;
  size_t inpos = 0, inend = 0, piece = 0, piece_end = 0;

  Replay(uint64_t s, const std::string& input, std::vector<size_t> p) : size(s), in(input), pieces(std::move(p)) {}
  void rotate() {
    rotations.push_back(written);
    bytes = 0;
  }
  size_t c_write(const char* p, size_t len) {
    if (bytes >= size) rotate();
    if (len >= size - bytes) len = size - bytes;
    if (bytes + len >= size - 2000) {
      for (size_t i = len; i > 0; --i)
        if (p[i - 1] == '\n') {
          len = i;
          break;
        }
    }
    bytes += len;
    written += len;
    if (bytes >= size - 2000 && p[len - 1] == '\n') rotate();
    return len;
  }
  void allwrite(const char* p, size_t len) {
    while (len) {
      size_t w = c_write(p, len);
      p += w;
      len -= w;
    }
  }
  void flush() {
    std::string b;
    b.swap(buf);
    if (!b.empty()) allwrite(b.data(), b.size());
  }
  void put(const char* p, size_t len) {
    if (len > 512 - buf.size()) {
      flush();
      if (len > 512) {
        allwrite(p, len);
        return;
      }
    }
    buf.append(p, len);
  }
  void putc(char c) {
    if (buf.size() == 512) flush();
    buf.push_back(c);
  }
  int getc() {
    if (inpos == inend) {
      flush();
      if (inend == in.size()) return -1;
      if (inend == piece_end) piece_end = std::min(in.size(), piece_end + (piece < pieces.size() ? pieces[piece++] : in.size()));
      inend = std::min(inend + 1024, piece_end);
    }
    return static_cast<unsigned char>(in[inpos++]);
  }
  void run() {
    char line[1000];
    for (;;) {
      size_t len = 0;
      bool eof = false;
      int c = 0;
      while (len < 1000) {
        c = getc();
        if (c < 0) {
          if (!len) return flush();
          eof = true;
          break;
        }
        if (c == '\n') break;
        line[len++] = char(c);
      }
      put(line, len);
      if (len == 1000)
        for (;;) {
          c = getc();
          if (c < 0) {
            eof = true;
            break;
          }
          if (c == '\n') break;
          putc(char(c));
        }
      putc('\n');
      if (eof) return flush();
    }
  }
};

// The model driven the way multilog drives it: reads of the given sizes,
// each split into lines (a line's first 1000 bytes, then the rest), then
// end_read().
struct Modelled : multilog::RotationSink {
  std::string out;
  std::vector<uint64_t> rotations;
  bool all_written_at_each_read = true;  // the promise: nothing waits for the next read
  const char* stream_data(uint64_t pos) noexcept override { return out.data() + pos; }
  void rotate_at(uint64_t pos) noexcept override { rotations.push_back(pos); }

  void run(uint64_t size, const std::string& in, const std::vector<size_t>& reads) {
    multilog::RotationModel model(this, size, 0, 0);
    enum { start, head, tail } st = start;
    size_t head_at = 0, headlen = 0, pos = 0;
    for (size_t k = 0; pos < in.size(); ++k) {
      const size_t end = std::min(in.size(), pos + (k < reads.size() ? reads[k] : in.size()));
      while (pos < end) {
        if (st == tail) {
          const void* nl = std::memchr(in.data() + pos, '\n', end - pos);
          size_t te = nl ? size_t(static_cast<const char*>(nl) - in.data()) : end;
          if (te > pos) {
            out.append(in, pos, te - pos);
            model.put_bytes(te - pos, pos);
          }
          pos = te;
          if (!nl) break;
          out.push_back('\n');
          model.put_byte(pos++);
          st = start;
          continue;
        }
        if (st == start) {
          st = head;
          head_at = pos;
          headlen = 0;
        }
        if (in[pos] == '\n') {
          out.append(in, head_at, headlen);
          out.push_back('\n');
          model.put(uint32_t(headlen), pos);
          model.put_byte(pos);
          st = start;
        } else if (++headlen == 1000) {
          out.append(in, head_at, 1000);
          model.put(1000, pos);
          st = tail;
        }
        ++pos;
      }
      model.end_read(pos);
      if (model.written() != model.end() || model.buffered()) all_written_at_each_read = false;
    }
    if (st == head) {  // end of input: a partial line gets its newline
      out.append(in, head_at, headlen);
      out.push_back('\n');
      model.put(uint32_t(headlen), pos);
      model.put_byte(pos);
    } else if (st == tail) {
      out.push_back('\n');
      model.put_byte(pos);
    }
    model.flush();
  }
};

std::string random_input(std::mt19937& rng, int round) {
  std::string in;
  int nlines = 200 + int(rng() % 2000);
  for (int i = 0; i < nlines; ++i) {
    unsigned r = rng() % 100;
    size_t len = r < 5 ? 900 + rng() % 9000 : r < 10 ? 0 : rng() % 300;
    if (r == 99) len = 1000;  // exactly the first-part size
    for (size_t k = 0; k < len; ++k) in.push_back(char('a' + k % 26));
    in.push_back('\n');
  }
  if (round % 3 == 0) in.append("partial");
  if (round % 5 == 0) in.append(1500, 'p');
  return in;
}

}  // namespace

TEST_CASE("rotation model: from a file, rotates exactly where the reference does", "[multilog][rotation]") {
  // multilog reads a file 512 KiB at a time; any multiple of 1024 must give
  // the reference's points, whose reads are 1024 bytes.
  std::mt19937 rng(12345);
  for (int round = 0; round < 60; ++round) {
    uint64_t size = 4096 + rng() % 6000;
    std::string in = random_input(rng, round);
    std::vector<size_t> reads;
    for (size_t n = 0; n < in.size(); n += reads.back())
      reads.push_back(round % 4 == 0 ? 512 * 1024 : 1024 * (1 + rng() % 12));

    Replay ref(size, in, {in.size()});
    ref.run();
    Modelled ours;
    ours.run(size, in, reads);
    INFO("round " << round << " size " << size);
    REQUIRE(ours.out.size() == ref.written);
    REQUIRE(ours.rotations == ref.rotations);
    CHECK(ours.all_written_at_each_read);
  }
}

TEST_CASE("rotation model: from a pipe, rotates where the reference would with reads ending as ours",
          "[multilog][rotation]") {
  std::mt19937 rng(777);
  for (int round = 0; round < 60; ++round) {
    uint64_t size = 4096 + rng() % 6000;
    std::string in = random_input(rng, round);
    std::vector<size_t> reads;  // what the pipe held at each read
    for (size_t n = 0; n < in.size(); n += reads.back()) {
      unsigned r = rng() % 10;
      reads.push_back(r < 3 ? 1 + rng() % 100 : r < 8 ? 1 + rng() % 3000 : 1 + rng() % 70000);
    }

    Replay ref(size, in, reads);
    ref.run();
    Modelled ours;
    ours.run(size, in, reads);
    INFO("round " << round << " size " << size);
    REQUIRE(ours.rotations == ref.rotations);
    CHECK(ours.all_written_at_each_read);
  }
}

TEST_CASE("rotation model: a line read near s is written at once, split as the reference splits it",
          "[multilog][rotation]") {
  // current holds 3800 bytes of s4096 (a finished current after a restart)
  // and one read brings a 401-byte line: 296 bytes fill current, which is
  // rotated, and the rest starts the next one -- all before the next read.
  Modelled s;
  s.out = std::string(401, 'b') + "\n";
  multilog::RotationModel model(&s, 4096, 3800, 0);
  model.put(401, 401);
  model.put_byte(401);
  CHECK(model.written() == 0);
  model.end_read(402);
  CHECK(model.written() == 402);
  REQUIRE(s.rotations.size() == 1);
  CHECK(s.rotations[0] == 296);
  CHECK(model.bytes() == 106);
}

TEST_CASE("rotation model: SIGALRM rotates a non-empty current only", "[multilog][rotation]") {
  Modelled s;
  multilog::RotationModel model(&s, 4096, 0, 0);
  CHECK_FALSE(model.force_rotate());
  s.out = "abc\n";
  model.put(3, 3);
  model.put_byte(3);
  CHECK(model.force_rotate());
  REQUIRE(s.rotations.size() == 1);
  CHECK(s.rotations[0] == 4);
  CHECK_FALSE(model.force_rotate());
}

TEST_CASE("rotation model: a finished current of size bytes rotates before the next write",
          "[multilog][rotation]") {
  Modelled s;
  s.out = "x\n";
  multilog::RotationModel model(&s, 4096, 5000, 0);  // left bigger by a run with a larger s
  model.put(1, 0);
  model.put_byte(1);
  model.flush();
  REQUIRE(s.rotations.size() == 1);
  CHECK(s.rotations[0] == 0);
}
