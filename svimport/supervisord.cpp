#include "svimport/supervisord.hpp"

#include <errno.h>
#include <glob.h>
#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstring>

#include "lib/signame.hpp"
#include "svimport/ini.hpp"

namespace svimport {
namespace {

constexpr const char* kProgramKeys[] = {
    "command", "process_name", "numprocs", "numprocs_start", "priority", "autostart", "startsecs",
    "startretries", "autorestart", "exitcodes", "stopsignal", "stopwaitsecs", "stopasgroup",
    "killasgroup", "user", "redirect_stderr", "stdout_logfile", "stdout_logfile_maxbytes",
    "stdout_logfile_backups", "stdout_capture_maxbytes", "stdout_events_enabled", "stdout_syslog",
    "stderr_logfile", "stderr_logfile_maxbytes", "stderr_logfile_backups", "stderr_capture_maxbytes",
    "stderr_events_enabled", "stderr_syslog", "environment", "directory", "umask", "serverurl"};

// [supervisord] keys that concern supervisord alone (its log, pid file,
// daemonizing): nothing of a service's, so nothing to convert or warn of.
constexpr const char* kSupervisordOwn[] = {"logfile", "logfile_maxbytes", "logfile_backups",
                                           "loglevel", "pidfile", "nodaemon", "silent",
                                           "identifier", "nocleanup", "childlogdir"};

template <size_t N>
bool one_of(std::string_view s, const char* const (&list)[N]) {
  for (const char* k : list)
    if (s == k) return true;
  return false;
}

std::string lower(std::string_view s) {
  std::string r(s);
  for (char& c : r) c = char(std::tolower(static_cast<unsigned char>(c)));
  return r;
}

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

ExpValue str_value(std::string s) {
  ExpValue v;
  v.s = std::move(s);
  return v;
}

ExpValue int_value(int64_t i) {
  ExpValue v;
  v.is_int = true;
  v.i = i;
  return v;
}

enum class Restart { kUnexpected, kAlways, kNever };

// A log file setting, as supervisord's logfile_name reads it.
enum class LogKind { kNone, kAuto, kSyslog, kPath };

// os.path.expanduser, for ~ and ~user at the start of a path.
std::string expand_user(const std::string& p, const Context& ctx) {
  if (p.empty() || p[0] != '~') return p;
  size_t slash = p.find('/');
  std::string user = p.substr(1, slash == std::string::npos ? std::string::npos : slash - 1);
  std::string home;
  if (user.empty()) {
    if (const std::string* h = ctx.getenv("HOME")) {
      home = *h;
    } else if (passwd* pw = ::getpwuid(::getuid())) {
      home = pw->pw_dir;
    } else {
      return p;
    }
  } else if (passwd* pw = ::getpwnam(user.c_str())) {
    home = pw->pw_dir;
  } else {
    return p;
  }
  while (home.size() > 1 && home.back() == '/') home.pop_back();
  return home + (slash == std::string::npos ? "" : p.substr(slash));
}

class Converter {
 public:
  Converter(const Context& ctx, std::vector<Spec>& out, Diag& d) : ctx_(ctx), out_(out), d_(d) {}
  bool run(const std::string& path);

 private:
  bool read(const std::string& file);
  bool includes();
  bool supervisord_section();
  bool program(const IniSection& s, const std::string& group);
  bool duplicates();

  // Typed values of section s (or [DEFAULT]), expanded with e; `present`
  // says whether the key was there.
  bool str(const IniSection& s, const char* key, const Expansions& e, std::string& out, bool& present);
  bool boolean(const IniSection& s, const char* key, bool def, const Expansions& e, bool& out);
  bool integer(const IniSection& s, const char* key, int64_t def, const Expansions& e, int64_t& out,
               bool* present = nullptr);
  bool byte_size(const IniSection& s, const char* key, int64_t def, const Expansions& e, int64_t& out,
                 bool* present = nullptr);
  bool expand(const IniKey& k, const Expansions& e, std::string& out);
  Where where_of(const IniSection& s, const char* key) const {
    const IniKey* k = ini_.get(s, key);
    return k ? k->where : s.where;
  }
  std::string here_of(const std::string& file) const;

