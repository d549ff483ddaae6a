// svwait's inotify, and what it does when a limit refuses it: at ten
// thousand services the per-user limits on inotify instances
// (fs.inotify.max_user_instances) and watches (fs.inotify.max_user_watches)
// can be reached. A service inotify cannot watch is then polled, every
// kPollMs at most, after one warning for the whole run.
#pragma once

namespace svwait {

constexpr int kPollMs = 100;

// A nonblocking, close-on-exec inotify instance; -1 when a limit refuses
// one (EMFILE, ENFILE, ENOMEM; warned: every service is then polled).
// Dies (111) on any other failure.
int watch_start() noexcept;

// Watches dir/supervise for what svwait reads: a watch descriptor; -1 when
// in is -1 (silently) or a limit refuses the watch (ENOSPC, ENOMEM; the
// first refusal of the run is warned): the service is then polled. Dies
// (111) on any other failure, e.g. no dir/supervise.
int watch_add(int in, const char* dir) noexcept;

}  // namespace svwait
