#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <string>
#include <vector>

#include "support.hpp"
#include "svimport/ini.hpp"
#include "svimport/service.hpp"
#include "svimport/supervisord.hpp"
#include "svimport/words.hpp"
#include "svimport/zdaemon.hpp"

using namespace svimport;

namespace {

// s without every occurrence of prefix.
void unprefix(std::string& s, const std::string& prefix) {
  for (size_t i; (i = s.find(prefix)) != std::string::npos;) s.erase(i, prefix.size());
}

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::string why;
  REQUIRE(shlex_split(s, out, why));
  return out;
}

std::string split_error(const std::string& s) {
  std::vector<std::string> out;
  std::string why;
  CHECK_FALSE(shlex_split(s, out, why));
  return why;
}

std::string fmt(const std::string& s, const Expansions& e) {
  std::string out, why;
  if (!py_format(s, e, out, why)) return "ERROR " + why;
  return out;
}

ExpValue S(const std::string& s) {
  ExpValue v;
  v.s = s;
  return v;
}

ExpValue I(int64_t i) {
  ExpValue v;
  v.is_int = true;
  v.i = i;
  return v;
}

Ini parse_ini(const std::string& text, std::string* error = nullptr) {
  Ini ini;
  std::string err;
  bool ok = ini_parse(text, "f.conf", ini, err);
  if (error)
    *error = ok ? "" : err;
  else
    REQUIRE(ok);
  return ini;
}

std::string value(const Ini& ini, const std::string& section, const std::string& key) {
  const IniSection* s = ini.find(section);
  if (!s) return "<no section>";
  const IniKey* k = ini.get(*s, key);
  return k ? k->value : "<no key>";
}

void write(const std::string& path, const std::string& text) {
  std::ofstream f(path);
  f << text;
}

Context context(const std::string& cwd) {
  Context c;
  c.cwd = cwd;
  c.host = "box";
  c.environ = {{"HOME", "/home/me"}, {"LEVEL", "debug"}};
  return c;
}

struct Converted {
  bool ok;
  std::vector<Spec> specs;
  Diag d;
};

Converted supervisord(const std::string& text) {
  test::TempDir t;
  write(t / "s.conf", text);
  Converted c;
  c.ok = convert_supervisord(t / "s.conf", context(t.path()), c.specs, c.d);
  // Locations are reported with the path as given: make them short.
  std::string prefix = t / "";
  for (std::string& w : c.d.warnings) unprefix(w, prefix);
  unprefix(c.d.error, prefix);
  for (Spec& s : c.specs)
    for (std::string& a : s.argv)
      if (a.rfind(t.path(), 0) == 0) a.replace(0, t.path().size(), "HERE");
  return c;
}

Converted zdaemon(const std::string& text, const std::string& name = "app.conf") {
  test::TempDir t;
  write(t / name, text);
  Converted c;
  c.ok = convert_zdaemon(t / name, context(t.path()), c.specs, c.d);
  std::string prefix = t / "";
  for (std::string& w : c.d.warnings) unprefix(w, prefix);
  unprefix(c.d.error, prefix);
  return c;
}

std::string file_of(const Spec& s, const std::string& path) {
  for (const File& f : render(s))
    if (f.path == path) return f.content;
  return "<none>";
}

}  // namespace

TEST_CASE("shlex_split splits as Python's shlex.split", "[svimport]") {
  CHECK(split("a b  c") == std::vector<std::string>{"a", "b", "c"});
  CHECK(split("  ") == std::vector<std::string>{});
  CHECK(split("'a b' \"c d\"") == std::vector<std::string>{"a b", "c d"});
  CHECK(split("a'b'c") == std::vector<std::string>{"abc"});
  CHECK(split("'' x") == std::vector<std::string>{"", "x"});
  CHECK(split("a\\ b") == std::vector<std::string>{"a b"});
  CHECK(split("\"a\\\"b\\\\c\\d\"") == std::vector<std::string>{"a\"b\\c\\d"});
  CHECK(split("'a\\b'") == std::vector<std::string>{"a\\b"});
  CHECK(split("$HOME `x` ; |") == std::vector<std::string>{"$HOME", "`x`", ";", "|"});
  CHECK(split("a\tb\nc") == std::vector<std::string>{"a", "b", "c"});
  CHECK(split("# not a comment") == std::vector<std::string>{"#", "not", "a", "comment"});
  CHECK(split_error("'open") == "no closing quotation");
  CHECK(split_error("\"open") == "no closing quotation");
  CHECK(split_error("end\\") == "no escaped character");
}

