// multilog script
//
// Reads lines from stdin and handles each as the script says: selects it
// (+pattern, -pattern), copies it to stderr (e), keeps it in a status file
// (=file) and appends it to log directories (./dir, /dir), which multilog
// rotates at a size (s), trims to a number of files (n) and can run a
// processor over (!command). A first argument t prefixes each line with
// its TAI64N arrival time. The syntax, files and output are those of
// daemontools 0.76 multilog, down to where current is rotated (see
// multilog/rotation.hpp); see man/multilog.8.
//
// As the reference, everything a read brought in is on disk (minus a line
// not yet complete) before the next read, so a SIGKILL loses no line
// multilog has finished reading; from a pipe this sets where current is
// rotated (see multilog/rotation.hpp). Beyond the reference: from a pipe,
// input is looked at with tee(2) and taken only once written, so a SIGKILL
// loses nothing at all (run_tee); after a write
// error multilog retries within half a second, and input is not read
// meanwhile. Memory is allocated at start-up only, whatever the length of
// the lines.
//
// Exit codes: 0 at end of input or after SIGTERM; 111 if a directory or
// status file cannot be set up at start (including: another multilog
// holds the directory's lock) or its memory cannot be allocated ("out of
// memory", before any file is opened). Nothing in the script is an error.
// Signals: SIGALRM rotates every non-empty current; SIGTERM finishes the
// line being read, writes everything out and exits; it also ends the retry
// of a removal or rename that keeps failing (see multilog/pause.hpp).
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <time.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <memory>
#include <vector>

#include "lib/clock.hpp"
#include "lib/err.hpp"
#include "lib/fd.hpp"
#include "lib/local_time.hpp"
#include "lib/nomem.hpp"
#include "lib/num.hpp"
#include "multilog/logscript.hpp"
#include "multilog/pattern.hpp"
#include "lib/selfpipe.hpp"
#include "lib/tai.hpp"
#include "multilog/logdir.hpp"
#include "multilog/reaper.hpp"

namespace {

using lib::exitcode::temp;
using multilog::LogDir;

constexpr size_t kLineMax = 1000;          // what patterns, e and = see
constexpr size_t kStampLen = 26;           // "@" + 24 hex + " "
constexpr size_t kHeadMax = kStampLen + lib::LocalTimeText::kMaxLen + 1 + multilog::kPrefixMax;
constexpr size_t kFwdBuf = 256 * 1024;     // for 1: a line longer is never forwarded
constexpr size_t kInBuf = 512 * 1024;      // one read
constexpr size_t kTeeMin = 64 * 1024;      // one look at a pipe, at first (see tee_setup)
constexpr size_t kTeeMax = 256 * 1024;     // ... once a writer has filled a look (tee_grow)
constexpr size_t kOutBuf = 1024 * 1024;    // per directory
constexpr size_t kErrBuf = 64 * 1024;

class Logger {
 public:
  explicit Logger(multilog::LogScript s) : script_(std::move(s)) {}
  void start();
  void run();

 private:
  enum class State { line_start, head, tail };

  void process(const char* b, size_t n);
  void head_done(const char* pre, size_t plen, const char* c, size_t clen, uint64_t in_last,
                 bool whole);
  void select(const char* line, size_t len);
  void tail_bytes(const char* p, size_t n, uint64_t in_off);
  void tail_end(uint64_t in_off);
  void end_of_input();
  void write_out();
  void flush_err();
  void write_status(size_t k);
  void make_stamp();
  void fwd_add(const char* p, size_t n);
  void fwd_end_line();
  void fwd_flush();
  void fwd_drop(size_t lines);
  void time_rotations(int& timeout_ms);
  void rotate_if_alarmed();  // SIGALRM: rotate every directory
  void run_read();
  void run_tee();
  bool tee_setup();
  void tee_grow();
  int tee_take(bool exiting);
  void consume(uint64_t upto);

