#include "multilog/logscript.hpp"

#include <cstring>

#include "lib/num.hpp"

namespace multilog {

namespace {

// A new action's number: digits only, at least one, no wrap-around.
bool strict_number(const char* s, uint64_t& out) {
  if (!*s) return false;
  uint64_t v = 0;
  for (; *s; ++s) {
    if (*s < '0' || *s > '9') return false;
    if (v > (UINT64_MAX - 9) / 10) return false;
    v = v * 10 + uint64_t(*s - '0');
  }
  out = v;
  return true;
}

}  // namespace

LogScript parse_log_script(int n, char* const* args) {
  LogScript s;
  uint64_t size = kLogSizeDefault, num = kLogNumDefault, total = 0, period = 0;
  const char* processor = nullptr;
  if (n > 0 && args[0][0] == 't') s.timestamp = true;
  for (int i = 0; i < n; ++i) {
    const char* a = args[i];
    unsigned long v = 0;
    uint64_t u = 0;
    switch (a[0]) {
      case 's':
        lib::scan_ulong(a + 1, v);
        size = v < kLogSizeMin ? kLogSizeMin : v > kLogSizeMax ? kLogSizeMax : v;
        break;
      case 'n':
        lib::scan_ulong(a + 1, v);
        num = v < kLogNumMin ? kLogNumMin : v;
        break;
      case '!':
        processor = a + 1;
        break;
      case '+':
        s.actions.push_back({LogActionKind::plus, a + 1, 0});
        s.selects = true;
        break;
      case '-':
        s.actions.push_back({LogActionKind::minus, a + 1, 0});
        s.selects = true;
        break;
      case 'e':
        s.actions.push_back({LogActionKind::stderr_copy, a + 1, 0});
        break;
      case '=':
        s.actions.push_back({LogActionKind::status_file, a + 1, int(s.status_files.size())});
        s.status_files.push_back(a + 1);
        break;
      case '.':
      case '/':
        s.actions.push_back({LogActionKind::dir, a, int(s.dirs.size())});
        s.dirs.push_back({a, size, num, processor, total, period});
        break;
      case 'S':
        if (strict_number(a + 1, u)) total = u;
        else s.malformed.push_back(a);
        break;
      case 'r':
        if (strict_number(a + 1, u)) period = u;
        else s.malformed.push_back(a);
        break;
      case 'T':
        // Where a first t may stand, or right after it.
        if (a[1] == 0 && (i == 0 || (i == 1 && s.timestamp))) s.local_stamp = true;
        else s.malformed.push_back(a);
        break;
      case 'p':
        if (std::strlen(a + 1) <= kPrefixMax) s.prefix = a + 1;
        else s.malformed.push_back(a);
        break;
      case '1':
        if (a[1] == 0) {
          s.actions.push_back({LogActionKind::stdout_copy, a + 1, 0});
          s.forwards = true;
        } else {
          s.malformed.push_back(a);
        }
        break;
      default:
        break;
    }
  }
  return s;
}

}  // namespace multilog
