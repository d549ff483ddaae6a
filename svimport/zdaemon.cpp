#include "svimport/zdaemon.hpp"

#include <errno.h>
#include <pwd.h>

#include <algorithm>
#include <cctype>
#include <map>

namespace svimport {
namespace {

constexpr int kMaxIncludeDepth = 10;

std::string lower(std::string_view s) {
  std::string r(s);
  for (char& c : r) c = char(std::tolower(static_cast<unsigned char>(c)));
  return r;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

std::string_view strip(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

bool name_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

class Parser {
 public:
  Parser(const Context& ctx, ZSection& root, Diag& d) : ctx_(ctx), d_(d) { stack_.push_back(&root); }
  bool file(const std::string& path, int depth);
  bool finish() {
    if (stack_.size() > 1) {
      const ZSection* open = stack_.back();
      return d_.fail(open->where, "<" + open->type + "> is not closed");
    }
    return true;
  }

 private:
  bool line(std::string_view l, const Where& w, const std::string& path, int depth);
  bool substitute(std::string_view s, const Where& w, std::string& out);

  const Context& ctx_;
  Diag& d_;
  std::vector<ZSection*> stack_;
  std::map<std::string, std::string> defines_;
};

bool Parser::substitute(std::string_view s, const Where& w, std::string& out) {
  out.clear();
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '$') {
      out += s[i];
      continue;
    }
    if (++i == s.size()) return d_.fail(w, "'$' must be followed by '$', '{', '(' or a name");
    if (s[i] == '$') {
      out += '$';
      continue;
    }
    if (s[i] == '(') {
      size_t end = s.find(')', i);
      if (end == std::string_view::npos) return d_.fail(w, "'$(' without ')'");
      std::string name(s.substr(i + 1, end - i - 1));
      const std::string* v = ctx_.getenv(name);
      if (!v) return d_.fail(w, "environment variable " + name + " is not set");
      out += *v;
      i = end;
      continue;
    }
    std::string name;
    if (s[i] == '{') {
      size_t end = s.find('}', i);
      if (end == std::string_view::npos) return d_.fail(w, "'${' without '}'");
      name = std::string(s.substr(i + 1, end - i - 1));
      i = end;
    } else if (name_start(s[i])) {
      size_t j = i;
      while (j < s.size() && name_char(s[j])) ++j;
      name = std::string(s.substr(i, j - i));
      i = j - 1;
    } else {
      return d_.fail(w, "'$' must be followed by '$', '{', '(' or a name");
    }
    auto it = defines_.find(lower(name));
    if (it == defines_.end()) return d_.fail(w, "undefined name '" + name + "'");
    out += it->second;
  }
  return true;
}

bool Parser::line(std::string_view l, const Where& w, const std::string& path, int depth) {
  l = strip(l);
  if (l.empty() || l.front() == '#') return true;
  ZSection& cur = *stack_.back();
  if (l.front() == '%') {
    l.remove_prefix(1);
    size_t sp = 0;
    while (sp < l.size() && !is_space(l[sp])) ++sp;
    std::string directive = lower(l.substr(0, sp));
    std::string_view rest = strip(l.substr(sp));
    if (directive == "define") {
      size_t ns = 0;
      while (ns < rest.size() && !is_space(rest[ns])) ++ns;
      std::string name = lower(rest.substr(0, ns));
      if (name.empty() || !name_start(name[0]) || !std::all_of(name.begin(), name.end(), name_char))
        return d_.fail(w, "%define needs a name");
      std::string value;
      if (!substitute(strip(rest.substr(ns)), w, value)) return false;
      if (defines_.count(name)) return d_.fail(w, "%define: " + name + " is already defined");
      defines_[name] = value;
      return true;
    }
    if (directive == "include") {
      std::string target;
      if (!substitute(rest, w, target)) return false;
      if (target.empty()) return d_.fail(w, "%include needs a file");
      if (depth >= kMaxIncludeDepth) return d_.fail(w, "%include nested too deep");
      return file(join_path(dir_name(path), target), depth + 1);
    }
    if (directive == "import") return true;
    return d_.fail(w, "unknown directive %" + directive);
  }
  if (l.front() == '<') {
    if (l.back() != '>') return d_.fail(w, "unterminated section header");
    std::string_view inner = strip(l.substr(1, l.size() - 2));
    if (!inner.empty() && inner.front() == '/') {
      std::string type = lower(strip(inner.substr(1)));
      if (stack_.size() == 1) return d_.fail(w, "</" + type + "> closes no section");
      if (type != cur.type)
        return d_.fail(w, "</" + type + "> closes <" + cur.type + "> (opened at " + cur.where.str() + ")");
      stack_.pop_back();
      return true;
    }
    bool empty = !inner.empty() && inner.back() == '/';
    if (empty) inner = strip(inner.substr(0, inner.size() - 1));
    size_t sp = 0;
    while (sp < inner.size() && !is_space(inner[sp])) ++sp;
    ZSection s;
    s.type = lower(inner.substr(0, sp));
    if (s.type.empty()) return d_.fail(w, "a section without a type");
    if (!substitute(strip(inner.substr(sp)), w, s.name)) return false;
    s.where = w;
    cur.children.push_back(std::move(s));
    if (!empty) stack_.push_back(&cur.children.back());
    return true;
  }
  size_t k = 0;
  while (k < l.size() && !is_space(l[k]) && l[k] != '=') ++k;
  if (k == 0) return d_.fail(w, "a value without a key");
  ZKey key;
  key.name = std::string(l.substr(0, k));
  std::string_view rest = l.substr(k);
  while (!rest.empty() && is_space(rest.front())) rest.remove_prefix(1);
  if (!rest.empty() && rest.front() == '=') rest = strip(rest.substr(1));
  if (!substitute(rest, w, key.value)) return false;
  key.where = w;
  cur.keys.push_back(std::move(key));
  return true;
}

bool Parser::file(const std::string& path, int depth) {
  std::string text;
  if (!(ctx_.read ? ctx_.read : read_text)(path, text)) {
    d_.sys_errno = errno;
    d_.error = "unable to read " + path;
    return false;
  }
  // A section pointer stays valid while its parent gets no new child: a
  // child is only added to the innermost open section.
  int lineno = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t nl = text.find('\n', i);
    if (nl == std::string::npos) nl = text.size();
    ++lineno;
    if (!line(std::string_view(text).substr(i, nl - i), Where{path, lineno}, path, depth)) return false;
    i = nl + 1;
  }
  return true;
}

bool zboolean(const ZKey& k, bool& out, Diag& d) {
  std::string l = lower(strip(k.value));
  if (l == "on" || l == "true" || l == "yes") {
    out = true;
  } else if (l == "off" || l == "false" || l == "no") {
    out = false;
  } else {
    return d.fail(k.where, k.name + ": not a boolean: '" + k.value + "'");
  }
  return true;
}

bool zinteger(const ZKey& k, int64_t& out, Diag& d) {
  if (!py_int(k.value, out)) return d.fail(k.where, k.name + ": not an integer: '" + k.value + "'");
  return true;
}

// Octal umask text, as zdoptions.octal_type reads it.
bool zumask(const ZKey& k, std::string& out, Diag& d) {
  std::string_view v = strip(k.value);
  if (v.size() > 2 && v[0] == '0' && (v[1] == 'o' || v[1] == 'O')) v.remove_prefix(2);
  unsigned n = 0;
  if (v.empty()) return d.fail(k.where, k.name + ": not an octal number: '" + k.value + "'");
  for (char c : v) {
    if (c < '0' || c > '7' || n > 077777) return d.fail(k.where, k.name + ": not an octal number: '" + k.value + "'");
    n = n * 8 + unsigned(c - '0');
  }
  char buf[8];
  std::snprintf(buf, sizeof buf, "%03o", n & 0777);
  out = buf;
  return true;
}

// zdctl's own plumbing: nothing of the service's.
constexpr const char* kZdctlOwn[] = {"socket-name", "python",  "zdrun", "default-to-interactive",
                                     "hang-around", "logfile", "prompt"};

}  // namespace