TEST_CASE("sh_quote gives sh the word back", "[svimport]") {
  CHECK(sh_quote("abc") == "'abc'");
  CHECK(sh_quote("") == "''");
  CHECK(sh_quote("it's") == "'it'\\''s'");
  CHECK(sh_quote("$x \"y\"") == "'$x \"y\"'");
}

TEST_CASE("parse_env_pairs reads supervisord's environment=", "[svimport]") {
  EnvList env;
  std::string why;
  REQUIRE(parse_env_pairs("A=1,B=\"two, three\",C='x',PATH=/usr/bin:/bin", env, why));
  CHECK(env == EnvList{{"A", "1"}, {"B", "two, three"}, {"C", "x"}, {"PATH", "/usr/bin:/bin"}});
  env.clear();
  REQUIRE(parse_env_pairs("A=1, A=2 ,B=x # comment", env, why));
  CHECK(env == EnvList{{"A", "2"}, {"B", "x"}});
  env.clear();
  REQUIRE(parse_env_pairs("", env, why));
  CHECK(env.empty());
  CHECK_FALSE(parse_env_pairs("A=1,B", env, why));
  CHECK(why == "unexpected end of key/value pairs");
  env.clear();
  REQUIRE(parse_env_pairs("A=x y", env, why));  // the token after a triple is skipped, whatever it is
  CHECK(env == EnvList{{"A", "x"}});
  CHECK_FALSE(parse_env_pairs("A=x y z", env, why));
  CHECK_FALSE(parse_env_pairs("A=\"open", env, why));
  CHECK(why == "no closing quotation");
}

TEST_CASE("py_format expands as Python's % with a mapping", "[svimport]") {
  Expansions e = {{"here", S("/etc")}, {"process_num", I(3)}, {"neg", I(-4)}};
  CHECK(fmt("%(here)s/x", e) == "/etc/x");
  CHECK(fmt("n%(process_num)d", e) == "n3");
  CHECK(fmt("n%(process_num)02d", e) == "n03");
  CHECK(fmt("n%(process_num)s", e) == "n3");
  CHECK(fmt("[%(process_num)3d]", e) == "[  3]");
  CHECK(fmt("[%(process_num)-3d]", e) == "[3  ]");
  CHECK(fmt("[%(neg)03d]", e) == "[-04]");
  CHECK(fmt("[%(here)6s]", e) == "[  /etc]");
  CHECK(fmt("[%(here).2s]", e) == "[/e]");
  CHECK(fmt("%(here)r", e) == "'/etc'");
  CHECK(fmt("100%%", e) == "100%");
  CHECK(fmt("%(nope)s", e) == "ERROR %(nope)s cannot be expanded");
  CHECK(fmt("%(here)d", e) == "ERROR badly formatted: %d format: a real number is required, not str");
  CHECK(fmt("50%", e) == "ERROR badly formatted: incomplete format");
  CHECK(fmt("%s", e) == "ERROR badly formatted: format requires a mapping");
  CHECK(fmt("%(here)q", e) == "ERROR badly formatted: unsupported format character 'q'");
  CHECK(fmt("%(here", e) == "ERROR badly formatted: incomplete format key");
}

TEST_CASE("py_int reads as Python's int()", "[svimport]") {
  int64_t n;
  CHECK((py_int(" 42 ", n) && n == 42));
  CHECK((py_int("-7", n) && n == -7));
  CHECK((py_int("1_000", n) && n == 1000));
  CHECK_FALSE(py_int("", n));
  CHECK_FALSE(py_int("1.5", n));
  CHECK_FALSE(py_int("_1", n));
  CHECK_FALSE(py_int("1__0", n));
  CHECK_FALSE(py_int("0x10", n));
}

