#include "supervise/settings.hpp"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/err.hpp"
#include "lib/fd.hpp"
#include "lib/num.hpp"
#include "lib/signame.hpp"

namespace supervise {
namespace {

bool space(char c) noexcept { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

// Splits off the next white-space separated word of s.
std::string_view next_word(std::string_view& s) noexcept {
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  size_t n = 0;
  while (n < s.size() && !space(s[n])) ++n;
  std::string_view w = s.substr(0, n);
  s.remove_prefix(n);
  return w;
}

// ms values beyond a year are refused: they are typos, and the sums with
// the monotonic clock stay far from overflow.
constexpr uint64_t kMaxMillis = 366ULL * 24 * 3600 * 1000;

}  // namespace

bool parse_millis(std::string_view text, int64_t& ms) noexcept {
  uint64_t n;
  if (!lib::parse_u64(trim(text), n) || n > kMaxMillis) return false;
  ms = int64_t(n);
  return true;
}

bool parse_signal(std::string_view text, int& sig) noexcept {
  int s = lib::signal_from_name(trim(text));
  if (s == 0) return false;
  sig = s;
  return true;
}

bool parse_give_up(std::string_view text, int& deaths, int64_t& ms) noexcept {
  std::string_view a = next_word(text), b = next_word(text);
  uint64_t n, t;
  if (!trim(text).empty() || !lib::parse_u64(a, n) || !lib::parse_u64(b, t)) return false;
  if (n < 1 || n > uint64_t(kMaxGiveUp) || t < 1 || t * 1000 > kMaxMillis) return false;
  deaths = int(n);
  ms = int64_t(t) * 1000;
  return true;
}

bool parse_start_retries(std::string_view text, int& n) noexcept {
  uint64_t v;
  if (!lib::parse_u64(trim(text), v) || v > uint64_t(kMaxStartRetries)) return false;
  n = int(v);
  return true;
}

bool parse_no_restart(std::string_view text, Settings& s) noexcept {
  uint64_t codes[4] = {0, 0, 0, 0}, sigs = 0;
  for (std::string_view w; !(w = next_word(text)).empty();) {
    uint64_t n;
    if (w == "all") {  // supervisord's autorestart=false: names or not, RT too
      for (uint64_t& c : codes) c = ~uint64_t(0);
      sigs = ~uint64_t(0);
    } else if (lib::parse_u64(w, n)) {
      if (n > 255) return false;
      codes[n >> 6] |= uint64_t(1) << (n & 63);
    } else if (int sig = lib::signal_from_word(w)) {
      sigs |= uint64_t(1) << (sig - 1);
    } else {
      return false;
    }
  }
  for (int i = 0; i < 4; ++i) s.no_restart_codes[i] = codes[i];
  s.no_restart_signals = sigs;
  return true;
}

namespace {

// Read into once, at start-up size; a setting file is a few bytes.
char g_buf[1024];

// The text of file (nullopt-like: false when it does not exist or cannot
// be read; the latter warned about). A file too long for the buffer is
// malformed: text is set to a value no parser accepts.
bool read_file(const char* dir, const char* file, std::string_view& text) noexcept {
  int fd;
  do fd = ::open(file, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  while (fd == -1 && errno == EINTR);
  if (fd == -1) {
    if (errno != ENOENT) lib::warn_sys({"unable to read ", dir, "/", file});
    return false;
  }
  ssize_t r = lib::read_full(fd, g_buf, sizeof g_buf);
  int e = errno;
  ::close(fd);
  if (r < 0) {
    errno = e;
    lib::warn_sys({"unable to read ", dir, "/", file});
    return false;
  }
  text = size_t(r) == sizeof g_buf ? std::string_view("!") : std::string_view(g_buf, size_t(r));
  return true;
}

void malformed(const char* dir, const char* file) noexcept {
  lib::warn({dir, "/", file, ": malformed, ignored"});
}

}  // namespace

void read_settings(const char* dir, Settings& s) noexcept {
  s = Settings();
  std::string_view t;
  struct stat st;
  if (read_file(dir, "down-signal", t)) {
    s.any = true;
    if (!parse_signal(t, s.down_signal)) malformed(dir, "down-signal");
  }
  if (read_file(dir, "timeout-kill", t)) {
    s.any = true;
    if (!parse_millis(t, s.timeout_kill)) malformed(dir, "timeout-kill");
  }
  if (::lstat("setsid", &st) == 0) {
    s.any = true;
    s.setsid = true;
  }
  if (::stat("finish", &st) == 0) {
    s.any = true;
    if (S_ISREG(st.st_mode) && (st.st_mode & 0111))
      s.finish = true;
    else
      lib::warn({dir, "/finish: not executable, ignored"});
  }
  if (read_file(dir, "timeout-finish", t)) {
    s.any = true;
    if (!parse_millis(t, s.timeout_finish)) malformed(dir, "timeout-finish");
  }
  if (read_file(dir, "restart-delay-max", t)) {
    s.any = true;
    if (!parse_millis(t, s.restart_delay_max) || s.restart_delay_max == 0) {
      s.restart_delay_max = 0;
      malformed(dir, "restart-delay-max");
    }
  }
  if (read_file(dir, "restart-stable", t)) {
    s.any = true;
    if (!parse_millis(t, s.restart_stable)) malformed(dir, "restart-stable");
  }
  if (read_file(dir, "give-up", t)) {
    s.any = true;
    if (!parse_give_up(t, s.give_up_deaths, s.give_up_ms)) malformed(dir, "give-up");
  }
  if (read_file(dir, "start-retries", t)) {
    s.any = true;
    if (!parse_start_retries(t, s.start_retries)) malformed(dir, "start-retries");
  }
  if (::lstat("essential", &st) == 0) {
    s.any = true;
    s.essential = true;
  }
  if (read_file(dir, "no-restart", t)) {
    s.any = true;
    if (!parse_no_restart(t, s)) malformed(dir, "no-restart");
  }
  if (read_file(dir, "notification-fd", t)) {
    s.any = true;
    uint64_t n;
    if (lib::parse_u64(trim(t), n) && n < 1024)
      s.notification_fd = int(n);
    else
      malformed(dir, "notification-fd");
  }
  if (read_file(dir, "timeout-ready", t)) {
    s.any = true;
    if (!parse_millis(t, s.timeout_ready)) malformed(dir, "timeout-ready");
  }
  if (::stat("check", &st) == 0) {
    s.any = true;
    if (S_ISREG(st.st_mode) && (st.st_mode & 0111))
      s.check = true;
    else
      lib::warn({dir, "/check: not executable, ignored"});
  }
  if (read_file(dir, "check-interval", t)) {
    s.any = true;
    if (!parse_millis(t, s.check_interval) || s.check_interval == 0) {
      s.check_interval = 10000;
      malformed(dir, "check-interval");
    }
  }
  if (read_file(dir, "check-timeout", t)) {
    s.any = true;
    if (!parse_millis(t, s.check_timeout) || s.check_timeout == 0) {
      s.check_timeout = 5000;
      malformed(dir, "check-timeout");
    }
  }
  if (::lstat("notify", &st) == 0) {
    s.any = true;
    s.notify = true;
  }
  if (read_file(dir, "notify-access", t)) {
    s.any = true;
    std::string_view v = trim(t);
    if (v == "all")
      s.notify_all = true;
    else if (v != "main")
      malformed(dir, "notify-access");
  }
  if (read_file(dir, "timeout-watchdog", t)) {
    s.any = true;
    if (!parse_millis(t, s.timeout_watchdog)) malformed(dir, "timeout-watchdog");
  }
  if (read_file(dir, "check-failures", t)) {
    s.any = true;
    uint64_t n;
    if (lib::parse_u64(trim(t), n) && n >= 1 && n <= 1000)
      s.check_failures = int(n);
    else
      malformed(dir, "check-failures");
  }
  // After every file is read: these depend on others.
  if (s.notify_all && !s.setsid) {
    lib::warn({dir, "/notify-access: all needs setsid, using main"});
    s.notify_all = false;
  }
  if (s.timeout_watchdog > 0 && !s.notify) {
    lib::warn({dir, "/timeout-watchdog: needs notify, ignored"});
    s.timeout_watchdog = 0;
  }
}

}  // namespace supervise
