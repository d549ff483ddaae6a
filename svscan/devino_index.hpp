// An index from (device, inode) to a small integer, for svscan's table of
// services: a service directory is known by its device and inode, as in
// daemontools, so a renamed directory is not started twice.
//
// Open addressing with linear probing over a power-of-two array of slots.
// It never allocates except in reserve(); callers size it ahead (svscan
// does so only when its table of services grows, in doubling steps) and
// rebuild it after removals (clear() then insert() each live entry): both
// are rare, so there is no deletion in place.
#pragma once
#include <stdint.h>
#include <sys/types.h>

namespace svscan {

class DevInoIndex {
 public:
  DevInoIndex() = default;
  DevInoIndex(const DevInoIndex&) = delete;
  DevInoIndex& operator=(const DevInoIndex&) = delete;
  ~DevInoIndex();

  // Makes room for at least n entries at a load of at most one half.
  // Forgets every entry. false on ENOMEM (the old contents are kept).
  bool reserve(size_t n) noexcept;
  // Forgets every entry; keeps the capacity.
  void clear() noexcept;
  // The value stored for (dev, ino), or -1.
  int find(dev_t dev, ino_t ino) const noexcept;
  // Stores value (>= 0) for (dev, ino), replacing any old one. The caller
  // keeps the entry count within the reserved capacity; false if full.
  bool insert(dev_t dev, ino_t ino, int value) noexcept;
  size_t capacity() const noexcept { return cap_ / 2; }

 private:
  struct Slot {
    uint64_t dev, ino;
    int value;  // -1: empty
  };
  size_t slot_of(uint64_t dev, uint64_t ino) const noexcept;
  Slot* slots_ = nullptr;
  size_t cap_ = 0;  // slots, a power of two
  size_t used_ = 0;
};

}  // namespace svscan