  multilog::LogScript script_;
  std::unique_ptr<LogDir[]> dirs_;
  size_t ndirs_ = 0;
  std::vector<int> status_fd_;
  std::unique_ptr<char[]> status_line_;  // 1001 bytes per status file
  std::vector<char> status_dirty_;
  bool plain_ = true;  // no + - e =: every line goes to every directory

  std::unique_ptr<char[]> in_;
  uint64_t in_base_ = 0;  // input offset of in_[0]: what has been processed

  // From a pipe (see run_tee): the input is looked at with tee(2) and
  // taken from the pipe only once written.
  int priv_[2] = {-1, -1};  // the private pipe tee copies into
  int sink_ = -1;           // /dev/null, where written bytes are spliced
  int ep_ = -1;             // epoll, stdin edge-triggered: new input
  uint64_t consumed_ = 0;   // input offset: what has been taken from stdin
  uint64_t head_off_ = 0;   // input offset where a line kept whole (head) began
  size_t chunk_ = kTeeMin;  // the most one look takes: what a kill can make written twice
  bool full_ = false;       // the last look took a whole chunk: more is likely there
  bool grown_ = false;      // tee_grow was tried
  char stamp_[kHeadMax];  // t's stamp, T's, then p's prefix: every line starts so
  size_t stamplen_ = 0;
  bool stamped_ = false;
  size_t prefixlen_ = 0;
  lib::LocalTimeText local_;

  State state_ = State::line_start;
  char line_[kLineMax + 1];  // a line's first part: stamp, then up to 1000 - stamp bytes
  size_t linelen_ = 0;

  std::unique_ptr<char[]> err_;
  size_t errlen_ = 0;

