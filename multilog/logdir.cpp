#include "multilog/logdir.hpp"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/clock.hpp"
#include "lib/dirents.hpp"
#include "lib/fd.hpp"
#include "lib/lock.hpp"
#include "lib/selfpipe.hpp"
#include "lib/tai.hpp"
#include "multilog/reaper.hpp"

extern char** environ;

namespace multilog {

using lib::exitcode::temp;

// ---- opening files the way daemontools' open_* do (plus close-on-exec)

namespace {

constexpr int kAppend = O_WRONLY | O_NONBLOCK | O_APPEND | O_CREAT | O_CLOEXEC;  // mode 0600
constexpr int kTrunc = O_WRONLY | O_NONBLOCK | O_TRUNC | O_CREAT | O_CLOEXEC;    // mode 0644
constexpr int kRead = O_RDONLY | O_NONBLOCK | O_CLOEXEC;

// djb's fd_move: to becomes from; from is closed. Async-signal-safe.
int fd_move(int to, int from) noexcept {
  if (to == from) return 0;
  if (::dup2(from, to) == -1) return -1;
  ::close(from);
  return 0;
}

}  // namespace

// ---- start-up: the reference's restart()

void LogDir::start(const multilog::LogDirSpec& spec) {
  dir_ = spec.path;
  processor_ = spec.processor;
  size_ = spec.size;
  num_ = spec.num;
  total_ = spec.total;
  period_ = spec.period > UINT64_MAX / 2000000000 ? UINT64_MAX / 2 : spec.period * 1000000000;

  ::mkdir(dir_, 0700);
  dfd_ = ::open(dir_, O_RDONLY | O_NONBLOCK | O_DIRECTORY | O_CLOEXEC);
  if (dfd_ == -1) lib::die_sys(temp, {"unable to open directory ", dir_});
  lock_ = ::openat(dfd_, "lock", kAppend, 0600);
  if (lock_ == -1 || lib::lock_ex_nb(lock_) == -1)
    lib::die_sys(temp, {"unable to lock directory ", dir_});

  struct stat st;
  uint64_t bytes = 0;
  if (::fstatat(dfd_, "current", &st, 0) == -1) {
    if (errno != ENOENT) lib::die_sys(temp, {"unable to stat ", dir_, "/current"});
  } else if (st.st_mode & 0100) {
    // Finished by a clean exit: go on appending to it.
    cur_ = ::openat(dfd_, "current", kAppend, 0600);
    if (cur_ == -1) lib::die_sys(temp, {"unable to append to ", dir_, "/current"});
    if (::fchmod(cur_, 0644) == -1) lib::die_sys(temp, {"unable to set mode of ", dir_, "/current"});
    bytes = uint64_t(st.st_size);
    cur_size_ = cur_synced_ = bytes;
    if (bytes) born_ = lib::now_ns();  // its age before this run is not known
    model_ = multilog::RotationModel(this, size_, bytes, 0);
    return;
  }

  // An unfinished current (or none): keep what a previous run left.
  ::unlinkat(dfd_, "state", 0);
  ::unlinkat(dfd_, "newstate", 0);
  bool processed = false;
  if (::fstatat(dfd_, "processed", &st, 0) == -1) {
    if (errno != ENOENT) lib::die_sys(temp, {"unable to stat ", dir_, "/processed"});
  } else if (st.st_mode & 0100) {
    processed = true;
  }
  if (processed) {
    ::unlinkat(dfd_, "previous", 0);
    finish("processed", 's');
  } else {
    ::unlinkat(dfd_, "processed", 0);
    finish("previous", 'u');
  }
  finish("current", 'u');

  int fd = ::openat(dfd_, "state", kTrunc, 0644);
  if (fd == -1) lib::die_sys(temp, {"unable to write to ", dir_, "/state"});
  ::close(fd);
  cur_ = ::openat(dfd_, "current", kAppend, 0600);
  if (cur_ == -1) lib::die_sys(temp, {"unable to write to ", dir_, "/current"});
  if (::fchmod(cur_, 0644) == -1) lib::die_sys(temp, {"unable to set mode of ", dir_, "/current"});
  model_ = multilog::RotationModel(this, size_, 0, 0);
}

// ---- output

void LogDir::append_tail(const char* p, size_t n, uint64_t in_off) noexcept {
  const size_t piece_max = cap_ / 2;
  while (n) {
    size_t k = n < piece_max ? n : piece_max;
    if (len_ + k > cap_) make_room(k);
    std::memcpy(out_ + len_, p, k);
    len_ += k;
    model_.put_bytes(k, in_off);
    p += k;
    n -= k;
    in_off += k;
  }
}

// Writes what the model has written (in the middle of a read, where the
// file its buffer will go to is not known yet), then drops it. What stays
// is at most the model's 512-byte buffer, so k always fits afterwards.
void LogDir::make_room(size_t k) noexcept {
  const uint64_t keep = model_.written();
  write_to(keep);
  size_t drop = size_t(keep - base_);
  std::memmove(out_, out_ + drop, len_ - drop);
  len_ -= drop;
  base_ = keep;
  (void)k;
}

void LogDir::write_to(uint64_t end) noexcept {
  Pauser p;
  while (real_ < end) {
    ssize_t w = lib::fd_write(cur_, out_ + (real_ - base_), size_t(end - real_));
    if (w > 0) {
      if (!cur_size_) born_ = lib::now_ns();
      real_ += uint64_t(w);
      cur_size_ += uint64_t(w);
      start_writeback();
      continue;
    }
    if (w == 0) errno = EIO;
    p.pause({"unable to write to ", dir_, "/current, pausing"});
  }
}

// Starts writing current to disk every megabyte without waiting, so that
// the fsync at rotation finds little left to do and the disk works while
// multilog reads (bench/multilog.sh measures it). Not waiting for the
// previous step keeps that wait out of the logging path.
void LogDir::start_writeback() noexcept {
  if (cur_size_ - cur_synced_ < kWritebackChunk) return;
  ::sync_file_range(cur_, off_t(cur_synced_), off_t(cur_size_ - cur_synced_), SYNC_FILE_RANGE_WRITE);
  cur_synced_ = cur_size_;
}

void LogDir::rotate_at(uint64_t pos) noexcept {
  write_to(pos);
  full_current();
}

void LogDir::quit() noexcept {
  model_.flush();
  write_to(model_.end());
  retry([&] { return ::fsync(cur_) == 0; }, {"unable to write ", dir_, "/current to disk, pausing"});
  retry([&] { return ::fchmod(cur_, 0744) == 0; }, {"unable to set mode of ", dir_, "/current, pausing"});
}

// ---- rotation: the reference's fullcurrent(), finish() and filesfit()

void LogDir::full_current() noexcept {
  retry([&] { return ::fsync(cur_) == 0; }, {"unable to write ", dir_, "/current to disk, pausing"});
  // Renamed while still open: if SIGTERM ends the retry, current is not
  // rotated and the last lines before the exit still go into it.
  if (!retry([&] { return ::renameat(dfd_, "current", dfd_, "previous") == 0; },
             {"unable to rename current to previous in directory ", dir_, ", pausing"}, OnTerm::give_up))
    return;
  ::close(cur_);
  cur_ = -1;
  retry([&] { return (cur_ = ::openat(dfd_, "current", kAppend, 0600)) != -1; },
        {"unable to create ", dir_, "/current, pausing"});
  cur_size_ = cur_synced_ = 0;
  born_ = 0;
  retry([&] { return ::fchmod(cur_, 0644) == 0; }, {"unable to set mode of ", dir_, "/current, pausing"});
  retry([&] { return ::fchmodat(dfd_, "previous", 0744, 0) == 0; },
        {"unable to set mode of ", dir_, "/previous, pausing"});
  if (!processor_)
    finish("previous", 's');
  else
    run_processor();
}

void LogDir::run_processor() noexcept {
  for (;;) {
    pid_t pid;
    retry([&] { return (pid = ::fork()) != -1; }, {"unable to fork for processor in ", dir_, ", pausing"});
    if (pid == 0) {
      // The processor runs in the directory: previous on stdin, processed
      // on stdout, state on fd 4, newstate on fd 5.
      lib::reset_signals_for_exec();
      int fd;
      if (::fchdir(dfd_) == -1) lib::die_sys(temp, {"unable to switch to ", dir_});
      if ((fd = ::open("previous", O_RDONLY | O_NONBLOCK)) != -1 && fd_move(0, fd) == 0 &&
          (fd = ::open("processed", O_WRONLY | O_NONBLOCK | O_TRUNC | O_CREAT, 0644)) != -1 &&
          fd_move(1, fd) == 0 && (fd = ::open("state", O_RDONLY | O_NONBLOCK)) != -1 &&
          fd_move(4, fd) == 0 &&
          (fd = ::open("newstate", O_WRONLY | O_NONBLOCK | O_TRUNC | O_CREAT, 0644)) != -1 &&
          fd_move(5, fd) == 0) {
        // The reference reads previous through a nonblocking descriptor
        // too; regular files do not care.
        char* args[] = {const_cast<char*>("sh"), const_cast<char*>("-c"),
                        const_cast<char*>(processor_), nullptr};
        ::execve("/bin/sh", args, environ);
      }
      lib::die_sys(temp, {"unable to run ", processor_});
    }
    int wstat;
    pid_t r;
    do r = ::waitpid(pid, &wstat, 0); while (r == -1 && errno == EINTR);
    // Each failed run is reported (as the reference does), and the
    // processor is tried again a second later.
    if (r == -1) {
      lib::warn_sys({"wait failed for processor in ", dir_, ", pausing"});
    } else if (WIFSIGNALED(wstat)) {
      lib::warn_sys({"processor crashed in ", dir_, ", pausing"});
    } else if (WEXITSTATUS(wstat) == 0) {
      break;
    }
    lib::warn({"processor failed in ", dir_, ", pausing"});
    timespec ts{1, 0};
    while (::nanosleep(&ts, &ts) == -1 && errno == EINTR) {
    }
  }

  int fd;
  retry([&] { return (fd = ::openat(dfd_, "processed", kAppend, 0600)) != -1; },
        {"unable to create ", dir_, "/processed, pausing"});
  retry([&] { return ::fsync(fd) == 0; }, {"unable to write ", dir_, "/processed to disk, pausing"});
  retry([&] { return ::fchmod(fd, 0744) == 0; }, {"unable to set mode of ", dir_, "/processed, pausing"});
  ::close(fd);
  retry([&] { return (fd = ::openat(dfd_, "newstate", kAppend, 0600)) != -1; },
        {"unable to create ", dir_, "/newstate, pausing"});
  retry([&] { return ::fsync(fd) == 0; }, {"unable to write ", dir_, "/newstate to disk, pausing"});
  ::close(fd);
  // Given up on SIGTERM: previous (already processed) is replaced at the
  // next rotation; newstate is written anew by the next processor.
  retry([&] { return ::unlinkat(dfd_, "previous", 0) == 0; }, {"unable to remove ", dir_, "/previous, pausing"},
        OnTerm::give_up);
  retry([&] { return ::renameat(dfd_, "newstate", dfd_, "state") == 0; },
        {"unable to rename newstate to state in directory ", dir_, ", pausing"}, OnTerm::give_up);
  finish("processed", 's');
}

// Gives file a name @<TAI64N>.<code> (unless a crash left it linked
// already), removes the old name, then trims the directory to num_ - 1
// old files.
void LogDir::finish(const char* file, char code) noexcept {
  struct stat st;
  bool exists = true;
  retry(
      [&] {
        if (::fstatat(dfd_, file, &st, 0) == 0) return true;
        if (errno == ENOENT) exists = false;
        return !exists;
      },
      {"unable to stat ", dir_, "/", file, ", pausing"});
  if (!exists) return;
  if (st.st_nlink == 1) {
    char fn[28] = {};  // named anew at each attempt; a warning shows the last name
    retry(
        [&] {
          fn[0] = '@';
          lib::tai64n_hex(lib::tai64n_now(), fn + 1);
          fn[25] = '.';
          fn[26] = code;
          fn[27] = 0;
          return ::linkat(dfd_, file, dfd_, fn, 0) == 0;
        },
        {"unable to link to ", dir_, "/", std::string_view(fn, 27), ", pausing"});
  }
  // Given up on SIGTERM, file stays linked under both names; the next
  // rotation (or start-up) replaces or removes the old name.
  retry([&] { return ::unlinkat(dfd_, file, 0) == 0; }, {"unable to remove ", dir_, "/", file, ", pausing"},
        OnTerm::give_up);
  // Trimming may be given up on SIGTERM: the directory then keeps a file
  // more than n says, nothing else.
  retry(
      [&] {
        int r;
        while ((r = files_fit()) == 0) {
        }
        return r == 1;
      },
      {"unable to read ", dir_, ", pausing"}, OnTerm::give_up);
}

namespace {

// Calls f(name) for each entry of the directory open as dfd, from the
// start. 0, or -1 with errno. No heap: getdents64 into a stack buffer.
template <class F>
int each_entry(int dfd, F f) {
  lib::Fd fd(::openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid()) return -1;
  char buf[8192];
  return lib::for_each_dirent(fd.get(), buf, sizeof buf, [&](lib::DirEntry e) { return f(e.name); });
}

}  // namespace

// 1 if fewer than num_ files named @... (25 characters or more) remain,
// and (S) their sizes add up to total_ at most;
// 0 after removing the oldest of them; -1 with errno if the directory
// cannot be read or the oldest cannot be removed (reported, as 0.76 does,
// as "unable to read" the directory).
int LogDir::files_fit() noexcept {
  char oldest[26] = "@z";
  uint64_t count = 0, bytes = 0;
  int r = each_entry(dfd_, [&](const char* name) {
    if (name[0] == '@' && std::strlen(name) >= 25) {
      ++count;
      struct stat st;
      if (total_ && ::fstatat(dfd_, name, &st, AT_SYMLINK_NOFOLLOW) == 0) bytes += uint64_t(st.st_size);
      if (std::strcmp(name, oldest) < 0) {
        std::memcpy(oldest, name, 25);
        oldest[25] = 0;
      }
    }
    return true;
  });
  if (r == -1) return -1;
  if (count < num_ && (!total_ || bytes <= total_)) return 1;
  int removed = 0;
  r = each_entry(dfd_, [&](const char* name) {
    if (name[0] == '@' && std::strlen(name) >= 25 && std::strncmp(name, oldest, 25) == 0) {
      // Opened first, so that the blocks are freed on the reaper thread.
      int fd = ::openat(dfd_, name, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
      // Gone already (removed by someone else): counted again next time.
      removed = ::unlinkat(dfd_, name, 0) == 0 || errno == ENOENT ? 0 : -1;
      if (fd != -1) {
        int e = errno;
        close_later(fd);
        errno = e;
      }
      return false;
    }
    return true;
  });
  return r == -1 ? -1 : removed;
}

}  // namespace multilog
