// Closing descriptors on a second thread.
//
// Removing an old log file frees its blocks, which on ext4 takes several
// milliseconds per 16 MB file. multilog opens the file, removes its name
// (at once, as the reference does: the directory looks the same) and
// hands the descriptor here; the last close, which frees the blocks, then
// happens off the logging path.
#pragma once

namespace multilog {

// Starts the thread (signals blocked in it). false on failure (errno);
// close_later then closes at once.
bool reaper_start() noexcept;
// Closes fd, on the reaper thread when it runs.
void close_later(int fd) noexcept;

}  // namespace multilog
