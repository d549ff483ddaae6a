#include "supervise/notify.hpp"

#include "lib/num.hpp"

namespace supervise {

NotifyMsg parse_notify(std::string_view d) noexcept {
  NotifyMsg m;
  while (!d.empty()) {
    size_t nl = d.find('\n');
    std::string_view line = d.substr(0, nl);
    d.remove_prefix(nl == std::string_view::npos ? d.size() : nl + 1);
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view k = line.substr(0, eq), v = line.substr(eq + 1);
    uint64_t n;
    if (k == "READY") {
      m.ready = v == "1";
    } else if (k == "STOPPING") {
      m.stopping = v == "1";
    } else if (k == "RELOADING") {
      m.reloading = v == "1";
    } else if (k == "WATCHDOG") {
      if (v == "1") m.watchdog = true;
      if (v == "trigger") m.watchdog_trigger = true;
    } else if (k == "STATUS") {
      m.has_status = true;
      m.status = v;
    } else if (k == "MAINPID") {
      if (lib::parse_u64(v, n) && n > 0 && n < (1u << 22)) m.mainpid = pid_t(n);
    } else if (k == "EXTEND_TIMEOUT_USEC") {
      if (lib::parse_u64(v, n) && n < (uint64_t(1) << 53)) m.extend_usec = int64_t(n);
    }
  }
  return m;
}

}  // namespace supervise
