#pragma once

// The primary index of one partition: an open-addressing hash table of 32-bit
// slots pointing into a chunked arena of 48-byte entries. No per-record heap
// node: a record costs its entry plus ~4/load-factor bytes of slot.
//
// Threads: not synchronised. The owner (PrimaryIndex's user) holds the
// partition's lock around every call; entry pointers stay valid until the
// entry is erased, across rehashes.

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "kv/index/entry_arena.h"
#include "kv/index/index_entry.h"

namespace remora::kv::index {

// Cache-line aligned, with the fields every insert touches in the first line:
// with 4096 partitions a table's header is usually a cache miss.
class alignas(64) PartitionTable {
 public:
  // One arena chunk; small so the tail waste of 4096 partitions stays low.
  static constexpr uint32_t kChunkEntries = 16;
  // Slots hold (tag << 24) | (entry index + 1); 0 is empty.
  static constexpr uint32_t kMaxEntries = (1u << 24) - 2;

  // Entries come from `arena` (shared by the partitions of one index), or
  // from a private one when null.
  explicit PartitionTable(EntryArena* arena = nullptr) : arena_(arena) {}
  // For tables made in an array: must be called before the first insert.
  void setArena(EntryArena* arena) { arena_ = arena; }
  PartitionTable(const PartitionTable&) = delete;
  PartitionTable& operator=(const PartitionTable&) = delete;

  IndexEntry* find(const storage::Digest& digest);
  // Returns the entry for `digest`, creating a zeroed one (digest set) if it
  // is absent; `created` tells which. nullptr only when the partition is full
  // (kMaxEntries).
  IndexEntry* findOrInsert(const storage::Digest& digest, bool& created);
  // Returns true if the digest was present.
  bool erase(const storage::Digest& digest);
  // Starts loading the slot a lookup of `digest` reads first, and the chunk
  // line a new entry would take, so a later find/findOrInsert does not wait
  // for them. A hint: changes nothing.
  void prefetch(const storage::Digest& digest) const;

  // Visits every entry. The visitor must not insert or erase.
  void forEach(const std::function<void(IndexEntry&)>& visit);

  uint32_t size() const { return count_; }
  // True when the next insert of a new digest may allocate (grow the slots
  // or take a chunk), i.e. when memoryBytes() may change.
  bool mayAllocateOnInsert() const {
    return (static_cast<uint64_t>(count_) + 1) * 5 > static_cast<uint64_t>(slots_.size()) * 4 ||
           (count_ == next_unused_ && next_unused_ % kChunkEntries == 0);
  }
  // Heap bytes held (slots and bookkeeping, plus a private arena's slabs;
  // a shared arena is counted by its owner), including an estimate of the
  // allocator's per-block overhead, so the 64 B/record budget is honest.
  uint64_t memoryBytes() const;

 private:
  static uint64_t hashOf(const storage::Digest& d);
  // Low hash bits: independent of the high bits that pick the home slot.
  static uint32_t tagOf(uint64_t hash) { return static_cast<uint32_t>(hash) & 0xff; }
  size_t homeOf(uint64_t hash) const;
  size_t next(size_t pos) const { return pos + 1 == slots_.size() ? 0 : pos + 1; }

  IndexEntry& entryAt(uint32_t index) {
    return chunks_[index / kChunkEntries][index % kChunkEntries];
  }
  // Slot position of `digest`, or -1 if absent.
  int64_t findSlot(const storage::Digest& digest, uint64_t hash);
  void grow();
  // Sets `index` to the entry's index.
  IndexEntry& allocateEntry(uint32_t& index);

  // Hot: read or written by every lookup and insert (one cache line).
  std::vector<uint32_t> slots_;
  std::vector<IndexEntry*> chunks_;
  // chunks_.back(): where new entries go, without a miss on chunks_' array.
  IndexEntry* last_chunk_ = nullptr;
  uint32_t count_ = 0;
  uint32_t next_unused_ = 0;  // entries [0, next_unused_) were handed out at least once
  // Cold.
  EntryArena* arena_;                   // used once per kChunkEntries new entries
  std::vector<uint32_t> free_entries_;  // count_ == next_unused_ - free_entries_.size()
  std::unique_ptr<EntryArena> own_arena_;
};

}  // namespace remora::kv::index
