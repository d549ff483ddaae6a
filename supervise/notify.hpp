// systemd's sd_notify protocol, as far as supervise uses it: a datagram of
// newline-separated KEY=VALUE assignments sent to $NOTIFY_SOCKET (see
// service-dir(5), notify). Unknown keys are ignored, as systemd does.
#pragma once
#include <sys/types.h>

#include <cstdint>
#include <string_view>

namespace supervise {

struct NotifyMsg {
  bool ready = false;            // READY=1
  bool stopping = false;         // STOPPING=1
  bool reloading = false;        // RELOADING=1
  bool watchdog = false;         // WATCHDOG=1
  bool watchdog_trigger = false; // WATCHDOG=trigger
  bool has_status = false;       // STATUS=...
  std::string_view status;       // its text (points into the datagram)
  pid_t mainpid = 0;             // MAINPID=N (0: none)
  int64_t extend_usec = -1;      // EXTEND_TIMEOUT_USEC=N (-1: none)
};

// Parses a datagram; the last of a repeated key wins.
NotifyMsg parse_notify(std::string_view datagram) noexcept;

}  // namespace supervise