TEST_CASE("ini_parse reads as configparser", "[svimport]") {
  Ini ini = parse_ini(
      "; a comment\n"
      "# another\n"
      "[program:a]\n"
      "command = /bin/x --flag ; inline comment\n"
      "Other: yes#not a comment\n"
      "multi=first\n"
      "  second\n"
      "\n"
      "  third\n"
      "    ; a comment line inside\n"
      "after=1\n"
      "[DEFAULT]\n"
      "shared=d\n"
      "[program:a] trailing text\n"
      "after=2\n");
  CHECK(value(ini, "program:a", "command") == "/bin/x --flag");
  CHECK(value(ini, "program:a", "other") == "yes#not a comment");
  CHECK(value(ini, "program:a", "multi") == "first\nsecond\n\nthird");
  CHECK(value(ini, "program:a", "after") == "2");
  CHECK(value(ini, "program:a", "shared") == "d");
  CHECK(ini.sections.size() == 1);
  REQUIRE(ini.headers.size() == 3);
  CHECK(ini.headers[2].where.line == 14);
  const IniKey* k = ini.find("program:a")->find("after");
  CHECK(k->where.line == 15);
}

TEST_CASE("ini_parse refuses what configparser refuses", "[svimport]") {
  std::string err;
  parse_ini("[program:a\ncommand=x\n", &err);
  CHECK(err == "f.conf:1: unterminated section header");
  parse_ini("command=x\n", &err);
  CHECK(err == "f.conf:1: a key outside any section");
  parse_ini("[a]\nx=1\njunk\n", &err);
  CHECK(err == "f.conf:3: not a section header nor a key = value line");
  parse_ini("[a]\n=1\n", &err);
  CHECK(err == "f.conf:2: a value without a key");
}

TEST_CASE("a [program:] becomes a Spec with supervisord's defaults", "[svimport]") {
  auto c = supervisord("[program:web]\ncommand=/bin/web -p 80\n");
  REQUIRE(c.ok);
  CHECK(c.d.warnings.empty());
  REQUIRE(c.specs.size() == 1);
  const Spec& s = c.specs[0];
  CHECK(s.name == "web");
  CHECK(s.argv == std::vector<std::string>{"/bin/web", "-p", "80"});
  CHECK(file_of(s, "run") == "#!/bin/sh\nexec '/bin/web' '-p' '80'\n");
  CHECK(file_of(s, "timeout-kill") == "10000\n");
  CHECK(file_of(s, "no-restart") == "0\n");
  CHECK(file_of(s, "start-retries") == "3\n");
  CHECK(file_of(s, "give-up") == "<none>");
  CHECK(file_of(s, "restart-delay-max") == "3000\n");
  CHECK(file_of(s, "restart-stable") == "1000\n");
  CHECK(file_of(s, "log/run") == "#!/bin/sh\nexec multilog t s52428800 n11 ./main\n");
  CHECK(file_of(s, "down") == "<none>");
  CHECK(file_of(s, "setsid") == "<none>");
}

