#include "multilog/logscript.hpp"

#include <cstring>

#include "lib/num.hpp"

namespace multilog {

LogScript parse_log_script(int n, char* const* args) {
  LogScript s;
  uint64_t size = kLogSizeDefault, num = kLogNumDefault;
  const char* processor = nullptr;
  if (n > 0 && args[0][0] == 't') s.timestamp = true;
  for (int i = 0; i < n; ++i) {
    const char* a = args[i];
    unsigned long v = 0;
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
        s.dirs.push_back({a, size, num, processor});
        break;
      default:
        break;
    }
  }
  return s;
}

}  // namespace multilog
