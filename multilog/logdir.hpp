// One multilog log directory: its files, its output buffer and its
// rotations, with daemontools 0.76 semantics (see multilog.cpp).
#pragma once
#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "lib/err.hpp"
#include "multilog/logscript.hpp"
#include "multilog/pause.hpp"
#include "multilog/rotation.hpp"

namespace multilog {

class LogDir final : public multilog::RotationSink {
 public:
  LogDir() = default;
  LogDir(const LogDir&) = delete;
  LogDir& operator=(const LogDir&) = delete;
  ~LogDir() { delete[] out_; }

  // Allocates the output buffer (buffer bytes), before start().
  void allocate(size_t buffer) {
    out_ = new char[buffer];
    cap_ = buffer;
  }
  // Opens, locks and recovers the directory as the reference's start-up
  // does; exits 111 with a message on failure.
  void start(const multilog::LogDirSpec& spec);

  bool selected = false;  // the current line goes here

  // Appends a, b and (if nl) a newline to the output.
  void append(const char* a, size_t an, const char* b, size_t bn, bool nl) noexcept {
    size_t k = an + bn + (nl ? 1 : 0);
    if (len_ + k > cap_) make_room(k);
    char* o = out_ + len_;
    if (an) std::memcpy(o, a, an);  // a or b may be null when empty
    if (bn) std::memcpy(o + an, b, bn);
    if (nl) o[an + bn] = '\n';
    len_ += k;
  }
  // The rest of a long line, n bytes read from input offset in_off.
  void append_tail(const char* p, size_t n, uint64_t in_off) noexcept;

  multilog::RotationModel& model() noexcept { return model_; }

  // One of multilog's reads ended at input offset in_off: writes to disk
  // everything appended so far (the reference flushes before a read).
  void end_read(uint64_t in_off) noexcept {
    model_.end_read(in_off);
    write_to(model_.end());
  }
  // SIGALRM: rotate current if it is not empty.
  void force_rotate() noexcept { model_.force_rotate(); }
  // r: when current is due for rotation by time (lib::now_ns()), or 0:
  // never (no r, or current empty).
  uint64_t due() const noexcept { return born_ && period_ ? born_ + period_ : 0; }
  // r: current is due; rotates it (it is not empty).
  void time_rotate() noexcept {
    if (!model_.force_rotate()) born_ = 0;
  }
  // End of input: write everything, sync, and mark current finished.
  void quit() noexcept;

  // RotationSink
  const char* stream_data(uint64_t pos) noexcept override { return out_ + (pos - base_); }
  void rotate_at(uint64_t pos) noexcept override;

 private:
  void make_room(size_t k) noexcept;
  void write_to(uint64_t end) noexcept;
  void full_current() noexcept;
  void start_writeback() noexcept;
  static constexpr uint64_t kWritebackChunk = 1 << 20;
  void finish(const char* file, char code) noexcept;
  int files_fit() noexcept;
  void run_processor() noexcept;

  const char* dir_ = nullptr;
  const char* processor_ = nullptr;
  uint64_t size_ = 0, num_ = 0;
  uint64_t total_ = 0;   // S, 0: none
  uint64_t period_ = 0;  // r in nanoseconds, 0: none
  uint64_t born_ = 0;    // lib::now_ns() when current got its first byte; 0: empty
  int dfd_ = -1, lock_ = -1, cur_ = -1;

  // out_[0, len_) holds output stream bytes [base_, base_ + len_); real_ is
  // how far they are on disk.
  char* out_ = nullptr;
  size_t cap_ = 0, len_ = 0;
  uint64_t base_ = 0, real_ = 0;
  uint64_t cur_size_ = 0, cur_synced_ = 0;  // bytes in current; how many were sent to disk
  multilog::RotationModel model_{this, multilog::kLogSizeDefault, 0, 0};
};

}  // namespace multilog
