#include "lib/service_report.hpp"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

#include "lib/err.hpp"
#include "lib/num.hpp"

namespace lib {
namespace {

void num(Writer& out, uint64_t n) {
  char b[24];
  out.put(std::string_view(b, format_u64(b, n)));
}

uint64_t since(const Tai64n& t, const Tai64n& now) {
  return now.sec > t.sec ? now.sec - t.sec : 0;
}

const char* policy_name(XState s) {
  switch (s) {
    case XState::kDown: return "down";
    case XState::kUp: return "up";
    case XState::kFinishing: return "finishing";
    case XState::kBackoff: return "backoff";
    case XState::kFailed: return "failed";
    case XState::kPermanentlyDown: return "permanently_down";
    case XState::kNotRestarted: return "not_restarted";
    case XState::kPending: return "pending";
  }
  return "unknown";
}

const char* want_name(unsigned char w) { return w == 'u' ? "up" : w == 'd' ? "down" : "once"; }

bool ready(const ServiceReport& r) {
  if (!r.snap.status.pid) return false;
  return !r.snap.extended || r.snap.x.ready_when.sec != 0;
}

bool has_exit(const ServiceReport& r) { return r.snap.extended && r.snap.x.exit_code != kNoExit; }

uint64_t backoff_left(const XStatus& x, const Tai64n& now) {
  if (x.state != XState::kBackoff) return 0;
  if (x.backoff_until.sec < now.sec) return 0;
  uint64_t left = x.backoff_until.sec - now.sec;
  if (x.backoff_until.nano > now.nano) ++left;
  return left;
}

std::string_view text(const XStatus& x) { return std::string_view(x.text, x.text_len); }

// Length of the valid UTF-8 sequence at s[i], 0 if invalid.
size_t utf8_len(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  size_t n;
  uint32_t min;
  if (c < 0x80) return 1;
  if ((c & 0xe0) == 0xc0) n = 2, min = 0x80;
  else if ((c & 0xf0) == 0xe0) n = 3, min = 0x800;
  else if ((c & 0xf8) == 0xf0) n = 4, min = 0x10000;
  else return 0;
  if (i + n > s.size()) return 0;
  uint32_t cp = c & (0x7f >> n);
  for (size_t k = 1; k < n; ++k) {
    unsigned char d = static_cast<unsigned char>(s[i + k]);
    if ((d & 0xc0) != 0x80) return 0;
    cp = cp << 6 | (d & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return n;
}

}  // namespace

void put_json_string(Writer& out, std::string_view s) {
  out.put('"');
  put_json_chars(out, s);
  out.put('"');
}

void put_json_chars(Writer& out, std::string_view s) {
  static const char hex[] = "0123456789abcdef";
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c == '\\') {
      out.put('\\');
      out.put(char(c));
      ++i;
    } else if (c < 0x20 || c == 0x7f) {
      char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
      out.put(std::string_view(e, 6));
      ++i;
    } else if (size_t n = utf8_len(s, i)) {
      out.put(s.substr(i, n));
      i += n;
    } else {
      out.put("\\ufffd");
      ++i;
    }
  }
}

void report_line(Writer& out, const ServiceReport& r, const Tai64n& now) {
  if (!r.ok) {
    out.put(r.error);
    return;
  }
  char line[256];
  size_t n = status_describe(r.snap.status, r.normally_up, now.sec, line, sizeof line);
  if (r.snap.extended)
    n += xstatus_describe(r.snap.x, r.snap.status.pid != 0, now, line + n, sizeof line - n);
  out.put(std::string_view(line, n));
}

void report_long(Writer& out, const ServiceReport& r, const Tai64n& now) {
  out.put(r.dir);
  out.put(": ");
  report_line(out, r, now);
  out.put('\n');
  if (!r.ok) return;
  const Status& s = r.snap.status;
  const XStatus& x = r.snap.x;
  auto field = [&](const char* name) {
    out.put("  ");
    out.put(name);
    out.put(": ");
  };
  field("state");
  out.put(s.pid ? "up" : "down");
  if (s.pid) {
    out.put(" (pid ");
    num(out, s.pid);
    out.put(')');
  }
  out.put(", ");
  num(out, since(s.when, now));
  out.put(" seconds\n");
  field("want");
  out.put(want_name(s.want));
  out.put('\n');
  field("paused");
  out.put(s.pid && s.paused ? "yes\n" : "no\n");
  field("normally");
  out.put(r.normally_up ? "up\n" : "down\n");
  field("ready");
  if (!ready(r)) out.put("no\n");
  else if (!r.snap.extended) out.put("yes (up, no readiness protocol known)\n");
  else {
    num(out, since(x.ready_when, now));
    out.put(" seconds\n");
  }
  if (!r.snap.extended) {
    out.put("  (no supervise/xstatus: 0.76's supervise)\n");
    return;
  }
  field("last exit");
  if (!has_exit(r)) {
    out.put("none\n");
  } else {
    if (x.exit_code == 256) {
      out.put("signal ");
      const char* nm = ::sigabbrev_np(x.exit_signal);
      if (nm) out.put(nm); else num(out, x.exit_signal);
    } else {
      out.put("code ");
      num(out, x.exit_code);
    }
    out.put(", ");
    num(out, since(x.exit_when, now));
    out.put(" seconds ago\n");
  }
  field("restarts");
  num(out, x.restarts);
  out.put('\n');
  field("policy");
  out.put(policy_name(x.state));
  if (x.state == XState::kBackoff) {
    out.put(", next start in ");
    num(out, backoff_left(x, now));
    out.put(" seconds");
  }
  out.put(", quick deaths ");
  num(out, x.deaths);
  out.put('\n');
  field("failed checks");
  num(out, x.check_failures);
  out.put('\n');
  field("status text");
  put_json_string(out, text(x));
  out.put('\n');
}

void report_json(Writer& out, const ServiceReport& r, const Tai64n& now) {
  out.put("{\"dir\": ");
  put_json_string(out, r.dir);
  out.put(", \"supervised\": ");
  out.put(r.supervised ? "true" : "false");
  if (!r.ok) {
    out.put(", \"error\": ");
    put_json_string(out, r.error);
    out.put('}');
    return;
  }
  const Status& s = r.snap.status;
  const XStatus& x = r.snap.x;
  bool ext = r.snap.extended;
  auto key = [&](const char* k) {
    out.put(", \"");
    out.put(k);
    out.put("\": ");
  };
  auto opt = [&](bool have, uint64_t v) {
    if (have) num(out, v); else out.put("null");
  };
  key("pid");
  opt(s.pid != 0, s.pid);
  key("state");
  out.put(s.pid ? "\"up\"" : "\"down\"");
  key("want");
  out.put('"');
  out.put(want_name(s.want));
  out.put('"');
  key("paused");
  out.put(s.pid && s.paused ? "true" : "false");
  key("normally_up");
  out.put(r.normally_up ? "true" : "false");
  key("seconds");
  num(out, since(s.when, now));
  key("ready");
  out.put(ready(r) ? "true" : "false");
  key("ready_seconds");
  opt(ready(r), ext ? since(x.ready_when, now) : since(s.when, now));
  key("exit_code");
  opt(has_exit(r) && x.exit_code != 256, x.exit_code);
  key("exit_signal");
  opt(has_exit(r) && x.exit_code == 256, x.exit_signal);
  key("exit_seconds");
  opt(has_exit(r), since(x.exit_when, now));
  key("restarts");
  opt(ext, x.restarts);
  key("policy");
  if (ext) {
    out.put('"');
    out.put(policy_name(x.state));
    out.put('"');
  } else {
    out.put("null");
  }
  key("quick_deaths");
  opt(ext, x.deaths);
  key("backoff_seconds");
  opt(ext && x.state == XState::kBackoff, backoff_left(x, now));
  key("check_failures");
  opt(ext, x.check_failures);
  key("status_text");
  if (ext) put_json_string(out, text(x)); else out.put("null");
  out.put('}');
}

namespace {

// A label value: backslash, double quote and newline escaped.
void prom_label(Writer& out, std::string_view dir) {
  out.put("{dir=\"");
  for (char c : dir) {
    if (c == '\\' || c == '"') {
      out.put('\\');
      out.put(c);
    } else if (c == '\n') {
      out.put("\\n");
    } else {
      out.put(c);
    }
  }
  out.put("\"} ");
}

}  // namespace

void report_prom(Writer& out, const ServiceReport* r, size_t n, const Tai64n& now) {
  struct Metric {
    const char* name;
    const char* type;
    const char* help;
  };
  static const Metric kMetrics[] = {
      {"svc_supervised", "gauge", "1 if a supervise runs for the service"},
      {"svc_up", "gauge", "1 if ./run runs"},
      {"svc_ready", "gauge", "1 if ./run is up and ready"},
      {"svc_seconds", "gauge", "seconds since ./run last started or exited"},
      {"svc_want_up", "gauge", "1 if supervise wants ./run up"},
      {"svc_restarts_total", "counter", "starts of ./run since supervise started, less one"},
      {"svc_last_exit_code", "gauge", "last exit code of ./run, 256 if killed by a signal"},
      {"svc_last_exit_signal", "gauge", "signal that last killed ./run, 0 after an exit"},
      {"svc_check_failures", "gauge", "consecutive failed checks"},
  };
  for (size_t m = 0; m < sizeof kMetrics / sizeof kMetrics[0]; ++m) {
    const Metric& k = kMetrics[m];
    out.put("# HELP ");
    out.put(k.name);
    out.put(' ');
    out.put(k.help);
    out.put("\n# TYPE ");
    out.put(k.name);
    out.put(' ');
    out.put(k.type);
    out.put('\n');
    for (size_t i = 0; i < n; ++i) {
      const ServiceReport& s = r[i];
      if (m > 0 && !s.ok) continue;
      const XStatus& x = s.snap.x;
      bool ext = s.snap.extended;
      uint64_t v;
      switch (m) {
        case 0: v = s.supervised; break;
        case 1: v = s.snap.status.pid != 0; break;
        case 2: v = ready(s); break;
        case 3: v = since(s.snap.status.when, now); break;
        case 4: v = s.snap.status.want == 'u'; break;
        case 5: if (!ext) continue; v = x.restarts; break;
        case 6: if (!has_exit(s)) continue; v = x.exit_code; break;
        case 7: if (!has_exit(s)) continue; v = x.exit_signal; break;
        default: if (!ext) continue; v = x.check_failures; break;
      }
      out.put(k.name);
      prom_label(out, s.dir);
      num(out, v);
      out.put('\n');
    }
  }
}

}  // namespace lib