  const Context& ctx_;
  std::vector<Spec>& out_;
  Diag& d_;
  Ini ini_;
  std::string main_;
  std::vector<std::string> files_;
  Expansions env_exp_;  // ENV_X, for every expansion
  EnvList sup_env_;
  std::string sup_user_, sup_umask_, sup_dir_;
  Where sup_dir_where_;
};

std::string Converter::here_of(const std::string& file) const {
  return dir_name(norm_path(join_path(ctx_.cwd, file)));
}

bool Converter::expand(const IniKey& k, const Expansions& e, std::string& out) {
  Expansions all = env_exp_;
  for (const auto& kv : e) all[kv.first] = kv.second;
  all["here"] = str_value(here_of(k.where.file));
  std::string why;
  if (!py_format(k.value, all, out, why)) return d_.fail(k.where, k.name + ": " + why);
  return true;
}

bool Converter::str(const IniSection& s, const char* key, const Expansions& e, std::string& out,
                    bool& present) {
  const IniKey* k = ini_.get(s, key);
  present = k != nullptr;
  if (!k) return true;
  return expand(*k, e, out);
}

bool Converter::boolean(const IniSection& s, const char* key, bool def, const Expansions& e, bool& out) {
  std::string v;
  bool present;
  if (!str(s, key, e, v, present)) return false;
  if (!present) {
    out = def;
    return true;
  }
  std::string l = lower(v);
  if (l == "yes" || l == "true" || l == "on" || l == "1") {
    out = true;
  } else if (l == "no" || l == "false" || l == "off" || l == "0") {
    out = false;
  } else {
    return d_.fail(where_of(s, key), std::string(key) + ": not a valid boolean value: '" + v + "'");
  }
  return true;
}

bool Converter::integer(const IniSection& s, const char* key, int64_t def, const Expansions& e,
                        int64_t& out, bool* present) {
  std::string v;
  bool here;
  if (!str(s, key, e, v, here)) return false;
  if (present) *present = here;
  if (!here) {
    out = def;
    return true;
  }
  if (!py_int(v, out))
    return d_.fail(where_of(s, key), std::string(key) + ": not an integer: '" + v + "'");
  return true;
}

bool Converter::byte_size(const IniSection& s, const char* key, int64_t def, const Expansions& e,
                          int64_t& out, bool* present) {
  std::string v;
  bool here;
  if (!str(s, key, e, v, here)) return false;
  if (present) *present = here;
  if (!here) {
    out = def;
    return true;
  }
  std::string l = lower(v);
  int64_t mult = 1;
  if (l.size() >= 2) {
    std::string suffix = l.substr(l.size() - 2);
    if (suffix == "kb") mult = 1024;
    if (suffix == "mb") mult = 1024 * 1024;
    if (suffix == "gb") mult = 1024LL * 1024 * 1024;
    if (mult > 1) l.resize(l.size() - 2);
  }
  int64_t n;
  if (!py_int(l, n) || n > INT64_MAX / mult)
    return d_.fail(where_of(s, key), std::string(key) + ": not a byte size: '" + v + "'");
  out = n * mult;
  return true;
}

bool Converter::read(const std::string& file) {
  std::string text;
  if (!(ctx_.read ? ctx_.read : read_text)(file, text)) {
    d_.sys_errno = errno;
    d_.error = "unable to read " + file;
    return false;
  }
  files_.push_back(file);
  return ini_parse(text, file, ini_, d_.error);
}

bool Converter::includes() {
  const IniSection* inc = ini_.find("include");
  if (!inc) return true;
  for (const IniKey& k : inc->keys)
    if (k.name != "files") d_.not_converted(k.where, k.name, "unknown key");
  const IniKey* files = ini_.get(*inc, "files");
  if (!files) return d_.fail(inc->where, "[include] has no files= setting");
  Expansions e;
  e["host_node_name"] = str_value(ctx_.host);
  std::string value;
  if (!expand(*files, e, value)) return false;
  std::string base = here_of(main_);
  std::vector<std::string> patterns;  // Python's str.split()
  for (size_t i = 0; i < value.size();) {
    while (i < value.size() && std::isspace(static_cast<unsigned char>(value[i]))) ++i;
    size_t j = i;
    while (j < value.size() && !std::isspace(static_cast<unsigned char>(value[j]))) ++j;
    if (j > i) patterns.push_back(value.substr(i, j - i));
    i = j;
  }
  size_t headers_before = ini_.headers.size();
  for (const std::string& p : patterns) {
    std::string pattern = join_path(base, p);
    glob_t g;
    int r = ::glob(pattern.c_str(), GLOB_NOSORT, nullptr, &g);
    std::vector<std::string> names;
    if (r == 0)
      for (size_t i = 0; i < g.gl_pathc; ++i) names.emplace_back(g.gl_pathv[i]);
    ::globfree(&g);
    if (names.empty()) {
      d_.warn(files->where, "files: no file matches " + pattern);
      continue;
    }
    std::sort(names.begin(), names.end());
    for (const std::string& n : names) {
      headers_before = ini_.headers.size();
      if (!read(n)) return false;
      for (size_t h = headers_before; h < ini_.headers.size(); ++h)
        if (ini_.headers[h].name == "include")
          d_.not_converted(ini_.headers[h].where, "[include]",
                           "supervisord reads [include] in the main file only");
    }
  }
  return true;
}

bool Converter::duplicates() {
  for (size_t i = 0; i < ini_.headers.size(); ++i) {
    const auto& h = ini_.headers[i];
    bool named = starts_with(h.name, "program:") || starts_with(h.name, "group:") ||
                 starts_with(h.name, "fcgi-program:") || starts_with(h.name, "eventlistener:");
    if (!named) continue;
    for (size_t j = 0; j < i; ++j)
      if (ini_.headers[j].name == h.name)
        return d_.fail(h.where, "[" + h.name + "]: duplicate section (first at " +
                                    ini_.headers[j].where.str() + ")");
  }
  return true;
}

bool Converter::supervisord_section() {
  const IniSection* s = ini_.find("supervisord");
  if (!s) return true;
  Expansions e;
  e["host_node_name"] = str_value(ctx_.host);
  for (const IniKey& k : s->keys) {
    if (one_of(k.name, kSupervisordOwn)) continue;
    if (k.name == "environment" || k.name == "user" || k.name == "umask" || k.name == "directory")
      continue;
    if (k.name == "minfds" || k.name == "minprocs") {
      d_.not_converted(k.where, k.name, "supervise sets no resource limits: use softlimit in ./run");
    } else if (k.name == "strip_ansi") {
      bool strip;
      if (!boolean(*s, "strip_ansi", false, e, strip)) return false;
      if (strip) d_.not_converted(k.where, k.name, "multilog keeps escape sequences");
    } else {
      d_.not_converted(k.where, k.name, "unknown key");
    }
  }
  bool present;
  std::string v;
  if (!str(*s, "environment", e, v, present)) return false;
  if (present) {
    std::string why;
    if (!parse_env_pairs(v, sup_env_, why)) return d_.fail(where_of(*s, "environment"), "environment: " + why);
    for (const auto& kv : sup_env_) env_exp_["ENV_" + kv.first] = str_value(kv.second);
  }
  if (!str(*s, "user", e, sup_user_, present)) return false;
  if (!str(*s, "umask", e, sup_umask_, present)) return false;
  bool nodaemon;
  if (!boolean(*s, "nodaemon", false, e, nodaemon)) return false;
  if (!str(*s, "directory", e, sup_dir_, present)) return false;
  sup_dir_where_ = where_of(*s, "directory");
  // supervisord sets its umask and changes directory only when it
  // daemonizes; its children inherit both.
  if (nodaemon) {
    sup_dir_.clear();
    sup_umask_.clear();
  }
  return true;
}

bool parse_umask(std::string_view v, std::string& out) {
  v = py_strip(v);
  bool neg = false;
  if (!v.empty() && (v[0] == '+' || v[0] == '-')) {
    neg = v[0] == '-';
    v.remove_prefix(1);
  }
  if (v.size() > 2 && v[0] == '0' && (v[1] == 'o' || v[1] == 'O')) v.remove_prefix(2);
  if (v.empty() || neg) return false;
  uint64_t n = 0;
  for (char c : v) {
    if (c == '_') continue;
    if (c < '0' || c > '7') return false;
    n = n * 8 + uint64_t(c - '0');
    if (n > 0777777) return false;
  }
  char buf[16];
  std::snprintf(buf, sizeof buf, "%03o", unsigned(n & 0777));
  out = buf;
  return true;
}

// The down-signal text for supervisord's stopsignal value; empty when it
// names no signal.
std::string signal_text(std::string_view v) {
  v = py_strip(v);
  if (lib::signal_from_name(v)) return std::string(v);
  std::string u = lower(v);
  if (starts_with(u, "sig")) u = u.substr(3);
  if (u == "cld") return "CHLD";
  if (u == "rtmin") return "34";
  if (u == "rtmax") return "64";
  return "";
}

bool Converter::program(const IniSection& s, const std::string& group) {
  std::string prog(py_strip(std::string_view(s.name).substr(s.name.find(':') + 1)));
  if (prog.find_first_of(" :/") != std::string::npos || prog.empty())
    return d_.fail(s.where, "[" + s.name + "]: invalid program name '" + prog + "'");
  for (const IniKey& k : s.keys)
    if (!one_of(k.name, kProgramKeys)) d_.not_converted(k.where, k.name, "unknown key");

  Expansions common;
  common["program_name"] = str_value(prog);
  common["host_node_name"] = str_value(ctx_.host);
  common["group_name"] = str_value(group);

  int64_t priority, startsecs, startretries, stopwaitsecs, numprocs, numprocs_start;
  bool autostart, stopasgroup, killasgroup, redirect_stderr, any;
  if (!integer(s, "priority", 999, common, priority)) return false;
  if (priority != 999) d_.not_converted(where_of(s, "priority"), "priority", "svscan starts every service at once");
  if (!boolean(s, "autostart", true, common, autostart)) return false;
  std::string v;
  Restart restart = Restart::kUnexpected;
  if (!str(s, "autorestart", common, v, any)) return false;
  if (any) {
    std::string l = lower(v);
    if (l == "yes" || l == "true" || l == "on" || l == "1")
      restart = Restart::kAlways;
    else if (l == "no" || l == "false" || l == "off" || l == "0")
      restart = Restart::kNever;
    else if (l == "unexpected")
      restart = Restart::kUnexpected;
    else
      return d_.fail(where_of(s, "autorestart"), "autorestart: invalid value '" + v + "'");
  }
  if (!integer(s, "startsecs", 1, common, startsecs)) return false;
  if (!integer(s, "startretries", 3, common, startretries)) return false;
  std::string stopsignal;
  if (!str(s, "stopsignal", common, v, any)) return false;
  if (any) {
    stopsignal = signal_text(v);
    if (stopsignal.empty())
      return d_.fail(where_of(s, "stopsignal"), "stopsignal: '" + v + "' is not a valid signal");
  }
  if (!integer(s, "stopwaitsecs", 10, common, stopwaitsecs)) return false;
  if (!boolean(s, "stopasgroup", false, common, stopasgroup)) return false;
  if (!boolean(s, "killasgroup", stopasgroup, common, killasgroup)) return false;
  std::vector<int64_t> exitcodes = {0};
  if (!str(s, "exitcodes", common, v, any)) return false;
  if (any) {
    exitcodes.clear();
    std::string_view rest = v;
    while (!v.empty()) {
      size_t comma = rest.find(',');
      int64_t code;
      if (!py_int(rest.substr(0, comma), code) || code < 0 || code > 255)
        return d_.fail(where_of(s, "exitcodes"), "exitcodes: not a valid list of exit codes: '" + v + "'");
      exitcodes.push_back(code);
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  if (!boolean(s, "redirect_stderr", false, common, redirect_stderr)) return false;
  if (!integer(s, "numprocs", 1, common, numprocs)) return false;
  if (!integer(s, "numprocs_start", 0, common, numprocs_start)) return false;
  for (const char* k : {"stdout", "stderr"}) {
    int64_t capture;
    bool events, syslog;
    std::string key = std::string(k) + "_capture_maxbytes";
    if (!byte_size(s, key.c_str(), 0, common, capture)) return false;
    if (capture) d_.not_converted(where_of(s, key.c_str()), key, "no capture mode: it serves event listeners");
    key = std::string(k) + "_events_enabled";
    if (!boolean(s, key.c_str(), false, common, events)) return false;
    if (events) d_.not_converted(where_of(s, key.c_str()), key, "no event listeners");
    key = std::string(k) + "_syslog";
    if (!boolean(s, key.c_str(), false, common, syslog)) return false;
    if (syslog && !(redirect_stderr && std::string(k) == "stderr"))
      d_.not_converted(where_of(s, key.c_str()), key, "multilog does not write to syslog");
  }
  if (!str(s, "serverurl", common, v, any)) return false;
  if (any && lower(py_strip(v)) != "auto")
    d_.not_converted(where_of(s, "serverurl"), "serverurl", "there is no supervisord to talk to");
  std::string user = sup_user_, umask;
  Where user_where = where_of(s, "user");
  if (!str(s, "user", common, v, any)) return false;
  if (any) user = v;
  if (!user.empty()) {
    int64_t uid;
    if (py_int(user, uid)) {
      passwd* pw = uid >= 0 ? ::getpwuid(uid_t(uid)) : nullptr;
      if (!pw) return d_.fail(user_where, "user: no account has uid " + user);
      user = pw->pw_name;
    } else if (!::getpwnam(user.c_str())) {  // supervisord refuses it too
      return d_.fail(user_where, "user: no such account: " + user);
    }
  }
  std::string umask_text = sup_umask_;
  Where umask_where = where_of(s, "umask");
  if (!str(s, "umask", common, v, any)) return false;
  if (any) umask_text = v;
  if (!umask_text.empty() && !parse_umask(umask_text, umask))
    return d_.fail(umask_where, "umask: '" + umask_text + "' can not be converted to an octal type");

  const IniKey* pn = ini_.get(s, "process_name");
  std::string process_name = pn ? pn->value : "%(program_name)s";
  Where name_where = pn ? pn->where : s.where;
  std::string_view stripped = py_strip(process_name);
  if (stripped.find_first_of(" :/") != std::string_view::npos)
    return d_.fail(name_where, "process_name: invalid name '" + process_name + "'");
  process_name = std::string(stripped);
  if (numprocs > 1 && process_name.find("%(process_num)") == std::string::npos)
    return d_.fail(pn ? name_where : where_of(s, "numprocs"),
                   "numprocs: %(process_num) must be present within process_name when numprocs > 1");
  if (stopasgroup && !killasgroup)
    return d_.fail(where_of(s, "killasgroup"), "killasgroup: cannot be false with stopasgroup=true");
  const IniKey* envk = ini_.get(s, "environment");

  for (int64_t num = numprocs_start; num < numprocs_start + numprocs; ++num) {
    Spec sp;
    sp.where = s.where;
    Expansions e = common;
    e["process_num"] = int_value(num);
    e["numprocs"] = int_value(numprocs);
    sp.env = sup_env_;
    if (envk) {
      std::string text, why;
      if (!expand(*envk, e, text)) return false;
      EnvList penv;
      if (!parse_env_pairs(text, penv, why)) return d_.fail(envk->where, "environment: " + why);
      for (const auto& kv : penv) {
        env_set(sp.env, kv.first, kv.second);
        e["ENV_" + kv.first] = str_value(kv.second);
      }
    }
    for (const auto& kv : sp.env) {
      std::string text;
      const IniSection* sup = ini_.find("supervisord");
      Where w = envk ? envk->where : sup ? where_of(*sup, "environment") : s.where;
      if (!valid_dir_name(kv.first) || kv.first.find('=') != std::string::npos)
        return d_.fail(w, "environment: '" + kv.first + "' is not a valid variable name");
      if (!env_file(kv.second, text))
        return d_.fail(w, "environment: the value of " + kv.first +
                              " ends in white space, which envdir would drop");
    }
    {
      Expansions all = env_exp_;
      for (const auto& kv : e) all[kv.first] = kv.second;
      all["here"] = str_value(here_of(name_where.file));
      std::string why;
      if (!py_format(process_name, all, sp.name, why)) return d_.fail(name_where, "process_name: " + why);
    }
    if (!valid_dir_name(sp.name) || sp.name.find_first_of(" :") != std::string::npos)
      return d_.fail(name_where, "process_name: '" + sp.name + "' is not a valid directory name");

    // directory
    if (!str(s, "directory", e, v, any)) return false;
    if (any) {
      sp.directory = v;  // (supervisord does not expand ~ here)
      if (!sp.directory.empty() && sp.directory[0] != '/')
        d_.warn(where_of(s, "directory"),
                "directory: relative to supervisord's working directory, here to the service directory");
    } else if (!sup_dir_.empty()) {
      sp.directory = expand_user(sup_dir_, ctx_);
    }
    sp.user = user;
    sp.umask = umask;
    sp.down = !autostart;
    sp.down_signal = stopsignal;
    sp.timeout_kill = stopwaitsecs > 0 ? std::min(stopwaitsecs * 1000, kMaxMillis) : 1;
    sp.setsid = stopasgroup || killasgroup;
    // autorestart and exitcodes apply once a process has run startsecs;
    // an earlier death is a failed start, retried startretries times, then
    // FATAL: start-retries, with startsecs as restart-stable.
    if (restart == Restart::kNever) {
      sp.no_restart = no_restart_all();
    } else if (restart == Restart::kUnexpected) {
      for (int64_t c : exitcodes) {
        std::string w = std::to_string(c);
        if (!sp.no_restart.empty()) sp.no_restart += ' ';
        sp.no_restart += w;
      }
    }
    if (startsecs > 0) {
      int64_t n = startretries;
      if (n > kMaxStartRetries) {
        n = kMaxStartRetries;
        if (num == numprocs_start)
          d_.warn(where_of(s, "startretries"), "startretries: converted as " + std::to_string(n) + " (start-retries' largest)");
      }
      sp.start_retries = int(n);
      sp.restart_stable = std::min(startsecs * 1000, kMaxMillis);
      // supervisord waits 1 s, 2 s, 3 s... between failed starts; ours
      // doubles from 1 s up to this (the same for up to 3 retries).
      sp.restart_delay_max = (n > 0 ? n : 1) * 1000;
    }

    // Output. stdout first: where stderr may go depends on it.
    int64_t maxbytes, backups;
    if (!byte_size(s, "stdout_logfile_maxbytes", 50 * 1024 * 1024, e, maxbytes)) return false;
    if (!integer(s, "stdout_logfile_backups", 10, e, backups)) return false;
    LogKind kind = LogKind::kAuto;
    std::string path;
    const IniKey* lf = ini_.get(s, "stdout_logfile");
    if (lf) {
      if (!expand(*lf, e, path)) return false;
      std::string l = lower(path);
      kind = l == "none" || l == "off" ? LogKind::kNone
             : l == "auto"             ? LogKind::kAuto
             : l == "syslog"           ? LogKind::kSyslog
                                       : LogKind::kPath;
    }
    if (kind == LogKind::kPath) path = expand_user(path, ctx_);
    if (kind == LogKind::kNone || (kind == LogKind::kPath && path == "/dev/null")) {
      sp.out = Out::kNull;
    } else if (kind == LogKind::kSyslog) {
      sp.out = Out::kInherit;
      if (num == numprocs_start) d_.not_converted(lf->where, "stdout_logfile", "multilog does not write to syslog");
    } else if (kind == LogKind::kPath && path == "/dev/stdout") {
      sp.out = Out::kInherit;
    } else if (kind == LogKind::kPath && path == "/dev/stderr") {
      sp.out = Out::kStderr;
    } else {
      sp.out = Out::kLog;
      if (kind == LogKind::kPath) {
        if (has_dotdot(path)) return d_.fail(lf->where, "stdout_logfile: '" + path + "' has a .. component");
        if (path[0] != '/') {
          if (num == numprocs_start)
            d_.warn(lf->where, "stdout_logfile: relative to supervisord's working directory, here to "
                               "the configuration file's");
          path = join_path(here_of(lf->where.file), path);
        }
        sp.log_dir = norm_path(path);
        sp.log_where = lf->where;
      }
      Where mw = where_of(s, "stdout_logfile_maxbytes");
      if (maxbytes <= 0) {
        sp.log_size = kLogSizeMax;
        if (num == numprocs_start)
          d_.warn(mw, "stdout_logfile_maxbytes: converted as " + std::to_string(kLogSizeMax) +
                          " (multilog always rotates)");
      } else if (uint64_t(maxbytes) > kLogSizeMax) {
        sp.log_size = kLogSizeMax;
        if (num == numprocs_start)
          d_.warn(mw, "stdout_logfile_maxbytes: converted as " + std::to_string(kLogSizeMax) +
                          " (multilog's largest)");
      } else if (uint64_t(maxbytes) < kLogSizeMin) {
        sp.log_size = kLogSizeMin;
        if (num == numprocs_start)
          d_.warn(mw, "stdout_logfile_maxbytes: converted as " + std::to_string(kLogSizeMin) +
                          " (multilog's smallest)");
      } else {
        sp.log_size = uint64_t(maxbytes);
      }
      sp.log_num = backups + 1;
      if (sp.log_num < kLogNumMin) {
        sp.log_num = kLogNumMin;
        if (num == numprocs_start)
          d_.warn(where_of(s, "stdout_logfile_backups"),
                  "stdout_logfile_backups: converted as 1 (multilog keeps one old file at least)");
      }
    }

    if (redirect_stderr) {
      sp.err = Err::kStdout;
    } else if (const IniKey* ef = ini_.get(s, "stderr_logfile")) {
      std::string epath;
      if (!expand(*ef, e, epath)) return false;
      std::string l = lower(epath);
      epath = expand_user(epath, ctx_);
      if (l == "none" || l == "off" || epath == "/dev/null") {
        sp.err = Err::kNull;
      } else if (epath == "/dev/stderr") {
        sp.err = Err::kInherit;
      } else if (epath == "/dev/stdout" && sp.out == Out::kInherit) {
        sp.err = Err::kStdout;
      } else if (num == numprocs_start) {
        d_.not_converted(ef->where, "stderr_logfile",
                         "multilog logs one stream: stderr goes to supervise's; "
                         "redirect_stderr=true would log it with stdout");
      }
    }

    // command
    const IniKey* cmd = ini_.get(s, "command");
    if (!cmd) return d_.fail(s.where, "[" + s.name + "]: no command= setting");
    std::string command, why;
    if (!expand(*cmd, e, command)) return false;
    if (!shlex_split(command, sp.argv, why)) return d_.fail(cmd->where, "command: " + why);
    if (sp.argv.empty()) return d_.fail(cmd->where, "command: empty");
    out_.push_back(std::move(sp));
  }
  return true;
}

bool Converter::run(const std::string& path) {
  main_ = path;
  if (!read(path)) return false;
  for (const auto& kv : ctx_.environ) env_exp_["ENV_" + kv.first] = str_value(kv.second);
  // supervisord reads the included files before it looks at any section.
  if (!includes()) return false;
  if (!supervisord_section()) return false;
  if (!duplicates()) return false;
  // Programs named by a [group:] belong to it (%(group_name)s).
  std::vector<std::pair<std::string, std::string>> group_of;
  for (const IniSection& s : ini_.sections) {
    if (!starts_with(s.name, "group:")) continue;
    std::string gname(py_strip(std::string_view(s.name).substr(6)));
    d_.not_converted(s.where, "[" + s.name + "]", "svscan has no groups: its programs become separate services");
    for (const IniKey& k : s.keys)
      if (k.name != "programs" && k.name != "priority") d_.not_converted(k.where, k.name, "unknown key");
    const IniKey* progs = ini_.get(s, "programs");
    std::string list;
    if (progs && !expand(*progs, {}, list)) return false;
    std::string_view rest = list;
    while (!rest.empty()) {
      size_t comma = rest.find(',');
      std::string p(py_strip(rest.substr(0, comma)));
      if (!ini_.find("program:" + p) && !ini_.find("fcgi-program:" + p))
        return d_.fail(progs->where, "programs: [" + s.name + "] names unknown program " + p);
      group_of.emplace_back(p, gname);
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  for (const IniSection& s : ini_.sections) {
    const std::string& n = s.name;
    if (starts_with(n, "program:")) {
      std::string prog(py_strip(std::string_view(n).substr(8)));
      std::string group = prog;
      for (const auto& g : group_of)
        if (g.first == prog) group = g.second;
      if (!program(s, group)) return false;
    } else if (n == "supervisord" || n == "include" || starts_with(n, "group:") || n == "supervisorctl" ||
               n == "unix_http_server" || n == "rpcinterface:supervisor") {
      // converted above, or supervisorctl's plumbing (svc and svstat need none)
    } else if (n == "inet_http_server") {
      d_.not_converted(s.where, "[" + n + "]", "no control over the network: see svweb(8)");
    } else if (starts_with(n, "eventlistener:")) {
      d_.not_converted(s.where, "[" + n + "]", "no event listeners: see the essential and finish files");
    } else if (starts_with(n, "fcgi-program:")) {
      d_.not_converted(s.where, "[" + n + "]", "no socket passing");
    } else if (starts_with(n, "rpcinterface:") || starts_with(n, "ctlplugin:")) {
      d_.not_converted(s.where, "[" + n + "]", "no plugins");
    } else {
      d_.not_converted(s.where, "[" + n + "]", "unknown section");
    }
  }
  return true;
}

}  // namespace

bool convert_supervisord(const std::string& path, const Context& ctx, std::vector<Spec>& out, Diag& d) {
  Converter c(ctx, out, d);
  return c.run(path);
}

}  // namespace svimport
