// Where daemontools 0.76 multilog would rotate current, computed without
// copying its byte-at-a-time I/O.
//
// The reference reads its input 1024 bytes at a time and keeps a 512-byte
// output buffer per log directory. Before every read it flushes those
// buffers; a line goes into a buffer after its newline was read (a line
// longer than 1000 bytes: its first 1000 bytes, then the rest byte by
// byte, then the newline). Each flush writes through c_write(), which
//   - rotates first if current already holds SIZE bytes;
//   - never lets current exceed SIZE bytes;
//   - once a write would bring current to SIZE-2000 bytes or more, writes
//     only up to the last newline of that write, and then, if the write
//     ended with a newline, rotates.
// So where files end depends on where the flushes fall, hence on where the
// reference's reads end. This model replays the reference's buffer and its
// flushes from the stream of line events, with the reference's reads ending
// where multilog's own reads end (end_read) and, within one of ours, every
// 1024 bytes. From a file, where every read but the last is full, multilog
// reads 512 KiB, a multiple of 1024: the reads, and so the rotations, are
// the reference's exactly. From a pipe, where a read returns what is there,
// the reference's reads fall where the writer's timing puts them; the model
// takes them to be multilog's, so that everything a read brought in is
// written before the next read, as the reference does before each of its
// reads. Output positions are offsets in the directory's output stream
// (every byte ever sent to that directory); input positions are offsets in
// multilog's input.
//
// The program keeps the real data; the model asks the sink for bytes (only
// near the end of a file, to find newlines) and tells it where to rotate.
#pragma once
#include <cstddef>
#include <cstdint>

namespace multilog {

class RotationSink {
 public:
  // Output stream bytes [pos, pos + n) with n <= what was appended.
  virtual const char* stream_data(uint64_t pos) noexcept = 0;
  // current must end at output position pos and be rotated now.
  virtual void rotate_at(uint64_t pos) noexcept = 0;

 protected:
  ~RotationSink() = default;
};

class RotationModel {
 public:
  static constexpr uint32_t kBufSize = 512;    // the reference's per-directory buffer
  static constexpr unsigned kReadShift = 10;   // its 1024-byte reads

  // size: the s value; bytes: the size of the current file at start;
  // stream_pos: the output position at start.
  RotationModel(RotationSink* sink, uint64_t size, uint64_t bytes, uint64_t stream_pos) noexcept
      : sink_(sink), size_(size), bytes_(bytes), wpos_(stream_pos) {}

  // n bytes (a line's first part, at most 1000) were appended to the stream
  // after the reference's read of input offset in_last.
  void put(uint32_t n, uint64_t in_last) noexcept {
    sync_read(in_last);
    if (n > kBufSize - p_) {
      flush();
      if (n > kBufSize) {  // too big for the buffer: written at once
        write(n);
        return;
      }
    }
    p_ += n;
  }
  // One byte (the newline, or a byte of a long line's rest) read at in_off.
  void put_byte(uint64_t in_off) noexcept {
    sync_read(in_off);
    if (p_ == kBufSize) flush();
    ++p_;
  }
  // n bytes of a long line's rest, read one by one from input offset in_off.
  void put_bytes(uint64_t n, uint64_t in_off) noexcept;
  // One of multilog's reads ended at input offset in_off: the reference
  // flushes before its next read, which starts there.
  void end_read(uint64_t in_off) noexcept {
    flush();
    origin_ = in_off;
    epoch_ = 0;
  }
  // A flush outside the rhythm of reads (SIGALRM, end of input).
  void flush() noexcept {
    if (p_) {
      uint32_t n = p_;
      p_ = 0;
      write(n);
    }
  }
  // SIGALRM: flush, then rotate if current is not empty. True if rotated.
  bool force_rotate() noexcept;

  uint64_t bytes() const noexcept { return bytes_; }      // the reference's size of current
  uint64_t written() const noexcept { return wpos_; }     // output position it has written to
  uint64_t end() const noexcept { return wpos_ + p_; }    // output position of all data put
  uint32_t buffered() const noexcept { return p_; }

 private:
  // The reference reads 1024 bytes at a time from origin_ on, and flushes
  // before each read.
  void sync_read(uint64_t in_off) noexcept {
    uint64_t e = in_off > origin_ ? (in_off - origin_) >> kReadShift : 0;
    if (e > epoch_) {
      flush();
      epoch_ = e;
    }
  }
  void write(uint64_t n) noexcept;  // the reference's allwrite through c_write
  void rotate() noexcept {
    sink_->rotate_at(wpos_);
    bytes_ = 0;
  }

  RotationSink* sink_;
  uint64_t size_;
  uint64_t bytes_;
  uint64_t wpos_;
  uint32_t p_ = 0;
  uint64_t origin_ = 0;  // input offset where the current read of ours started
  uint64_t epoch_ = 0;   // which 1024-byte read of the reference, from origin_
};

}  // namespace multilog
