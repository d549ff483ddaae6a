#include "svscan/devino_index.hpp"

#include <stdlib.h>

namespace svscan {

DevInoIndex::~DevInoIndex() { ::free(slots_); }

bool DevInoIndex::reserve(size_t n) noexcept {
  size_t cap = 16;
  while (cap < 2 * n) cap *= 2;
  Slot* s = static_cast<Slot*>(::malloc(cap * sizeof(Slot)));
  if (!s) return false;
  ::free(slots_);
  slots_ = s;
  cap_ = cap;
  clear();
  return true;
}

void DevInoIndex::clear() noexcept {
  for (size_t i = 0; i < cap_; ++i) slots_[i].value = -1;
  used_ = 0;
}

size_t DevInoIndex::slot_of(uint64_t dev, uint64_t ino) const noexcept {
  // A 64-bit mix (splitmix64's finaliser): inode numbers are often
  // consecutive, which linear probing over raw values would cluster.
  uint64_t x = ino * 0x9e3779b97f4a7c15ULL ^ dev;
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return size_t(x) & (cap_ - 1);
}

int DevInoIndex::find(dev_t dev, ino_t ino) const noexcept {
  if (!cap_) return -1;
  for (size_t i = slot_of(dev, ino);; i = (i + 1) & (cap_ - 1)) {
    const Slot& s = slots_[i];
    if (s.value < 0) return -1;
    if (s.dev == uint64_t(dev) && s.ino == uint64_t(ino)) return s.value;
  }
}

bool DevInoIndex::insert(dev_t dev, ino_t ino, int value) noexcept {
  if (!cap_) return false;
  for (size_t i = slot_of(dev, ino);; i = (i + 1) & (cap_ - 1)) {
    Slot& s = slots_[i];
    if (s.value < 0) {
      if (used_ + 1 > cap_ / 2) return false;  // keep probes short
      s = {uint64_t(dev), uint64_t(ino), value};
      ++used_;
      return true;
    }
    if (s.dev == uint64_t(dev) && s.ino == uint64_t(ino)) {
      s.value = value;
      return true;
    }
  }
}

}  // namespace svscan
