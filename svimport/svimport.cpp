// svimport [-n] [-f] [-t supervisord|zdaemon] [-o servicedir] configfile
//
// Converts a supervisord configuration (its [program:x] sections) or a
// zdaemon one (its <runner>) into service directories for supervise: one
// per process, named after it, in servicedir (default: the current
// directory). What each key becomes: svimport/supervisord.hpp,
// svimport/zdaemon.hpp, svimport/service.hpp; how the directories are put
// in place: svimport/tree.hpp. The type of configuration is told by its
// content (a <runner> section: zdaemon; an [section] header: supervisord)
// unless -t names it.
//
//   -n  print the files it would write ("==> NAME/FILE <==" and the
//       content), write nothing; the exit code is the same
//   -f  update existing service directories in place (without -f an
//       existing one is an error and nothing is written)
//
// Each key svimport cannot map is reported on stderr:
//   svimport: warning: FILE:LINE: KEY: not converted (why)
// Exit codes: 0 everything converted; 1 converted, with warnings; 100 bad
// input (the message names FILE:LINE) or usage; 111 a system call failed.
// Nothing is written on 100 or 111.
#include <errno.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "lib/err.hpp"
#include "lib/fd.hpp"
#include "lib/sgetopt.hpp"
#include "svimport/service.hpp"
#include "svimport/supervisord.hpp"
#include "svimport/tree.hpp"
#include "svimport/zdaemon.hpp"

extern char** environ;

namespace {

[[noreturn]] void usage() {
  lib::die_usage("svimport [-n] [-f] [-t supervisord|zdaemon] [-o servicedir] configfile");
}

void print_warnings(svimport::Diag& d) {
  d.sort();
  for (const std::string& w : d.warnings) lib::warn({w});
}

[[noreturn]] void fail(svimport::Diag& d) {
  print_warnings(d);
  if (d.sys_errno) {
    errno = d.sys_errno;
    lib::die_sys(lib::exitcode::temp, {d.error});
  }
  lib::die(lib::exitcode::perm, {d.error});
}

// The type of configuration text is: by its first line that opens a
// <runner> (zdaemon) or an [section] (supervisord).
std::string detect(const std::string& text) {
  size_t i = 0;
  while (i < text.size()) {
    size_t nl = text.find('\n', i);
    if (nl == std::string::npos) nl = text.size();
    std::string_view line(text.data() + i, nl - i);
    i = nl + 1;
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    if (line.empty()) continue;
    if (line.front() == '[') return "supervisord";
    if (line.front() == '<') {
      line.remove_prefix(1);
      while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
      std::string word;
      for (char c : line) {
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) break;
        word += char(c | 0x20);
      }
      if (word == "runner") return "zdaemon";
    }
  }
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  lib::set_prog("svimport");
  bool dry = false, force = false;
  std::string type, out = ".";
  lib::SGetOpt opts(argc, argv, "nft:o:");
  for (int c; (c = opts.next()) != lib::SGetOpt::kDone;) {
    switch (c) {
      case 'n': dry = true; break;
      case 'f': force = true; break;
      case 't':
        type = opts.arg();
        if (type != "supervisord" && type != "zdaemon") usage();
        break;
      case 'o':
        out = opts.arg();
        if (out.empty()) usage();
        break;
      default: usage();
    }
  }
  if (argc - opts.index() != 1) usage();
  std::string config = argv[opts.index()];

  svimport::Context ctx;
  char cwd[4096];
  if (!::getcwd(cwd, sizeof cwd)) lib::die_sys(lib::exitcode::temp, {"unable to get the current directory"});
  ctx.cwd = cwd;
  for (char** e = environ; *e; ++e) {
    std::string kv = *e;
    size_t eq = kv.find('=');
    if (eq != std::string::npos) svimport::env_set(ctx.environ, kv.substr(0, eq), kv.substr(eq + 1));
  }
  utsname u;
  if (::uname(&u) == 0) ctx.host = u.nodename;

  if (type.empty()) {
    std::string text;
    if (!svimport::read_text(config, text)) lib::die_sys(lib::exitcode::temp, {"unable to read ", config});
    type = detect(text);
    if (type.empty())
      lib::die(lib::exitcode::perm,
               {config, ": neither a supervisord nor a zdaemon configuration (-t names the type)"});
  }

  svimport::Diag d;
  std::vector<svimport::Spec> specs;
  bool ok = type == "supervisord" ? svimport::convert_supervisord(config, ctx, specs, d)
                                  : svimport::convert_zdaemon(config, ctx, specs, d);
  if (!ok) fail(d);
  // Two processes cannot share a directory; two multilogs cannot share a
  // log directory (the second would wait for the first's lock for ever).
  for (size_t i = 0; i < specs.size(); ++i)
    for (size_t j = 0; j < i; ++j) {
      if (specs[i].name == specs[j].name) {
        d.fail(specs[i].where, specs[i].name + ": a second process of that name (the first: " +
                                   specs[j].where.str() + ")");
        fail(d);
      }
      if (specs[i].out == svimport::Out::kLog && !specs[i].log_dir.empty() &&
          specs[i].log_dir == specs[j].log_dir && specs[j].out == svimport::Out::kLog) {
        d.warn(specs[i].log_where, "stdout_logfile: not converted (" + specs[i].log_dir +
                                       " is already the log directory of " + specs[j].name +
                                       "; logging into ./main)");
        specs[i].log_dir.clear();
      }
    }
  std::vector<svimport::Plan> plans;
  for (const svimport::Spec& s : specs) plans.push_back({s.name, s.where, svimport::render(s)});
  if (!svimport::check_existing(out, plans, force, d)) fail(d);
  if (dry) {
    std::string text = svimport::dry_run_text(plans);
    if (!lib::write_all(1, text)) lib::die_sys(lib::exitcode::temp, {"unable to write to stdout"});
  } else if (!svimport::install(out, plans, d)) {
    fail(d);
  }
  print_warnings(d);
  return d.warnings.empty() ? 0 : 1;
}
