// What svimport makes of one process, whatever the configuration it came
// from (Spec), the files of its service directory (render), and the
// warnings and the error found on the way (Diag).
//
// The run script, in this order, each line only when needed:
//   #!/bin/sh
//   exec >/dev/null 2>&1          output redirections (one exec line)
//   cd 'DIR' || exit 111
//   umask 022
//   { ...readiness loop... } &    zdaemon's start-test-program
//   exec envdir ./env setuidgid 'USER' 'ARGV0' 'ARGV1' ...
// envdir reads ./env before the cd (as "$OLDPWD/env" once cd has moved).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "svimport/ini.hpp"
#include "svimport/words.hpp"

namespace svimport {

// Warnings (each one line, without the "svimport: warning: " prefix) and
// the first error. Converters stop at the first error.
struct Diag {
  std::vector<std::string> warnings;
  std::vector<Where> warned_at;  // where each warning points
  std::string error;
  int sys_errno = 0;  // nonzero: error is a system call's failure (errno)

  // Orders the warnings by line within each file, the files in the order
  // they were first warned about (converters warn section by section).
  void sort();

  // "FILE:LINE: KEY: not converted (why)"
  void not_converted(const Where& w, std::string_view key, std::string_view why);
  // "FILE:LINE: text"
  void warn(const Where& w, std::string_view text);
  // Records "FILE:LINE: text" as the error (if none yet); returns false.
  bool fail(const Where& w, std::string_view text);
  bool failed() const { return !error.empty(); }
};

// Where the standard output of ./run goes.
enum class Out {
  kInherit,  // supervise's (no log/)
  kLog,      // to log/run's multilog
  kNull,     // discarded
  kStderr,   // to ./run's standard error
};
// Where its standard error goes.
enum class Err {
  kInherit,  // supervise's
  kStdout,   // with the standard output (2>&1)
  kNull,     // discarded
};

// multilog's bounds for s (ours: 4 GiB; 0.76 stopped at 16777215) and n.
constexpr uint64_t kLogSizeMin = 4096;
constexpr uint64_t kLogSizeMax = 4294967296;
constexpr int64_t kLogNumMin = 2;

struct Spec {
  std::string name;  // the service directory's name
  Where where;       // the section it came from
  std::vector<std::string> argv;
  std::string directory;  // cd there first (empty: no cd)
  std::string umask;      // octal text (empty: inherited)
  std::string user;       // setuidgid (empty: none)
  EnvList env;            // env/, read by envdir (empty: no env/)
  bool down = false;
  std::string down_signal;    // empty: TERM, no file
  int64_t timeout_kill = -1;  // ms; -1: no file
  bool setsid = false;
  std::string no_restart;          // the file's words; empty: no file
  int start_retries = -1;          // -1: no file
  int give_up_n = 0;               // 0: no give-up
  int64_t give_up_t = 0;           // seconds
  int64_t restart_delay_max = -1;  // ms; -1: no file
  int64_t restart_stable = -1;     // ms; -1: no file
  Out out = Out::kInherit;
  Err err = Err::kInherit;
  std::string log_dir;  // with kLog: an absolute directory ("" = ./main)
  Where log_where;      // the key that named log_dir
  uint64_t log_size = 0;
  int64_t log_num = 0;
  std::string ready_test;  // a sh command: ready once it exits 0 (zdaemon)
};

// What a conversion may depend on besides the files: svimport's
// environment (for %(ENV_X)s and $(X)), the host name (%(host_node_name)s)
// and a way to read files, replaceable in tests.
struct Context {
  std::string cwd;  // absolute: where relative paths start
  EnvList environ;
  std::string host;
  // Reads path into text; false with errno set.
  bool (*read)(const std::string& path, std::string& text) = nullptr;
  // The value of environment variable name, or null.
  const std::string* getenv(std::string_view name) const;
};

// Reads a whole file; false with errno set.
bool read_text(const std::string& path, std::string& text);

// The directory part of path ("." when it has none), as Python's
// os.path.dirname (but "." for "").
std::string dir_name(const std::string& path);
// path made absolute against base (path itself if already absolute).
std::string join_path(const std::string& base, const std::string& path);
// Python's os.path.normpath: no "//", "." or "dir/.." left.
std::string norm_path(const std::string& path);

// The longest a setting file's milliseconds may be (supervise: a year).
constexpr int64_t kMaxMillis = 366LL * 24 * 3600 * 1000;
constexpr int64_t kMaxStartRetries = 1000;  // supervise's start-retries

struct File {
  std::string path;  // relative to the service directory: run, env/NAME, log/run
  std::string content;
  bool executable = false;
};

// The files of a service directory for spec, in a fixed order: run, down,
// the setting files (down-signal, timeout-kill, setsid, no-restart,
// give-up, restart-delay-max, restart-stable, notification-fd), env/*,
// log/run.
std::vector<File> render(const Spec& spec);

// The top-level setting files svimport writes (and, with -f, removes when
// the configuration no longer asks for them).
extern const char* const kManagedFiles[];

// The text of an env/ file giving value to envdir: the value and a newline
// (an empty file would unset the variable), newlines written as NUL bytes
// (envdir turns those back). False when envdir cannot give the value back
// exactly (it ends in a space or tab, or holds a NUL).
bool env_file(std::string_view value, std::string& out);

// true for a name svscan would run as a service directory and that is safe
// to build a path from: not empty, no '/', not starting with '.', no
// control characters, at most 200 bytes.
bool valid_dir_name(std::string_view name);

// true when path has a ".." component.
bool has_dotdot(std::string_view path);

// The no-restart words for "never restart": "all", every exit code and
// every signal.
std::string no_restart_all();

// give-up's T for a process that gives up after n quick deaths, each run
// lasting up to quick_s seconds, with supervise's pauses (1 s, doubling, up
// to delay_max_ms) between them: the span of n such deaths, plus 1 s.
int64_t give_up_window(int n, int64_t quick_s, int64_t delay_max_ms);

}  // namespace svimport
