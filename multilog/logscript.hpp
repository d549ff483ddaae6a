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
// SIZE and NUM are read like daemontools' scan_ulong (leading digits, none
// = 0), then clamped. Nothing in a 0.76 script is an error.
//
// Beyond 0.76 (letters 0.76 ignores, or a meaning 0.76 does not give):
//   sSIZE  honoured up to kLogSizeMax (4 GiB), not 16777215
//   SBYTES the rotated files of the directories after it stay within
//          BYTES in total (oldest removed first; 0: no cap)
//   rSECS  the directories after it rotate a non-empty current once it is
//          SECS old (0: never)
//   T      (first, or right after a first t) a local-time stamp, the text
//          tai64nlocal prints and a space
//   pTEXT  TEXT prefixes every line, after the stamps (the last p counts)
//   1      copy selected lines, whole, to stdout
// A new action written wrongly (S or r without digits or with other
// characters, T elsewhere, 1 followed by anything, p longer than
// kPrefixMax) is ignored, as 0.76 ignores what it does not know; the
// parser lists it in malformed so that multilog can warn.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace multilog {

enum class LogActionKind : char { plus, minus, stderr_copy, status_file, dir, stdout_copy };

struct LogAction {
  LogActionKind kind;
  const char* arg;  // the argument without its first character
  int index;        // which directory / status file (by kind), from 0
};

struct LogDirSpec {
  const char* path;
  uint64_t size;          // 4096..kLogSizeMax
  uint64_t num;           // >= 2
  const char* processor;  // nullptr: none ("" is a processor, as in 0.76)
  uint64_t total = 0;     // S: cap on the rotated files together; 0: none
  uint64_t period = 0;    // r: seconds; 0: no rotation by time
};

struct LogScript {
  bool timestamp = false;             // t
  bool local_stamp = false;           // T
  const char* prefix = nullptr;       // p, or nullptr
  std::vector<LogAction> actions;     // + - e = 1 and directories, in order
  std::vector<LogDirSpec> dirs;       // in order
  std::vector<const char*> status_files;
  std::vector<const char*> malformed;  // new actions written wrongly, ignored
  bool selects = false;               // any + or -: lines may be deselected
  bool forwards = false;              // any 1
};

constexpr uint64_t kLogSizeMin = 4096, kLogSize076Max = 16777215, kLogSizeDefault = 99999;
constexpr uint64_t kLogSizeMax = uint64_t(1) << 32;  // 4 GiB
constexpr uint64_t kLogNumMin = 2, kLogNumDefault = 10;
constexpr size_t kPrefixMax = 256;

// Reads args[0, n). Allocates (call at start-up).
LogScript parse_log_script(int n, char* const* args);

}  // namespace multilog