TEST_CASE("every program key maps to its file", "[svimport]") {
  auto c = supervisord(
      "[supervisord]\n"
      "environment=GLOBAL=g,A=global\n"
      "[program:x]\n"
      "command=run %(program_name)s %(ENV_LEVEL)s %(ENV_A)s\n"
      "environment=A=\"a, b\",B=%(here)s\n"
      "directory=/srv\n"
      "umask=2\n"
      "user=root\n"
      "autostart=false\n"
      "autorestart=true\n"
      "startsecs=5\n"
      "startretries=2\n"
      "stopsignal=int\n"
      "stopwaitsecs=0\n"
      "killasgroup=true\n"
      "redirect_stderr=true\n"
      "stdout_logfile=/var/log/x\n"
      "stdout_logfile_maxbytes=1KB\n"
      "stdout_logfile_backups=0\n");
  REQUIRE(c.ok);
  REQUIRE(c.specs.size() == 1);
  const Spec& s = c.specs[0];
  CHECK(s.argv == std::vector<std::string>{"run", "x", "debug", "a,", "b"});
  CHECK(file_of(s, "run") ==
        "#!/bin/sh\nexec 2>&1\ncd '/srv' || exit 111\nservice=$OLDPWD\nunset OLDPWD\numask 002\n"
        "exec envdir \"$service/env\" setuidgid 'root' 'run' 'x' 'debug' 'a,' 'b'\n");
  CHECK(file_of(s, "env/GLOBAL") == "g\n");
  CHECK(file_of(s, "env/A") == "a, b\n");
  CHECK(file_of(s, "env/B").back() == '\n');
  CHECK(file_of(s, "down") == "");
  CHECK(file_of(s, "down-signal") == "int\n");
  CHECK(file_of(s, "timeout-kill") == "1\n");
  CHECK(file_of(s, "setsid") == "");
  CHECK(file_of(s, "no-restart") == "<none>");
  CHECK(file_of(s, "start-retries") == "2\n");
  CHECK(file_of(s, "give-up") == "<none>");
  CHECK(file_of(s, "restart-delay-max") == "2000\n");
  CHECK(file_of(s, "restart-stable") == "5000\n");
  CHECK(file_of(s, "log/run") == "#!/bin/sh\nexec multilog t s4096 n2 '/var/log/x'\n");
  CHECK(c.d.warnings == std::vector<std::string>{
                            "s.conf:18: stdout_logfile_maxbytes: converted as 4096 (multilog's smallest)",
                            "s.conf:19: stdout_logfile_backups: converted as 1 (multilog keeps one old file at least)"});
}

TEST_CASE("autorestart=false never restarts; exitcodes list no-restart", "[svimport]") {
  auto c = supervisord("[program:a]\ncommand=a\nautorestart=false\n[program:b]\ncommand=b\nexitcodes=0,2, 3\n"
                       "[program:c]\ncommand=c\nexitcodes=\nstartsecs=0\n");
  REQUIRE(c.ok);
  REQUIRE(c.specs.size() == 3);
  CHECK(file_of(c.specs[0], "no-restart") == "all\n");
  // A failed start (before startsecs) is retried all the same, as supervisord does.
  CHECK(file_of(c.specs[0], "start-retries") == "3\n");
  CHECK(file_of(c.specs[1], "no-restart") == "0 2 3\n");
  CHECK(file_of(c.specs[2], "no-restart") == "<none>");
  CHECK(file_of(c.specs[2], "start-retries") == "<none>");  // startsecs=0: no failed start
}

TEST_CASE("numprocs makes one service per process", "[svimport]") {
  auto c = supervisord(
      "[program:w]\ncommand=w --n=%(process_num)d\nprocess_name=%(program_name)s_%(process_num)02d\n"
      "numprocs=3\nnumprocs_start=8\nenvironment=N=%(process_num)d\n");
  REQUIRE(c.ok);
  REQUIRE(c.specs.size() == 3);
  CHECK(c.specs[0].name == "w_08");
  CHECK(c.specs[2].name == "w_10");
  CHECK(c.specs[2].argv == std::vector<std::string>{"w", "--n=10"});
  CHECK(file_of(c.specs[1], "env/N") == "9\n");
}

TEST_CASE("output settings become redirections or log/run", "[svimport]") {
  auto c = supervisord(
      "[program:a]\ncommand=a\nstdout_logfile=NONE\nstderr_logfile=NONE\n"
      "[program:b]\ncommand=b\nstdout_logfile=/dev/stdout\nstderr_logfile=/dev/stderr\n"
      "[program:c]\ncommand=c\nstdout_logfile=/dev/stdout\nstderr_logfile=/dev/stdout\n"
      "[program:d]\ncommand=d\nstdout_logfile=/dev/null\nredirect_stderr=true\n"
      "[program:e]\ncommand=e\nstderr_logfile=/var/log/e.err\n");
  REQUIRE(c.ok);
  REQUIRE(c.specs.size() == 5);
  CHECK(file_of(c.specs[0], "run") == "#!/bin/sh\nexec >/dev/null 2>/dev/null\nexec 'a'\n");
  CHECK(file_of(c.specs[0], "log/run") == "<none>");
  CHECK(file_of(c.specs[1], "run") == "#!/bin/sh\nexec 'b'\n");
  CHECK(file_of(c.specs[2], "run") == "#!/bin/sh\nexec 2>&1\nexec 'c'\n");
  CHECK(file_of(c.specs[3], "run") == "#!/bin/sh\nexec >/dev/null 2>&1\nexec 'd'\n");
  CHECK(file_of(c.specs[4], "log/run") == "#!/bin/sh\nexec multilog t s52428800 n11 ./main\n");
  CHECK(c.d.warnings ==
        std::vector<std::string>{"s.conf:19: stderr_logfile: not converted (multilog logs one stream: stderr "
                                 "goes to supervise's; redirect_stderr=true would log it with stdout)"});
}

