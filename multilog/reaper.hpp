// Closing descriptors on a second thread.
//
// Removing an old log file frees its blocks, which on ext4 takes several
// milliseconds per 16 MB file, and about 20 ms when the file system is
// mounted with -o discard (the blocks are discarded before close returns).
// multilog opens the file, removes its name (at once, as the reference
// does: the directory looks the same) and hands the descriptor here; the
// last close, which frees the blocks, then happens off the logging path.
// A disk that does one request at a time (a single-queue virtual disk)
// still makes the writes and the fsync behind a discard wait for it; that
// cost is the disk's, the same for the reference. Freeing in smaller steps
// (ftruncate by 1 or 4 MB) only adds requests: measured 15% slower.
#pragma once

namespace multilog {

// Starts the thread (signals blocked in it). false on failure (errno);
// close_later then closes at once.
bool reaper_start() noexcept;
// Closes fd, on the reaper thread when it runs.
void close_later(int fd) noexcept;

}  // namespace multilog
