#pragma once

// The on-device (and in-memory) byte layout of one record; see
// docs/kv_storage.md, "Record layout". Little-endian, 16-byte aligned:
//
//   0 u32 magic 'RKVR'     4 u32 crc32c of bytes [8, total_len)
//   8 u32 total_len       12 u16 flags (bit 0 tombstone)   14 u16 set_len
//  16 u64 block_seq       24 u64 last_update_ms
//  32 u32 generation      36 u32 void_time
//  40 u8[20] digest       60 u16 n_bins   62 u8 key_type (0 = no key)  63 u8 0
//  64 set name, [u32 key_len, key], n_bins × (u8 name_len, name, u8 type,
//     u32 value_len, value), zero padding to 16
//
// block_seq names the write block this copy was written into, so that stale
// bytes left from an earlier use of a block are never taken for records.
// Pure functions; thread-safe.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/result.h"
#include "kv/storage/record.h"

namespace remora::kv::storage {

constexpr uint32_t kRecordMagic = 0x52564b52;  // "RKVR"
constexpr uint32_t kRecordHeaderSize = 64;
constexpr uint32_t kRecordAlign = 16;

inline uint32_t alignRecord(uint32_t len) { return (len + kRecordAlign - 1) & ~(kRecordAlign - 1); }

// The header fields, parsed and checksum-verified.
struct RecordHeaderView {
  uint32_t total_len = 0;
  bool tombstone = false;
  uint64_t block_seq = 0;
  uint64_t last_update_ms = 0;
  uint32_t generation = 0;
  uint32_t void_time = 0;
  Digest digest{};
  std::string_view set_name;  // points into the parsed bytes
  bool has_user_key = false;
};

// Bytes encodeRecord() will write (unpadded), or 0 if a field is too long for
// the format (set name > 65535, more than 65535 bins, bin name > 255).
uint32_t encodedRecordSize(const Record& record);

// Writes the record at `out` (which has room for alignRecord(size) bytes,
// padding zeroed) and returns the unpadded size.
uint32_t encodeRecord(const Record& record, uint64_t block_seq, uint8_t* out);
// A tombstone: the header only.
uint32_t encodeTombstone(const Digest& digest, uint32_t generation, uint64_t last_update_ms,
                         uint64_t block_seq, uint8_t* out);

// Parses and verifies the header and checksum of the record at `data`;
// errors carry kCorrupt. `framed`, if given, is set when magic and length
// were sound (so a failure was the checksum, and total_len can be skipped).
Result<RecordHeaderView> parseRecordHeader(const uint8_t* data, size_t avail,
                                           bool* framed = nullptr);
// Decodes a full (verified) record.
Result<Record> decodeRecord(const uint8_t* data, size_t avail);
// Rewrites the block_seq of an encoded record and its checksum (defrag moves).
void patchBlockSeq(uint8_t* data, uint64_t block_seq);

}  // namespace remora::kv::storage
