#pragma once

// One primary-index entry: 48 bytes, packed by hand so that, with the hash
// slot and the arena's rounding, a record costs well under Aerospike's
// 64-byte budget (docs/kv_storage.md, "Primary index").

#include <cstdint>
#include <cstring>

#include "kv/storage/record.h"

namespace remora::kv::index {

// Where a record body lives. A device location names a write block (device
// index in the top 7 bits, block within the device in the low 25) and the
// byte offset of the record inside it; a memory location is a pointer.
struct DeviceLocation {
  uint32_t block_id = 0;
  uint32_t offset = 0;

  friend bool operator==(const DeviceLocation&, const DeviceLocation&) = default;
};

constexpr uint32_t kDeviceIndexBits = 7;
constexpr uint32_t kBlockIndexBits = 25;
constexpr uint32_t kMaxDevices = 1u << kDeviceIndexBits;
constexpr uint32_t kMaxBlocksPerDevice = 1u << kBlockIndexBits;

inline uint32_t makeBlockId(uint32_t device, uint32_t block) {
  return (device << kBlockIndexBits) | block;
}
inline uint32_t deviceOfBlock(uint32_t block_id) { return block_id >> kBlockIndexBits; }
inline uint32_t blockInDevice(uint32_t block_id) { return block_id & (kMaxBlocksPerDevice - 1); }

class IndexEntry {
 public:
  static constexpr uint16_t kSetIdBits = 12;
  static constexpr uint16_t kMaxSetId = (1u << kSetIdBits) - 1;

  const storage::Digest& digest() const { return digest_; }
  void setDigest(const storage::Digest& d) { digest_ = d; }

  uint32_t generation() const { return generation_; }
  void setGeneration(uint32_t g) { generation_ = g; }

  uint32_t voidTime() const { return void_time_; }
  void setVoidTime(uint32_t v) { void_time_ = v; }

  // 48 bits of milliseconds since the Unix epoch last until the year 10889.
  uint64_t lastUpdateMs() const { return (static_cast<uint64_t>(lut_hi_) << 32) | lut_lo_; }
  void setLastUpdateMs(uint64_t ms) {
    lut_lo_ = static_cast<uint32_t>(ms);
    lut_hi_ = static_cast<uint16_t>(ms >> 32);
  }

  // 0 = no set; ids are handed out by the engine's SetRegistry.
  uint16_t setId() const { return set_and_flags_ & kMaxSetId; }
  void setSetId(uint16_t id) {
    set_and_flags_ = static_cast<uint16_t>((set_and_flags_ & ~kMaxSetId) | (id & kMaxSetId));
  }

  // A tombstone entry is logically deleted but still pins an on-device copy
  // (a tombstone record, or an expired record) that must outlive every older
  // version of the digest on the device.
  bool tombstone() const { return (set_and_flags_ & kTombstoneFlag) != 0; }
  void setTombstone(bool t) {
    set_and_flags_ = static_cast<uint16_t>(t ? (set_and_flags_ | kTombstoneFlag)
                                             : (set_and_flags_ & ~kTombstoneFlag));
  }

  // The record's body holds a user key (sent with POLICY_KEY_SEND): a write
  // that must check or keep it reads the body; others need not.
  bool hasUserKey() const { return (set_and_flags_ & kUserKeyFlag) != 0; }
  void setHasUserKey(bool k) {
    set_and_flags_ = static_cast<uint16_t>(k ? (set_and_flags_ | kUserKeyFlag)
                                             : (set_and_flags_ & ~kUserKeyFlag));
  }

  DeviceLocation deviceLocation() const { return {loc_a_, loc_b_}; }
  void setDeviceLocation(DeviceLocation loc) {
    loc_a_ = loc.block_id;
    loc_b_ = loc.offset;
  }

  // The memory engine keeps a pointer in the same 8 bytes.
  void* memoryLocation() const {
    uint64_t bits = (static_cast<uint64_t>(loc_b_) << 32) | loc_a_;
    void* p;
    std::memcpy(&p, &bits, sizeof(p));
    return p;
  }
  void setMemoryLocation(void* p) {
    uint64_t bits;
    std::memcpy(&bits, &p, sizeof(bits));
    loc_a_ = static_cast<uint32_t>(bits);
    loc_b_ = static_cast<uint32_t>(bits >> 32);
  }

  // Bytes of the record body (unpadded) at the location.
  uint32_t size() const { return size_; }
  void setSize(uint32_t s) { size_ = s; }

 private:
  static constexpr uint16_t kTombstoneFlag = 1u << 15;
  static constexpr uint16_t kUserKeyFlag = 1u << 14;
  static_assert(kMaxSetId < kUserKeyFlag, "flags above the set id");

  storage::Digest digest_{};
  uint32_t generation_ = 0;
  uint32_t void_time_ = 0;
  uint32_t lut_lo_ = 0;
  uint16_t lut_hi_ = 0;
  uint16_t set_and_flags_ = 0;
  uint32_t loc_a_ = 0;
  uint32_t loc_b_ = 0;
  uint32_t size_ = 0;
};

static_assert(sizeof(IndexEntry) == 48, "index entry must stay 48 bytes");
static_assert(sizeof(void*) == 8, "memory locations assume 64-bit pointers");

}  // namespace remora::kv::index