TEST_CASE("what supervisord has and we do not is warned about", "[svimport]") {
  auto c = supervisord(
      "[unix_http_server]\nfile=/tmp/s.sock\n"
      "[supervisord]\nlogfile=/tmp/l\nminfds=4096\n"
      "[group:g]\nprograms=a\npriority=5\n"
      "[program:a]\ncommand=a %(group_name)s\npriority=10\nstdout_events_enabled=true\nbogus=1\n"
      "[eventlistener:l]\ncommand=l\nevents=PROCESS_STATE\n"
      "[inet_http_server]\nport=9001\n");
  REQUIRE(c.ok);
  CHECK(c.specs.at(0).argv == std::vector<std::string>{"a", "g"});
  CHECK(c.d.warnings ==
        std::vector<std::string>{
            "s.conf:5: minfds: not converted (supervise sets no resource limits: use softlimit in ./run)",
            "s.conf:6: [group:g]: not converted (svscan has no groups: its programs become separate services)",
            "s.conf:13: bogus: not converted (unknown key)",
            "s.conf:11: priority: not converted (svscan starts every service at once)",
            "s.conf:12: stdout_events_enabled: not converted (no event listeners)",
            "s.conf:14: [eventlistener:l]: not converted (no event listeners: see the essential and finish files)",
            "s.conf:17: [inet_http_server]: not converted (no control over the network: see svweb(8))"});
}

TEST_CASE("bad supervisord input is refused with its line", "[svimport]") {
  auto err = [](const std::string& text) {
    auto c = supervisord(text);
    CHECK_FALSE(c.ok);
    return c.d.error;
  };
  CHECK(err("[program:a]\ncommand=a\n[program:a]\ncommand=b\n") ==
        "s.conf:3: [program:a]: duplicate section (first at s.conf:1)");
  CHECK(err("[program:a]\ncommand=a\nnumprocs=2\n") ==
        "s.conf:3: numprocs: %(process_num) must be present within process_name when numprocs > 1");
  CHECK(err("[program:a]\ncommand=a\nprocess_name=..\n") ==
        "s.conf:3: process_name: '..' is not a valid directory name");
  CHECK(err("[program:a]\ncommand=a\nprocess_name=.hidden\n") ==
        "s.conf:3: process_name: '.hidden' is not a valid directory name");
  CHECK(err("[program:a/b]\ncommand=a\n") == "s.conf:1: [program:a/b]: invalid program name 'a/b'");
  CHECK(err("[program:a]\ncommand=a\nstdout_logfile=/var/log/../x\n") ==
        "s.conf:3: stdout_logfile: '/var/log/../x' has a .. component");
  CHECK(err("[program:a]\nautostart=maybe\ncommand=a\n") == "s.conf:2: autostart: not a valid boolean value: 'maybe'");
  CHECK(err("[program:a]\n") == "s.conf:1: [program:a]: no command= setting");
  CHECK(err("[program:a]\ncommand='x\n") == "s.conf:2: command: no closing quotation");
  CHECK(err("[program:a]\ncommand=%(nope)s\n") == "s.conf:2: command: %(nope)s cannot be expanded");
  CHECK(err("[program:a]\ncommand=a\nstopsignal=NOPE\n") == "s.conf:3: stopsignal: 'NOPE' is not a valid signal");
  CHECK(err("[program:a]\ncommand=a\nexitcodes=0,300\n") ==
        "s.conf:3: exitcodes: not a valid list of exit codes: '0,300'");
  CHECK(err("[program:a]\ncommand=a\nstopasgroup=true\nkillasgroup=false\n") ==
        "s.conf:4: killasgroup: cannot be false with stopasgroup=true");
  CHECK(err("[program:a]\ncommand=a\n[program:b\n") == "s.conf:3: unterminated section header");
  CHECK(err("[group:g]\nprograms=nope\n") == "s.conf:2: programs: [group:g] names unknown program nope");
}