bool zconfig_parse(const std::string& path, const Context& ctx, ZSection& root, Diag& d) {
  Parser p(ctx, root, d);
  return p.file(path, 0) && p.finish();
}

bool convert_zdaemon(const std::string& path, const Context& ctx, std::vector<Spec>& out, Diag& d) {
  ZSection root;
  if (!zconfig_parse(path, ctx, root, d)) return false;
  const ZSection* runner = nullptr;
  Spec sp;
  sp.umask = "022";  // zdaemon's default, set when it daemonizes
  for (const ZKey& k : root.keys) d.not_converted(k.where, k.name, "unknown key");
  for (const ZSection& s : root.children) {
    if (s.type == "runner") {
      if (runner) return d.fail(s.where, "a second <runner> (the first at " + runner->where.str() + ")");
      runner = &s;
    } else if (s.type == "environment") {
      for (const ZKey& k : s.keys) {
        std::string text;
        if (!valid_dir_name(k.name) || k.name.find('=') != std::string::npos)
          return d.fail(k.where, "'" + k.name + "' is not a valid variable name");
        if (!env_file(k.value, text))
          return d.fail(k.where, k.name + ": the value ends in white space, which envdir would drop");
        env_set(sp.env, k.name, k.value);
      }
      for (const ZSection& c : s.children) d.not_converted(c.where, "<" + c.type + ">", "unknown section");
    } else if (s.type == "eventlog") {
      // zdaemon's own log
    } else {
      d.not_converted(s.where, "<" + s.type + ">", "not a section of zdaemon's");
    }
  }
  if (!runner) return d.fail(Where{path, 1}, "no <runner> section");
  const ZSection& r = *runner;
  std::string base = path.substr(path.rfind('/') + 1);
  size_t dot = base.rfind('.');
  if (dot != std::string::npos && dot > 0) base.resize(dot);
  sp.name = r.name.empty() ? base : r.name;
  sp.where = r.where;
  if (!valid_dir_name(sp.name))
    return d.fail(r.where, "'" + sp.name + "' is not a valid directory name (name the <runner> section)");

  const ZKey* program = nullptr;
  int64_t backoff = 10, stop_timeout = 300;
  bool forever = false;
  std::vector<int64_t> exit_codes = {0, 2};
  const ZKey* transcript = nullptr;
  const ZKey* backoff_key = nullptr;
  for (const ZKey& k : r.keys) {
    std::string n = lower(k.name);
    if (n == "program") {
      program = &k;
    } else if (n == "directory") {
      sp.directory = std::string(strip(k.value));
      if (!sp.directory.empty() && sp.directory[0] != '/')
        d.warn(k.where, "directory: relative to zdaemon's working directory, here to the service directory");
    } else if (n == "user") {
      sp.user = std::string(strip(k.value));
      int64_t uid;
      if (py_int(sp.user, uid)) {
        passwd* pw = uid >= 0 ? ::getpwuid(uid_t(uid)) : nullptr;
        if (!pw) return d.fail(k.where, "user: no account has uid " + sp.user);
        sp.user = pw->pw_name;
      } else if (!::getpwnam(sp.user.c_str())) {
        return d.fail(k.where, "user: no such account: " + sp.user);
      }
    } else if (n == "umask") {
      if (!zumask(k, sp.umask, d)) return false;
    } else if (n == "backoff-limit") {
      if (!zinteger(k, backoff, d)) return false;
      backoff_key = &k;
    } else if (n == "forever") {
      if (!zboolean(k, forever, d)) return false;
    } else if (n == "exit-codes") {
      exit_codes.clear();
      std::string_view rest = k.value;
      while (!strip(k.value).empty()) {
        size_t comma = rest.find(',');
        int64_t c;
        if (!py_int(rest.substr(0, comma), c) || c < 0 || c > 255)
          return d.fail(k.where, k.name + ": not a list of exit codes: '" + k.value + "'");
        exit_codes.push_back(c);
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
      }
    } else if (n == "transcript") {
      transcript = &k;
    } else if (n == "start-test-program") {
      sp.ready_test = std::string(strip(k.value));
    } else if (n == "start-timeout") {
      d.not_converted(k.where, k.name, "timeout-ready would restart the service, zdaemon only reports");
    } else if (n == "stop-timeout") {
      if (!zinteger(k, stop_timeout, d)) return false;
    } else if (n == "daemon") {
      bool daemon;
      if (!zboolean(k, daemon, d)) return false;
      if (!daemon) d.not_converted(k.where, k.name, "a service always runs detached");
    } else if (std::find(std::begin(kZdctlOwn), std::end(kZdctlOwn), n) != std::end(kZdctlOwn)) {
      // zdctl's plumbing: svc and svstat need none
    } else {
      d.not_converted(k.where, k.name, "unknown key");
    }
  }
  for (const ZSection& c : r.children)
    if (c.type != "eventlog") d.not_converted(c.where, "<" + c.type + ">", "unknown section");
  if (!program) return d.fail(r.where, "<runner> has no program");
  for (size_t i = 0; i < program->value.size();) {
    while (i < program->value.size() && std::isspace(static_cast<unsigned char>(program->value[i]))) ++i;
    size_t j = i;
    while (j < program->value.size() && !std::isspace(static_cast<unsigned char>(program->value[j]))) ++j;
    if (j > i) sp.argv.push_back(program->value.substr(i, j - i));
    i = j;
  }
  if (sp.argv.empty()) return d.fail(program->where, "program: empty");

  // Output: the transcript gets stdout and stderr; without one both are
  // discarded (in daemon mode, zdaemon's default).
  sp.err = Err::kStdout;
  if (!transcript) {
    sp.out = Out::kNull;
  } else {
    std::string t(strip(transcript->value));
    if (t == "/dev/null") {
      sp.out = Out::kNull;
    } else if (t == "/dev/stdout") {
      sp.out = Out::kInherit;
    } else if (t == "/dev/stderr") {
      sp.out = Out::kStderr;
    } else {
      if (has_dotdot(t)) return d.fail(transcript->where, "transcript: '" + t + "' has a .. component");
      if (t.empty()) return d.fail(transcript->where, "transcript: empty");
      if (t[0] != '/') {
        d.warn(transcript->where,
               "transcript: relative to zdaemon's working directory, here to the configuration file's");
        t = join_path(dir_name(norm_path(join_path(ctx.cwd, path))), t);
      }
      sp.out = Out::kLog;
      sp.log_dir = norm_path(t);
      sp.log_where = transcript->where;
      sp.log_size = 50 * 1024 * 1024;
      sp.log_num = 11;
    }
  }

  // Restarts: exit codes listed stop it for good (forever or not); a
  // death within backoff-limit seconds of its start is quick: pauses of
  // 1, 2, 3... s, and the backoff-limit-th quick death in a row ends
  // zdaemon (unless forever).
  if (!exit_codes.empty()) {
    for (int64_t c : exit_codes) {
      if (!sp.no_restart.empty()) sp.no_restart += ' ';
      sp.no_restart += std::to_string(c);
    }
  }
  if (backoff > 0) {
    int64_t quick = std::min(backoff, kMaxMillis / 1000);
    sp.restart_stable = quick * 1000;
    if (forever) {
      sp.restart_delay_max = quick * 1000;
    } else {
      int64_t n = backoff;
      Where w = backoff_key ? backoff_key->where : r.where;
      if (n < 2) {
        n = 2;
        d.warn(w, "backoff-limit: give-up converted as 2 deaths (give-up counts every death, long runs "
                  "too: with 1, one crash would stop the service for good)");
      } else if (n > 64) {
        n = 64;
        d.warn(w, "backoff-limit: give-up converted as 64 deaths (give-up counts at most 64)");
      }
      sp.give_up_n = int(n);
      sp.restart_delay_max = std::max<int64_t>(1, n - 1) * 1000;
      sp.give_up_t = std::min(give_up_window(int(n), quick, sp.restart_delay_max), kMaxMillis / 1000);
    }
  }
  sp.timeout_kill = stop_timeout > 0 ? std::min(stop_timeout * 1000, kMaxMillis) : 1;
  out.push_back(std::move(sp));
  return true;
}

}  // namespace svimport
