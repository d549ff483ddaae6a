#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "lib/sgetopt.hpp"
#include "support.hpp"

namespace {

struct Parsed {
  std::string seen;  // letters, with "=value" after those that take one
  int index = 0;
};

Parsed parse(std::vector<const char*> args, const char* opts) {
  std::vector<char*> argv;
  for (const char* a : args) argv.push_back(const_cast<char*>(a));
  argv.push_back(nullptr);
  lib::SGetOpt g(int(args.size()), argv.data(), opts);
  Parsed p;
  for (int c; (c = g.next()) != lib::SGetOpt::kDone;) {
    p.seen += char(c);
    if (c == '?') p.seen += g.problem();
    if (g.arg()) (p.seen += '=') += g.arg();
    p.seen += ' ';
  }
  p.index = g.index();
  return p;
}

}  // namespace

TEST_CASE("sgetopt groups letters and takes values like subgetopt", "[sgetopt]") {
  auto p = parse({"prog", "-nx", "-o5", "-o", "6", "file", "-n"}, "nxo:");
  CHECK(p.seen == "n x o=5 o=6 ");
  CHECK(p.index == 5);
  p = parse({"prog", "-o", "", "x"}, "o:");
  CHECK(p.seen == "o= ");
  CHECK(p.index == 3);
}

TEST_CASE("sgetopt stops at -, after --, and at the end", "[sgetopt]") {
  auto p = parse({"prog", "-n", "-", "x"}, "n");
  CHECK(p.seen == "n ");
  CHECK(p.index == 2);
  p = parse({"prog", "--", "-n"}, "n");
  CHECK(p.seen == "");
  CHECK(p.index == 2);
  p = parse({"prog", "-n"}, "n");
  CHECK(p.index == 2);
  p = parse({"prog"}, "n");
  CHECK(p.index == 1);
}

TEST_CASE("sgetopt reports unknown letters and missing values", "[sgetopt]") {
  auto r = test::run_child([] {
    auto p = parse({"/some/where/prog", "-nz"}, "n");
    ::_exit(p.seen == "n ?z " ? 0 : 1);
  });
  CHECK(r.exit_code() == 0);
  CHECK(r.err == "prog: illegal option -- z\n");
  auto s = test::run_child([] {
    auto p = parse({"prog", "-o"}, "o:");
    ::_exit(p.seen == "?o " ? 0 : 1);
  });
  CHECK(s.exit_code() == 0);
  CHECK(s.err == "prog: option requires an argument -- o\n");
}