  // 1: lines for stdout. fwd_[0, fwd_done_) is complete lines (the first
  // maybe partly written already), [fwd_done_, fwdlen_) the line being
  // forwarded; only complete lines are written, so the line being
  // forwarded can still be dropped whole.
  std::unique_ptr<char[]> fwd_;
  size_t fwdlen_ = 0, fwd_done_ = 0;
  bool fwd_sel_ = false;   // the current line goes to stdout
  bool fwd_ok_ = false;    // ... and has not been dropped
  uint64_t fwd_dropped_ = 0;  // lines dropped since stdout last took everything
};

void Logger::start() {
  // All memory first, as the reference allocates before it opens anything:
  // out of memory then ends multilog before it has touched a file.
  ndirs_ = script_.dirs.size();
  dirs_.reset(new LogDir[ndirs_ ? ndirs_ : 1]);
  for (size_t j = 0; j < ndirs_; ++j) dirs_[j].allocate(kOutBuf);
  status_fd_.reserve(script_.status_files.size());
  status_line_.reset(new char[(kLineMax + 1) * (script_.status_files.size() + 1)]);
  status_dirty_.assign(script_.status_files.size(), 0);
  in_.reset(new char[kInBuf]);
  err_.reset(new char[kErrBuf]);
  if (script_.forwards) fwd_.reset(new char[kFwdBuf]);

  // Status files first, as the reference does.
  for (const char* f : script_.status_files) {
    int fd = ::open(f, O_WRONLY | O_NONBLOCK | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd == -1) lib::die_sys(temp, {"unable to create ", f});
    ::close(fd);
    fd = ::open(f, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd == -1) lib::die_sys(temp, {"unable to write ", f});
    status_fd_.push_back(fd);
  }
  for (size_t j = 0; j < ndirs_; ++j) {
    dirs_[j].start(script_.dirs[j]);
    dirs_[j].selected = true;
  }
  for (const multilog::LogAction& a : script_.actions)
    if (a.kind != multilog::LogActionKind::dir) plain_ = false;
  if (script_.prefix) {
    prefixlen_ = std::strlen(script_.prefix);
    std::memcpy(stamp_, script_.prefix, prefixlen_);
    stamplen_ = prefixlen_;
  }
  stamped_ = script_.timestamp || script_.local_stamp;
  if (script_.forwards) {
    // A reader of stdout that stops reading must not stop the logging:
    // stdout is made nonblocking and a line it cannot take is dropped.
    // A reader gone is the same (EPIPE, not SIGPIPE).
    ::signal(SIGPIPE, SIG_IGN);
    int fl = ::fcntl(1, F_GETFL);
    if (fl != -1) ::fcntl(1, F_SETFL, fl | O_NONBLOCK);
  }
  std::memset(line_, '\n', sizeof line_);
}

// A line's first part is complete: pre (stamp, or an assembled first part)
// then c. whole: that is the whole line (its newline, or the end of input,
// was read at input offset in_last); otherwise the line goes on.
void Logger::head_done(const char* pre, size_t plen, const char* c, size_t clen,
                       uint64_t in_last, bool whole) {
  const size_t len = plen + clen;
  if (!plain_) {
    const char* view;
    if (!plen) {
      view = c;
    } else if (!clen) {
      view = pre;
    } else {
      if (pre != line_) std::memcpy(line_, pre, plen);
      std::memcpy(line_ + plen, c, clen);
      view = line_;
    }
    select(view, len);
    if (fwd_sel_) {
      fwd_ok_ = true;
      fwd_add(view, len);
      if (whole) fwd_end_line();
    }
  }
  for (size_t j = 0; j < ndirs_; ++j) {
    LogDir& d = dirs_[j];
    if (!d.selected) continue;
    d.append(pre, plen, c, clen, whole);
    d.model().put(uint32_t(len), in_last);
    if (whole) d.model().put_byte(in_last);
  }
}

// Runs the script's actions over a line (its first 1000 bytes).
void Logger::select(const char* line, size_t len) {
  bool sel = true;
  fwd_sel_ = false;
  for (const multilog::LogAction& a : script_.actions) {
    switch (a.kind) {
      case multilog::LogActionKind::plus:
        if (!sel && multilog::pattern_match(a.arg, line, len)) sel = true;
        break;
      case multilog::LogActionKind::minus:
        if (sel && multilog::pattern_match(a.arg, line, len)) sel = false;
        break;
      case multilog::LogActionKind::stderr_copy:
        if (sel) {
          if (errlen_ + 205 > kErrBuf) flush_err();
          size_t k = len > 200 ? 200 : len;
          std::memcpy(err_.get() + errlen_, line, k);
          errlen_ += k;
          if (len > 200) {
            std::memcpy(err_.get() + errlen_, "...", 3);
            errlen_ += 3;
          }
          err_[errlen_++] = '\n';
        }
        break;
      case multilog::LogActionKind::status_file:
        if (sel) {
          std::memcpy(status_line_.get() + size_t(a.index) * (kLineMax + 1), line, len);
          std::memset(status_line_.get() + size_t(a.index) * (kLineMax + 1) + len, '\n',
                      kLineMax + 1 - len);
          status_dirty_[size_t(a.index)] = 1;
        }
        break;
      case multilog::LogActionKind::dir:
        dirs_[size_t(a.index)].selected = sel;
        break;
      case multilog::LogActionKind::stdout_copy:
        if (sel) fwd_sel_ = true;  // once, however many 1 select it
        break;
    }
  }
}

void Logger::tail_bytes(const char* p, size_t n, uint64_t in_off) {
  if (fwd_sel_) fwd_add(p, n);
  for (size_t j = 0; j < ndirs_; ++j)
    if (dirs_[j].selected) dirs_[j].append_tail(p, n, in_off);
}

void Logger::tail_end(uint64_t in_off) {
  if (fwd_sel_) fwd_end_line();
  for (size_t j = 0; j < ndirs_; ++j) {
    LogDir& d = dirs_[j];
    if (!d.selected) continue;
    d.append(nullptr, 0, nullptr, 0, true);
    d.model().put_byte(in_off);
  }
}

// Splits what one read brought in into lines.
void Logger::process(const char* b, size_t n) {
  const char* p = b;
  const char* const e = b + n;
  auto off = [&](const char* q) { return in_base_ + uint64_t(q - b); };

  if (state_ == State::head) {
    size_t need = kLineMax - linelen_, avail = size_t(e - p);
    size_t scan = avail < need ? avail : need;
    const char* nl = static_cast<const char*>(std::memchr(p, '\n', scan));
    if (nl) {
      std::memcpy(line_ + linelen_, p, size_t(nl - p));
      linelen_ += size_t(nl - p);
      state_ = State::line_start;
      head_done(line_, linelen_, nullptr, 0, off(nl), true);
      p = nl + 1;
    } else if (avail >= need) {
      std::memcpy(line_ + linelen_, p, need);
      linelen_ = kLineMax;
      state_ = State::tail;
      head_done(line_, linelen_, nullptr, 0, off(p + need - 1), false);
      p += need;
    } else {
      std::memcpy(line_ + linelen_, p, avail);
      linelen_ += avail;
      return;
    }
  }
  for (;;) {
    if (state_ == State::tail) {
      const char* nl = static_cast<const char*>(std::memchr(p, '\n', size_t(e - p)));
      const char* te = nl ? nl : e;
      if (te > p) tail_bytes(p, size_t(te - p), off(p));
      if (!nl) return;
      tail_end(off(nl));
      p = nl + 1;
      state_ = State::line_start;
    }
    const size_t headmax = kLineMax - stamplen_;
    while (p < e) {
      size_t avail = size_t(e - p);
      const char* nl =
          static_cast<const char*>(std::memchr(p, '\n', avail < headmax ? avail : headmax));
      if (nl) {
        head_done(stamp_, stamplen_, p, size_t(nl - p), off(nl), true);
        p = nl + 1;
        continue;
      }
      if (avail >= headmax) {  // a long line: its first part, then the rest
        head_done(stamp_, stamplen_, p, headmax, off(p + headmax - 1), false);
        p += headmax;
        state_ = State::tail;
        break;
      }
      // An incomplete line: keep it (with the stamp of its first byte).
      head_off_ = off(p);
      std::memcpy(line_, stamp_, stamplen_);
      std::memcpy(line_ + stamplen_, p, avail);
      linelen_ = stamplen_ + avail;
      state_ = State::head;
      return;
    }
    if (p >= e) return;
  }
}

// End of input (or SIGTERM at a line boundary): a partial line is
// completed with a newline, then everything is written out.
void Logger::end_of_input() {
  // The reference's last read (after which our last end_read() flushed)
  // found the end of input: a partial line is completed after it.
  if (state_ == State::head) {
    head_done(line_, linelen_, nullptr, 0, in_base_, true);
  } else if (state_ == State::tail) {
    tail_end(in_base_);
  }
  state_ = State::line_start;
  write_out();
  for (size_t j = 0; j < ndirs_; ++j) dirs_[j].quit();
  if (fwd_) {
    // A last chance for stdout: up to a second while it takes something.
    while (fwd_done_) {
      pollfd pf{1, POLLOUT, 0};
      if (::poll(&pf, 1, 1000) <= 0) break;
      size_t before = fwd_done_;
      fwd_flush();
      if (fwd_done_ == before) break;
    }
    if (fwd_done_) {
      size_t lines = 0;
      for (size_t i = 0; i < fwd_done_; ++i) lines += fwd_[i] == '\n';
      fwd_drop(lines);
    }
    if (fwd_dropped_) {
      char num[20];
      lib::warn({"stdout did not take ", std::string_view(num, lib::format_u64(num, fwd_dropped_)),
                 " lines, dropped"});
    }
  }
}

// ---- 1: forwarding to stdout, never waiting for it

void Logger::fwd_add(const char* p, size_t n) {
  if (!fwd_ok_) return;
  if (kFwdBuf - fwdlen_ < n) fwd_flush();
  if (kFwdBuf - fwdlen_ < n) {  // no room: the line is dropped whole
    fwdlen_ = fwd_done_;
    fwd_ok_ = false;
    if (fwd_done_) {
      fwd_drop(1);
    } else {
      char num[20];
      lib::warn({"a line longer than ", std::string_view(num, lib::format_u64(num, kFwdBuf)),
                 " bytes is not forwarded to stdout"});
    }
    return;
  }
  std::memcpy(fwd_.get() + fwdlen_, p, n);
  fwdlen_ += n;
}

void Logger::fwd_end_line() {
  fwd_add("\n", 1);
  if (fwd_ok_) fwd_done_ = fwdlen_;
  fwd_ok_ = false;
}

void Logger::fwd_drop(size_t lines) {
  if (!fwd_dropped_) lib::warn_sys({"unable to write to stdout, dropping lines"});
  fwd_dropped_ += lines;
}

// Writes the complete lines stdout takes now.
void Logger::fwd_flush() {
  size_t w = 0;
  int e = 0;
  while (w < fwd_done_) {
    ssize_t r = ::write(1, fwd_.get() + w, fwd_done_ - w);
    if (r > 0) {
      w += size_t(r);
      continue;
    }
    if (r == -1 && errno == EINTR) continue;
    e = r == -1 ? errno : EIO;
    break;
  }
  if (e && e != EAGAIN) {
    // stdout is unusable (closed, no reader): what it holds is dropped,
    // the partly written line first completed in no way but counted.
    size_t lines = 0;
    for (size_t i = w; i < fwd_done_; ++i) lines += fwd_[i] == '\n';
    w = fwd_done_;
    errno = e;
    fwd_drop(lines);
  } else if (w == fwd_done_ && fwd_dropped_ && !e) {
    char num[20];
    lib::warn({"stdout takes lines again; ",
               std::string_view(num, lib::format_u64(num, fwd_dropped_)), " lines were dropped"});
    fwd_dropped_ = 0;
  }
  if (e) errno = e;
  std::memmove(fwd_.get(), fwd_.get() + w, fwdlen_ - w);
  fwdlen_ -= w;
  fwd_done_ -= w;
}

void Logger::flush_err() {
  if (errlen_) (void)lib::write_all(2, std::string_view(err_.get(), errlen_));
  errlen_ = 0;
}

// The status file holds the last selected line, rewritten in place.
void Logger::write_status(size_t k) {
  const char* f = script_.status_files[k];
  const int fd = status_fd_[k];
  const char* line = status_line_.get() + k * (kLineMax + 1);
  multilog::retry(
      [&] {
        multilog::retry([&] { return ::lseek(fd, 0, SEEK_SET) != -1; },
                        {"unable to move to beginning of ", f, ", pausing"});
        ssize_t w = lib::fd_write(fd, line, kLineMax + 1);
        if (w >= 0 && w < ssize_t(kLineMax + 1)) errno = ENOSPC;  // a short write: no room left
        return w == ssize_t(kLineMax + 1);
      },
      {"unable to write ", f, ", pausing"});
  status_dirty_[k] = 0;
}

// After each read: everything it brought in goes to disk now (a line not
// yet complete excepted).
void Logger::write_out() {
  for (size_t j = 0; j < ndirs_; ++j) dirs_[j].end_read(in_base_);
  for (size_t k = 0; k < status_fd_.size(); ++k)
    if (status_dirty_[k]) write_status(k);
  if (fwd_ && fwd_done_) fwd_flush();
  flush_err();
}

// One stamp for the whole read: every line it brought in arrived then.
void Logger::make_stamp() {
  const lib::Tai64n now = lib::tai64n_now();
  size_t k = 0;
  if (script_.timestamp) {
    stamp_[0] = '@';
    lib::tai64n_hex(now, stamp_ + 1);
    stamp_[25] = ' ';
    k = kStampLen;
  }
  if (script_.local_stamp) {
    size_t m = local_.format(lib::tai64n_unix_sec(now), now.nano, stamp_ + k);
    if (m) {
      k += m;
      stamp_[k++] = ' ';
    }
  }
  if (prefixlen_) std::memcpy(stamp_ + k, script_.prefix, prefixlen_);
  stamplen_ = k + prefixlen_;
}

// r: rotates each directory whose current is due, and says how long poll
// may wait for the next (-1: no limit).
void Logger::time_rotations(int& timeout_ms) {
  timeout_ms = -1;
  uint64_t now = 0;
  for (size_t j = 0; j < ndirs_; ++j) {
    uint64_t due = dirs_[j].due();
    if (!due) continue;
    if (!now) now = lib::now_ns();
    if (now >= due) {
      dirs_[j].time_rotate();
      due = dirs_[j].due();
      if (!due) continue;
    }
    uint64_t ms = due > now ? (due - now + 999999) / 1000000 : 0;
    if (ms > 1000000) ms = 1000000;
    if (timeout_ms == -1 || int(ms) < timeout_ms) timeout_ms = int(ms);
  }
}

void Logger::run() {
  if (tee_setup()) {
    run_tee();
  } else {
    run_read();
  }
  end_of_input();
  if (ep_ != -1) consume(in_base_);
}

void Logger::rotate_if_alarmed() {
  multilog::Signals& sig = multilog::signals();
  if (!sig.alrm) return;
  sig.alrm = false;
  for (size_t j = 0; j < ndirs_; ++j) dirs_[j].force_rotate();
}

// Not a pipe: each read takes its bytes from the input.
void Logger::run_read() {
  multilog::Signals& sig = multilog::signals();
  for (;;) {
    // Signals may also have been taken during a pause, so the flags are
    // looked at before each poll.
    rotate_if_alarmed();
    // SIGTERM: stop at a line boundary, reading byte by byte to reach one
    // so that nothing after it is taken from the pipe.
    const bool exiting = sig.term;
    if (exiting && state_ == State::line_start) break;
    int timeout;
    time_rotations(timeout);
    // 1: lines stdout did not take yet go when it can take them.
    const bool fwd_wait = fwd_ && fwd_done_;
    pollfd pf[3] = {{0, POLLIN, 0}, {lib::SelfPipe::fd(), POLLIN, 0}, {1, POLLOUT, 0}};
    int pr = ::poll(pf, fwd_wait ? 3 : 2, timeout);
    if (pr == 0) continue;
    if (fwd_wait && pf[2].revents) {
      fwd_flush();
      flush_err();
      if (!(pf[0].revents | pf[1].revents)) continue;
    }
    if (pr == -1) {
      if (errno == EINTR) continue;
      lib::die_sys(temp, {"unable to poll"});
    }
    if (pf[1].revents) {  // signals first, as the reference before a read
      multilog::take_signals();
      continue;
    }
    ssize_t r = ::read(0, in_.get(), exiting ? 1 : kInBuf);
    if (r == -1) {
      if (errno == EINTR || errno == EAGAIN) continue;
      break;  // as the reference: a read error ends the input
    }
    if (r == 0) break;
    if (stamped_) make_stamp();
    process(in_.get(), size_t(r));
    in_base_ += uint64_t(r);
    write_out();
  }
}

// stdin is a pipe and tee(2) works on it: a private pipe, a sink and an
// epoll set. Anything missing: false, and the input is read as from a file.
bool Logger::tee_setup() {
  struct stat st;
  if (::fstat(0, &st) == -1 || !S_ISFIFO(st.st_mode)) return false;
  if (::pipe2(priv_, O_CLOEXEC) == -1) return false;
  // The pipe stays full until what was looked at is written: with room
  // for 4 chunks the writer goes on meanwhile instead of waiting for
  // multilog (the read path's overlap). A chunk is 64 KB at first (256 KB
  // once a fast writer shows up, see tee_grow), so what a kill can make
  // written twice is one chunk. Best effort: a smaller pipe only costs
  // speed.
  if (::fcntl(0, F_GETPIPE_SZ) < int(4 * kTeeMin)) (void)::fcntl(0, F_SETPIPE_SZ, int(4 * kTeeMin));
  (void)::fcntl(priv_[1], F_SETPIPE_SZ, int(kTeeMin));
  const int priv = ::fcntl(priv_[1], F_GETPIPE_SZ);
  chunk_ = priv > 0 && size_t(priv) < kTeeMin ? size_t(priv) : kTeeMin;
  sink_ = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  ep_ = ::epoll_create1(EPOLL_CLOEXEC);
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLET;
  if (sink_ == -1 || ep_ == -1 || ::epoll_ctl(ep_, EPOLL_CTL_ADD, 0, &ev) == -1) {
    ::close(priv_[0]);
    ::close(priv_[1]);
    if (sink_ != -1) ::close(sink_);
    if (ep_ != -1) ::close(ep_);
    ep_ = -1;
    return false;
  }
  return true;
}

// A look took a whole chunk: the writer is fast, and bigger chunks (fewer
// system calls and wake-ups per megabyte) with a pipe of 4 of them (1 MB)
// pay. Tried once: a pipe that is never filled keeps its size, and an
// unprivileged user's pipe memory (pipe-user-pages-soft) is spent only on
// the logs that need it. Refused (pipe-max-size, that limit): the chunk
// stays as it is.
void Logger::tee_grow() {
  grown_ = true;
  if (::fcntl(0, F_GETPIPE_SZ) < int(4 * kTeeMax) && ::fcntl(0, F_SETPIPE_SZ, int(4 * kTeeMax)) == -1)
    return;
  if (::fcntl(priv_[1], F_SETPIPE_SZ, int(kTeeMax)) == -1) return;
  chunk_ = kTeeMax;
}

// Takes from stdin what has been written: the input up to upto.
void Logger::consume(uint64_t upto) {
  while (consumed_ < upto) {
    size_t want = upto - consumed_;
    ssize_t r = ::splice(0, nullptr, sink_, nullptr, want, SPLICE_F_NONBLOCK);
    if (r == -1 && errno == EINVAL) r = ::read(0, in_.get(), want < kInBuf ? want : kInBuf);
    if (r == -1 && errno == EINTR) continue;
    if (r <= 0) return;  // the bytes were in the pipe: cannot happen
    consumed_ += uint64_t(r);
  }
}

// Copies what stdin holds into in_ without taking it from stdin and
// processes what is new in it (exiting: up to the end of the first line).
// Returns how many new bytes were processed, 0 if none, -1 at end of input.
int Logger::tee_take(bool exiting) {
  full_ = false;
  ssize_t r = ::tee(0, priv_[1], chunk_, SPLICE_F_NONBLOCK);
  if (r == 0) return -1;  // empty and no writer left
  if (r == -1) {
    if (errno == EAGAIN || errno == EINTR) return 0;
    return -1;  // as a read error: the end of the input
  }
  full_ = size_t(r) == chunk_;
  size_t got = 0;
  while (got < size_t(r)) {
    ssize_t k = ::read(priv_[0], in_.get() + got, size_t(r) - got);
    if (k == -1 && errno == EINTR) continue;
    if (k <= 0) lib::die_sys(temp, {"unable to read a pipe"});
    got += size_t(k);
  }
  // The pipe starts at consumed_; what was processed already is skipped.
  const size_t old = size_t(in_base_ - consumed_);
  if (got <= old) return 0;
  const char* b = in_.get() + old;
  size_t n = got - old;
  if (exiting) {
    const char* nl = static_cast<const char*>(std::memchr(b, '\n', n));
    if (nl) n = size_t(nl - b) + 1;
  }
  if (stamped_) make_stamp();
  process(b, n);
  in_base_ += uint64_t(n);
  write_out();
  consume(state_ == State::head ? head_off_ : in_base_);
  if (full_ && !grown_) tee_grow();
  return int(n > 0x7fffffff ? 0x7fffffff : n);
}

// stdin is a pipe: input is taken from it only once written, so a SIGKILL
// loses nothing; a restarted multilog finds what was not written still in
// the pipe (the last chunk, at worst, is written twice). A line not yet
// complete stays in the pipe: while nothing else arrives multilog waits
// for new input on an edge-triggered epoll set.
void Logger::run_tee() {
  multilog::Signals& sig = multilog::signals();
  bool stuck = false;  // stdin holds nothing new: wait for an edge
  int64_t backoff = 50;  // us
  for (;;) {
    rotate_if_alarmed();
    const bool exiting = sig.term;
    if (exiting && state_ == State::line_start) break;
    int timeout;
    time_rotations(timeout);
    const bool fwd_wait = fwd_ && fwd_done_;
    // The last look took a whole chunk: the next is looked at at once,
    // without a poll, unless a signal or stdout wants attention.
    if (!full_ || fwd_wait || lib::SelfPipe::pending()) {
      // A writer that fills the pipe while it still holds our bytes sleeps
      // without waking its reader (the kernel wakes it when the pipe was
      // empty, or when the write completes): waiting for an edge is bounded
      // by a back-off, 50 us doubled up to a second while nothing comes.
      int64_t wait_us = timeout == -1 ? -1 : int64_t(timeout) * 1000;
      if (stuck && (wait_us == -1 || wait_us > backoff)) wait_us = backoff;
      timespec ts{time_t(wait_us / 1000000), long(wait_us % 1000000) * 1000};
      pollfd pf[3] = {{stuck ? ep_ : 0, POLLIN, 0}, {lib::SelfPipe::fd(), POLLIN, 0},
                      {1, POLLOUT, 0}};
      int pr = ::ppoll(pf, fwd_wait ? 3 : 2, wait_us == -1 ? nullptr : &ts, nullptr);
      if (pr == 0 && !stuck) continue;
      if (pr == -1) {
        if (errno == EINTR) continue;
        lib::die_sys(temp, {"unable to poll"});
      }
      if (fwd_wait && pf[2].revents) {
        fwd_flush();
        flush_err();
        if (!(pf[0].revents | pf[1].revents) && pr) continue;
      }
      if (pf[1].revents) {
        multilog::take_signals();
        continue;
      }
      if (pr == 0 && backoff < 1000000) backoff = backoff * 2 > 1000000 ? 1000000 : backoff * 2;
    }
    int t = tee_take(exiting);
    if (t == -1) break;
    if (t > 0) {
      stuck = false;
      backoff = 50;
      continue;
    }
    // Nothing new. The edge that woke us is spent first, then stdin is
    // looked at again: anything written after that makes a new edge.
    epoll_event ev;
    while (::epoll_wait(ep_, &ev, 1, 0) > 0) {
    }
    t = tee_take(exiting);
    if (t == -1) break;
    if (t > 0) {
      stuck = false;
      backoff = 50;
      continue;
    }
    // Only bytes already processed (a line not complete): the end of the
    // input if no writer is left.
    pollfd hup{0, POLLIN, 0};
    if (::poll(&hup, 1, 0) == 1 && (hup.revents & POLLHUP)) break;
    stuck = true;
  }
}

}  // namespace

int main(int argc, char** argv) {
  lib::set_prog("multilog");
  lib::nomem_is_fatal();
  ::umask(022);
  if (!lib::SelfPipe::init() || !lib::SelfPipe::catch_signal(SIGTERM) ||
      !lib::SelfPipe::catch_signal(SIGALRM))
    lib::die_sys(temp, {"unable to set up signals"});
  // A mask inherited from whoever started multilog must not keep them out
  // (0.76 unblocks them around each read).
  sigset_t caught;
  sigemptyset(&caught);
  sigaddset(&caught, SIGTERM);
  sigaddset(&caught, SIGALRM);
  ::sigprocmask(SIG_UNBLOCK, &caught, nullptr);
  multilog::reaper_start();  // without it, files are simply freed in line
  multilog::LogScript script = multilog::parse_log_script(argc - 1, argv + 1);
  // As 0.76 ignores what it does not know, a new action written wrongly
  // is ignored too, but said.
  for (const char* a : script.malformed) lib::warn({"ignoring malformed action ", a});
  Logger logger(std::move(script));
  logger.start();
  logger.run();
  ::_exit(0);
}
