#include "kv/index/partition_table.h"

#include <cstring>

namespace remora::kv::index {

namespace {
constexpr uint32_t kIndexMask = (1u << 24) - 1;
constexpr uint32_t kInitialSlots = 16;
// glibc malloc's per-allocation header; counted so the budget is honest.
constexpr uint64_t kMallocOverhead = 16;
}  // namespace

uint64_t PartitionTable::hashOf(const storage::Digest& d) {
  // The digest is already a cryptographic hash, but bytes 0..1 pick the
  // partition, so within one partition they carry no information.
  uint64_t h;
  std::memcpy(&h, d.data() + 4, sizeof(h));
  return h;
}

size_t PartitionTable::homeOf(uint64_t hash) const {
  // Multiply-shift range reduction, so capacity need not be a power of two
  // and can grow by 1.5x (doubling would waste up to half the slots).
  return static_cast<size_t>(((hash >> 32) * slots_.size()) >> 32);
}

int64_t PartitionTable::findSlot(const storage::Digest& digest, uint64_t hash) {
  if (slots_.empty()) {
    return -1;
  }
  const uint32_t tag = tagOf(hash);
  for (size_t pos = homeOf(hash);; pos = next(pos)) {
    const uint32_t slot = slots_[pos];
    if (slot == 0) {
      return -1;
    }
    if ((slot >> 24) == tag && entryAt((slot & kIndexMask) - 1).digest() == digest) {
      return static_cast<int64_t>(pos);
    }
  }
}

IndexEntry* PartitionTable::find(const storage::Digest& digest) {
  const int64_t pos = findSlot(digest, hashOf(digest));
  return pos < 0 ? nullptr : &entryAt((slots_[pos] & kIndexMask) - 1);
}

void PartitionTable::prefetch(const storage::Digest& digest) const {
  if (slots_.empty()) {
    return;
  }
  __builtin_prefetch(slots_.data() + homeOf(hashOf(digest)));
  if (next_unused_ % kChunkEntries != 0) {
    // Where an insert puts its entry (unless a freed one is reused).
    __builtin_prefetch(last_chunk_ + next_unused_ % kChunkEntries, 1);
  }
}

IndexEntry& PartitionTable::allocateEntry(uint32_t& index) {
  // count_ < next_unused_ says whether a freed entry exists without touching
  // free_entries_ (another cache line).
  if (count_ < next_unused_ && !free_entries_.empty()) {
    index = free_entries_.back();
    free_entries_.pop_back();
    return entryAt(index);
  }
  if (next_unused_ % kChunkEntries == 0) {
    if (arena_ == nullptr) {
      own_arena_ = std::make_unique<EntryArena>(kChunkEntries);
      arena_ = own_arena_.get();
    }
    last_chunk_ = arena_->allocate();
    chunks_.push_back(last_chunk_);
  }
  index = next_unused_++;
  return last_chunk_[index % kChunkEntries];
}

IndexEntry* PartitionTable::findOrInsert(const storage::Digest& digest, bool& created) {
  const uint64_t hash = hashOf(digest);
  const int64_t found = findSlot(digest, hash);
  if (found >= 0) {
    created = false;
    return &entryAt((slots_[found] & kIndexMask) - 1);
  }
  if (count_ >= kMaxEntries) {
    return nullptr;
  }
  // Load factor at most 4/5; the 8-bit tags keep probing off the entries.
  if ((static_cast<uint64_t>(count_) + 1) * 5 > static_cast<uint64_t>(slots_.size()) * 4) {
    grow();
  }
  uint32_t index = 0;
  IndexEntry& entry = allocateEntry(index);
  entry = IndexEntry{};
  entry.setDigest(digest);
  size_t pos = homeOf(hash);
  while (slots_[pos] != 0) {
    pos = next(pos);
  }
  slots_[pos] = (tagOf(hash) << 24) | (index + 1);
  ++count_;
  created = true;
  return &entry;
}

void PartitionTable::grow() {
  // Rebuilt from the entries in allocation order, not from the old slots:
  // the digests are then read sequentially through the chunks instead of
  // one cache miss per slot, which made growth the index's main cost.
  const size_t capacity = slots_.empty() ? kInitialSlots : slots_.size() + slots_.size() / 2;
  std::vector<bool> freed;
  if (!free_entries_.empty()) {
    freed.assign(next_unused_, false);
    for (uint32_t index : free_entries_) freed[index] = true;
  }
  slots_.assign(capacity, 0);
  slots_.shrink_to_fit();
  for (uint32_t index = 0; index < next_unused_; ++index) {
    if (!freed.empty() && freed[index]) {
      continue;
    }
    const uint64_t hash = hashOf(entryAt(index).digest());
    size_t pos = homeOf(hash);
    while (slots_[pos] != 0) {
      pos = next(pos);
    }
    slots_[pos] = (tagOf(hash) << 24) | (index + 1);
  }
}

bool PartitionTable::erase(const storage::Digest& digest) {
  const int64_t found = findSlot(digest, hashOf(digest));
  if (found < 0) {
    return false;
  }
  size_t hole = static_cast<size_t>(found);
  free_entries_.push_back((slots_[hole] & kIndexMask) - 1);
  // Backward-shift deletion: no tombstone slots, so lookups never degrade.
  for (size_t pos = next(hole); slots_[pos] != 0; pos = next(pos)) {
    const size_t home = homeOf(hashOf(entryAt((slots_[pos] & kIndexMask) - 1).digest()));
    // Move the slot back if its home is not in the cyclic range (hole, pos].
    const bool home_in_range =
        hole <= pos ? (home > hole && home <= pos) : (home > hole || home <= pos);
    if (!home_in_range) {
      slots_[hole] = slots_[pos];
      hole = pos;
    }
  }
  slots_[hole] = 0;
  --count_;
  return true;
}

void PartitionTable::forEach(const std::function<void(IndexEntry&)>& visit) {
  for (uint32_t slot : slots_) {
    if (slot != 0) {
      visit(entryAt((slot & kIndexMask) - 1));
    }
  }
}

uint64_t PartitionTable::memoryBytes() const {
  uint64_t bytes = 0;
  if (!slots_.empty()) {
    bytes += slots_.capacity() * sizeof(uint32_t) + kMallocOverhead;
  }
  if (own_arena_ != nullptr) {
    bytes += own_arena_->memoryBytes();
  }
  if (chunks_.capacity() != 0) {
    bytes += chunks_.capacity() * sizeof(void*) + kMallocOverhead;
  }
  if (free_entries_.capacity() != 0) {
    bytes += free_entries_.capacity() * sizeof(uint32_t) + kMallocOverhead;
  }
  return bytes;
}

}  // namespace remora::kv::index
