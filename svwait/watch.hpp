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

// Watches dir/supervise for its status being renamed in (and for its
// removal), and dir/supervise/ok on its own for supervise closing it
// (leaving): a watch on the directory for that would also report every
// reader's closing of status and xstatus, svwait's own readings included,
// and at ten thousand services those filled the event queue. Returns the
// directory's watch descriptor and sets ok's; -1 when in is -1 (silently)
// or a limit refuses either watch (ENOSPC, ENOMEM; the first refusal of
// the run is warned; nothing is left watched): the service is then
// polled. Dies (111) on any other failure, e.g. no dir/supervise.
int watch_add(int in, const char* dir, int& okwd) noexcept;

// Watches a new dir/supervise/ok (supervise replaced it): its descriptor,
// or -1 (not warned: the caller polls the service).
int watch_ok(int in, const char* dir) noexcept;

}  // namespace svwait