TEST_CASE("[include] reads globs relative to the main file, sorted", "[svimport]") {
  test::TempDir t;
  ::mkdir((t / "conf.d").c_str(), 0755);
  write(t / "main.conf", "[include]\nfiles = conf.d/*.ini none/*.ini\n[program:main]\ncommand=m\n");
  write(t / "conf.d/b.ini", "[program:b]\ncommand=%(here)s/b\n");
  write(t / "conf.d/a.ini", "[program:a]\ncommand=a\n");
  std::vector<Spec> specs;
  Diag d;
  REQUIRE(convert_supervisord(t / "main.conf", context("/"), specs, d));
  REQUIRE(specs.size() == 3);
  CHECK(specs[0].name == "main");
  CHECK(specs[1].name == "a");
  CHECK(specs[2].name == "b");
  CHECK(specs[2].argv == std::vector<std::string>{t / "conf.d/b"});
  CHECK(d.warnings == std::vector<std::string>{t / "main.conf:2: files: no file matches " + t / "none/*.ini"});
}

TEST_CASE("zconfig_parse reads sections, defines and environment references", "[svimport]") {
  test::TempDir t;
  write(t / "z.conf",
        "# comment\n%define BASE /opt/app\n<runner>\n  program $base/bin/run ${BASE}/etc $$x $(HOME)\n"
        "  <eventlog>\n    level info\n  </eventlog>\n</runner>\n<environment>\n  Key value with space\n"
        "  EMPTY\n</environment>\n");
  ZSection root;
  Diag d;
  REQUIRE(zconfig_parse(t / "z.conf", context("/"), root, d));
  REQUIRE(root.children.size() == 2);
  const ZSection& r = root.children[0];
  CHECK(r.type == "runner");
  REQUIRE(r.keys.size() == 1);
  CHECK(r.keys[0].value == "/opt/app/bin/run /opt/app/etc $x /home/me");
  CHECK(r.keys[0].where.line == 4);
  CHECK(r.children.at(0).type == "eventlog");
  const ZSection& e = root.children[1];
  REQUIRE(e.keys.size() == 2);
  CHECK(e.keys[0].name == "Key");
  CHECK(e.keys[0].value == "value with space");
  CHECK(e.keys[1].value == "");
}

TEST_CASE("zconfig_parse refuses unterminated and mismatched sections", "[svimport]") {
  auto err = [](const std::string& text) {
    auto c = zdaemon(text);
    CHECK_FALSE(c.ok);
    return c.d.error;
  };
  CHECK(err("<runner>\nprogram x\n") == "app.conf:1: <runner> is not closed");
  CHECK(err("<runner>\nprogram x\n</environment>\n") == "app.conf:3: </environment> closes <runner> (opened at app.conf:1)");
  CHECK(err("<runner\nprogram x\n</runner>\n") == "app.conf:1: unterminated section header");
  CHECK(err("<runner>\nprogram $nope\n</runner>\n") == "app.conf:2: undefined name 'nope'");
  CHECK(err("<runner>\n</runner>\n") == "app.conf:1: <runner> has no program");
  CHECK(err("<environment>\n</environment>\n") == "app.conf:1: no <runner> section");
  CHECK(err("<runner>\nprogram x\n</runner>\n<runner>\nprogram y\n</runner>\n") ==
        "app.conf:4: a second <runner> (the first at app.conf:1)");
}

