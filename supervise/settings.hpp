// The optional setting files of a service directory, beyond daemontools
// 0.76 (see service-dir(5)). Each holds one value; a missing file means the
// 0.76 behaviour. supervise reads them at start-up and before every start
// of ./run, so a change applies at the next start.
//
//   down-signal        signal svc -d and svc -r send instead of TERM: a
//                      name (TERM, SIGTERM, either case) or a number
//   timeout-kill       ms after the down signal before KILL (0: never)
//   setsid             present: ./run (and ./finish) lead a new session
//                      and process group, and signals go to the group
//   finish             executable: run after ./run exits (as s6's)
//   timeout-finish     ms before a running ./finish is killed (default
//                      5000; 0: never)
//   restart-delay-max  ms, turns on backoff: each quick death doubles the
//                      pause before the next start, from 1 s up to this
//   restart-stable     ms ./run must stay up to count as stable, which
//                      resets the backoff (default 10000)
//   give-up            "N T": after N deaths within T seconds, the service
//                      is marked failed and stays down until svc -u
//   start-retries      N (0..1000), supervisord's startretries (with
//                      restart-stable as startsecs): a death within
//                      restart-stable of the start is a failed start,
//                      always retried (no-restart does not apply to it);
//                      after N+1 failed starts in a row the service is
//                      marked failed and stays down until svc -u
//   no-restart         exit codes (0..255) and signal names, separated by
//                      white space, after which ./run is not restarted;
//                      "all": every exit code and every signal (1..64)
//   essential          present: when ./run exits without being stopped
//                      (svc -d, -r), it is not restarted and supervise asks
//                      svscan (../.svscan/control, else $SVSCAN_CONTROL) to shut everything
//                      down and exit with ./run's code (128+signal)
//   notification-fd    N (0..1023): ./run gets the write end of a pipe as
//                      descriptor N and writes a newline once ready (s6)
//   timeout-ready      ms: a ./run not ready that long after its start
//                      is a failed start: stopped, counted as a death
//                      (backoff, give-up) and started again
//   check              executable: a liveness check, run every
//                      check-interval ms (default 10000) while ./run is up;
//                      killed after check-timeout ms (default 5000); after
//                      check-failures (default 3) failures in a row,
//                      ./run is restarted as for timeout-ready
//   notify             present: ./run gets $NOTIFY_SOCKET, a datagram
//                      socket for systemd's sd_notify protocol (READY=1,
//                      STATUS=, STOPPING=1, RELOADING=1, MAINPID=,
//                      WATCHDOG=1, EXTEND_TIMEOUT_USEC=)
//   notify-access      "main" (default: only ./run's pid, or MAINPID's)
//                      or "all" (any process of ./run's session; needs
//                      setsid)
//   timeout-watchdog   ms, with notify: ./run gets WATCHDOG_USEC and
//                      WATCHDOG_PID and must send WATCHDOG=1 that often,
//                      or it is restarted as for timeout-ready
//
// A malformed file gets a warning, "supervise: warning: DIR/FILE: malformed,
// ignored", and its default applies. A finish without an execute bit gets
// "supervise: warning: DIR/finish: not executable, ignored".
#pragma once
#include <cstdint>
#include <string_view>

namespace supervise {

constexpr int kMaxGiveUp = 64;  // the largest N of give-up
constexpr int kMaxStartRetries = 1000;  // the largest N of start-retries

struct Settings {
  bool any = false;  // at least one of the files exists
  int down_signal = 15;
  int64_t timeout_kill = 0;
  bool setsid = false;
  bool finish = false;
  int64_t timeout_finish = 5000;
  int64_t restart_delay_max = 0;  // 0: no backoff
  int64_t restart_stable = 10000;
  int give_up_deaths = 0;  // 0: never give up
  int64_t give_up_ms = 0;
  int start_retries = -1;  // -1: no limit (no start-retries file)
  uint64_t no_restart_codes[4] = {0, 0, 0, 0};  // bit n: exit code n
  uint64_t no_restart_signals = 0;              // bit n-1: signal n
  bool essential = false;
  int notification_fd = -1;  // -1: none
  int64_t timeout_ready = 0;  // 0: wait for ever
  bool check = false;
  int64_t check_interval = 10000;
  int64_t check_timeout = 5000;
  int check_failures = 3;
  bool notify = false;
  bool notify_all = false;
  int64_t timeout_watchdog = 0;  // 0: none

  // ./run tells when it is ready (or a check does); otherwise it counts
  // as ready as soon as it is up.
  bool readiness() const noexcept { return notification_fd >= 0 || check || notify; }
  // The protocol that says ready (notification-fd or notify), as opposed to
  // a check, whose first success does only without one.
  bool says_ready() const noexcept { return notification_fd >= 0 || notify; }

  bool no_restart_code(int code) const noexcept {
    return code >= 0 && code < 256 && (no_restart_codes[code >> 6] >> (code & 63)) & 1;
  }
  bool no_restart_signal(int sig) const noexcept {
    return sig >= 1 && sig <= 64 && (no_restart_signals >> (sig - 1)) & 1;
  }
};

// Parsers of a file's text (trailing white space allowed); false when
// malformed, leaving the setting unchanged.
bool parse_millis(std::string_view text, int64_t& ms) noexcept;
bool parse_signal(std::string_view text, int& sig) noexcept;
bool parse_give_up(std::string_view text, int& deaths, int64_t& ms) noexcept;
bool parse_start_retries(std::string_view text, int& n) noexcept;  // 0..kMaxStartRetries
bool parse_no_restart(std::string_view text, Settings& s) noexcept;

// Reads the files in the current directory (the service directory) into s,
// from the defaults; warns (dir as given, for messages) about malformed or
// unreadable ones. No heap: one static buffer.
void read_settings(const char* dir, Settings& s) noexcept;

}  // namespace supervise
