// svscan's orderly shutdown: telling every supervise to stop, closing log
// pipes, ending orphans, killing what misses the deadline. Internal to
// svscan; the scanning loop (scanner.cpp) calls it.
#pragma once
#include <cstdint>

namespace svscan {

// The orderly shutdown (SIGTERM, SIGINT, SIGPWR, a control request):
//   1. every main's supervise is sent "dx" (its down-signal, CONT and
//      timeout-kill apply), every log's supervise only "x";
//   2. when a main's supervise has exited, our copy of its log pipe's
//      writing end is closed: the logger reads to the end, sees end of
//      input and exits, and so does its supervise (told x);
//   3. once every main's supervise is gone, other children (orphans that
//      daemons left to us, which may hold a log pipe open) get TERM, CONT;
//   4. at 7/9 of the deadline, what is left of the mains is killed (./run,
//      its group, its supervise); at the deadline, everything left is.
// svscan exits once it has no child left. Scans stop, nothing is started,
// and a second request changes nothing.
struct Shutdown {
  bool on = false;
  int code = 0;
  int64_t deadline_ms = 9000;
  int64_t mains_at = 0, end_at = 0;
  bool mains_killed = false, all_killed = false, orphans_termed = false;
};
extern Shutdown g_shutdown;

// Starts the shutdown at now (ms), svscan to exit with code; a second
// call changes nothing.
void begin_shutdown(int code, int64_t now) noexcept;

// One step of the shutdown. Returns -2 when svscan may exit, else how
// long (ms, -1: until a signal) before the next step is due.
int64_t shutdown_step(int64_t now) noexcept;

}  // namespace svscan
