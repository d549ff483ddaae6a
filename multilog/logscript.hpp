// multilog's script: the command-line arguments, read the way daemontools
// 0.76 reads them. Only the first character of each argument counts:
//   t...   (first argument only) prefix each line with a TAI64N stamp
//   sSIZE  rotate current near SIZE bytes (4096..16777215; default 99999)
//   nNUM   keep NUM-1 old files besides current (NUM >= 2; default 10)
//   !PROC  run PROC over each finished file (for the directories after it)
//   +PAT   select lines matching PAT;  -PAT  deselect them
//   e...   copy selected lines to stderr (200 bytes at most, then "...")
//   =FILE  keep the last selected line in FILE (1001 bytes, in place)
//   . or / a log directory, receiving the lines selected at that point
// Anything else is ignored, as the reference ignores it; nothing is an
// error. SIZE and NUM are read like daemontools' scan_ulong (leading
// digits, none = 0), then clamped.
#pragma once
#include <cstdint>
#include <vector>

namespace multilog {

enum class LogActionKind : char { plus, minus, stderr_copy, status_file, dir };

struct LogAction {
  LogActionKind kind;
  const char* arg;  // the argument without its first character
  int index;        // which directory / status file (by kind), from 0
};

struct LogDirSpec {
  const char* path;
  uint64_t size;          // 4096..16777215
  uint64_t num;           // >= 2
  const char* processor;  // nullptr: none ("" is a processor, as in 0.76)
};

struct LogScript {
  bool timestamp = false;
  std::vector<LogAction> actions;     // + - e = and directories, in order
  std::vector<LogDirSpec> dirs;       // in order
  std::vector<const char*> status_files;
  bool selects = false;               // any + or -: lines may be deselected
};

constexpr uint64_t kLogSizeMin = 4096, kLogSizeMax = 16777215, kLogSizeDefault = 99999;
constexpr uint64_t kLogNumMin = 2, kLogNumDefault = 10;

// Reads args[0, n). Allocates (call at start-up).
LogScript parse_log_script(int n, char* const* args);

}  // namespace multilog
