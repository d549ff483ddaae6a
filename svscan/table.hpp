// svscan's table of services, shared by the scan (scanner.cpp) and the
// orderly shutdown (shutdown.cpp): one entry per service directory, with
// the supervise processes started for it and its log pipe; and the
// reaping of those processes. Internal to svscan.
#pragma once
#include <limits.h>
#include <sys/types.h>

#include <cstddef>
#include <cstdint>

#include "svscan/devino_index.hpp"

namespace svscan {

struct Service {
  dev_t dev;
  ino_t ino;
  pid_t pid;     // supervise NAME, 0 if not running
  pid_t pidlog;  // supervise log in NAME, 0 if not running
  int pi[2];     // the log pipe, both ends kept open; -1 without a log
  bool flaglog;
  bool active;               // seen in the latest directory listing
  bool told, told_log;       // shutdown: dx sent to pid's, x to pidlog's control
  int64_t started_ms;        // scan time of the latest start of pid
  int64_t started_log_ms;    // ... and of pidlog
  char name[NAME_MAX + 1];   // the name it was last seen under
};

// The services: g_services[0 .. g_service_count), in no particular order
// (forget_gone moves the last entry into a hole); g_index finds an entry
// by its directory's device and inode.
extern Service* g_services;
extern size_t g_service_count;
extern DevInoIndex g_index;

// Set when some known service may lack a running supervise (one exited, a
// start failed or was deferred): a quick scan walks the table only then.
// With every supervise running, an idle scan is a stat() of the directory.
extern bool g_need_walk;

// Set when waitpid() last said there is no child at all: the end of a
// shutdown. As PID 1 or a subreaper, orphans are our children too, and
// are reaped here as soon as SIGCHLD says one exited.
extern bool g_childless;

// Allocates the table at its initial capacity (table.cpp says why it
// grows). false when memory is short.
bool table_init() noexcept;

// Makes room for one more service. false (warned) when memory is short.
bool ensure_room(const char* fn) noexcept;

// Forgets services whose directory is gone and whose supervise processes
// have both exited, closing their log pipe (as the reference does).
void forget_gone() noexcept;

// Reaps every child that has exited (waitpid WNOHANG until none is left,
// retrying EINTR), marking its supervise as not running; sets g_childless.
// With release_log_pipes (the shutdown), a reaped main's supervise has our
// copy of its log pipe's writing end closed at once.
void reap(bool release_log_pipes = false) noexcept;

}  // namespace svscan