TEST_CASE("a zdaemon <runner> maps to run, policy files and log/run", "[svimport]") {
  auto c = zdaemon(
      "<runner>\n  program /bin/app -v\n  directory /srv/app\n  user root\n  umask 027\n"
      "  backoff-limit 5\n  exit-codes 0, 3\n  transcript /var/log/app\n  stop-timeout 20\n"
      "  socket-name /run/app.sock\n</runner>\n<environment>\n  LANG C\n</environment>\n");
  REQUIRE(c.ok);
  CHECK(c.d.warnings.empty());
  REQUIRE(c.specs.size() == 1);
  const Spec& s = c.specs[0];
  CHECK(s.name == "app");
  CHECK(file_of(s, "run") ==
        "#!/bin/sh\nexec 2>&1\ncd '/srv/app' || exit 111\nservice=$OLDPWD\nunset OLDPWD\numask 027\n"
        "exec envdir \"$service/env\" setuidgid 'root' '/bin/app' '-v'\n");
  CHECK(file_of(s, "env/LANG") == "C\n");
  CHECK(file_of(s, "no-restart") == "0 3\n");
  CHECK(file_of(s, "give-up") == "5 32\n");  // pauses 1 2 4 4, runs up to 5 each, + 1
  CHECK(file_of(s, "restart-delay-max") == "4000\n");
  CHECK(file_of(s, "restart-stable") == "5000\n");
  CHECK(file_of(s, "timeout-kill") == "20000\n");
  CHECK(file_of(s, "log/run") == "#!/bin/sh\nexec multilog t s52428800 n11 '/var/log/app'\n");
}

TEST_CASE("zdaemon defaults, forever, and start-test-program", "[svimport]") {
  auto c = zdaemon("<runner myapp>\n program sleep 9\n forever true\n start-test-program test -e ready\n"
                   " start-timeout 30\n</runner>\n");
  REQUIRE(c.ok);
  const Spec& s = c.specs.at(0);
  CHECK(s.name == "myapp");
  CHECK(file_of(s, "no-restart") == "0 2\n");
  CHECK(file_of(s, "give-up") == "<none>");
  CHECK(file_of(s, "restart-delay-max") == "10000\n");
  CHECK(file_of(s, "timeout-kill") == "300000\n");
  CHECK(file_of(s, "notification-fd") == "3\n");
  CHECK(file_of(s, "log/run") == "<none>");
  CHECK(file_of(s, "run") ==
        "#!/bin/sh\nexec >/dev/null 2>&1\numask 022\n"
        "{\n  while kill -0 $$ 2>/dev/null; do\n"
        "    if 'sh' '-c' 'test -e ready' 3>&-; then echo >&3; exit 0; fi\n"
        "    sleep 1\n  done\n} &\n"
        "exec 3>&- 'sleep' '9'\n");
  CHECK(c.d.warnings == std::vector<std::string>{
                            "app.conf:5: start-timeout: not converted (timeout-ready would restart the service, "
                            "zdaemon only reports)"});
}

TEST_CASE("helpers: names, paths, env files, give-up windows", "[svimport]") {
  CHECK(valid_dir_name("web-1"));
  CHECK_FALSE(valid_dir_name(""));
  CHECK_FALSE(valid_dir_name("."));
  CHECK_FALSE(valid_dir_name(".."));
  CHECK_FALSE(valid_dir_name(".x"));
  CHECK_FALSE(valid_dir_name("a/b"));
  CHECK_FALSE(valid_dir_name("a\nb"));
  CHECK(has_dotdot("/a/../b"));
  CHECK(has_dotdot(".."));
  CHECK_FALSE(has_dotdot("/a/..b/c"));
  CHECK(norm_path("/a//b/./c/../d") == "/a/b/d");
  CHECK(norm_path("/../a") == "/a");
  std::string t;
  CHECK((env_file("", t) && t == "\n"));
  CHECK((env_file("a\nb", t) && t == std::string("a\0b\n", 4)));
  CHECK_FALSE(env_file("trailing ", t));
  CHECK(give_up_window(4, 1, 3000) == 10);  // pauses 1 2 3, runs up to 1 each, + 1
  CHECK(give_up_window(2, 0, 1000) == 2);
}