namespace lib {

void report_error(ServiceReport& r, std::string_view what, std::string_view why) noexcept {
  size_t n = 0;
  auto add = [&](std::string_view p) {
    size_t k = p.size() < sizeof r.error - 1 - n ? p.size() : sizeof r.error - 1 - n;
    std::memcpy(r.error + n, p.data(), k);
    n += k;
  };
  add(what);
  add(why);
  r.error[n] = '\0';
}

void report_describe(int dirfd, ServiceReport& r) noexcept {
  struct stat st;
  if (::fstatat(dirfd, "down", &st, 0) == -1) {
    if (errno != ENOENT) return report_error(r, "unable to stat down: ", error_str(errno));
    r.normally_up = true;
  }
  // A FIFO with no reader refuses a nonblocking writer with ENXIO: that is
  // how "is a supervise running here?" is asked.
  int fd = ::openat(dirfd, "supervise/ok", O_WRONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd == -1) {
    if (errno == ENXIO) return report_error(r, "supervise not running", "");
    return report_error(r, "unable to open supervise/ok: ", error_str(errno));
  }
  ::close(fd);
  r.supervised = true;
  switch (snapshot_read(dirfd, r.snap)) {
    case SnapshotError::kNone: r.ok = true; break;
    case SnapshotError::kOpen:
      report_error(r, "unable to open supervise/status: ", error_str(errno));
      break;
    case SnapshotError::kRead:
      report_error(r, "unable to read supervise/status: ", error_str(errno));
      break;
    case SnapshotError::kShort:
      report_error(r, "unable to read supervise/status: ", "bad format");
      break;
  }
}

}  // namespace lib
