#include "kv/storage/record_codec.h"

#include <bit>
#include <cstring>

#include "kv/storage/crc32c.h"
#include "kv/storage/engine.h"

namespace remora::kv::storage {

static_assert(std::endian::native == std::endian::little, "the device format is little-endian");

namespace {

constexpr uint16_t kFlagTombstone = 1;

template <class T>
void put(uint8_t*& p, T v) {
  std::memcpy(p, &v, sizeof(v));
  p += sizeof(v);
}

void putBytes(uint8_t*& p, std::string_view s) {
  std::memcpy(p, s.data(), s.size());
  p += s.size();
}

template <class T>
T at(const uint8_t* base, size_t off) {
  T v;
  std::memcpy(&v, base + off, sizeof(v));
  return v;
}

Error corrupt(std::string message) {
  return makeError(std::move(message), static_cast<int>(StorageErrorCode::kCorrupt));
}

// Bounds-checked reader over the body.
class Reader {
 public:
  Reader(const uint8_t* p, size_t len) : p_(p), end_(p + len) {}
  template <class T>
  bool get(T& v) {
    if (static_cast<size_t>(end_ - p_) < sizeof(T)) return false;
    std::memcpy(&v, p_, sizeof(T));
    p_ += sizeof(T);
    return true;
  }
  bool bytes(size_t n, std::string& out) {
    if (static_cast<size_t>(end_ - p_) < n) return false;
    out.assign(reinterpret_cast<const char*>(p_), n);
    p_ += n;
    return true;
  }

 private:
  const uint8_t* p_;
  const uint8_t* end_;
};

void writeHeader(uint8_t* out, uint32_t total_len, uint16_t flags, uint16_t set_len,
                 uint64_t block_seq, uint64_t lut, uint32_t generation, uint32_t void_time,
                 const Digest& digest, uint16_t n_bins, uint8_t key_type) {
  uint8_t* p = out;
  put(p, kRecordMagic);
  put(p, uint32_t{0});  // crc, filled last
  put(p, total_len);
  put(p, flags);
  put(p, set_len);
  put(p, block_seq);
  put(p, lut);
  put(p, generation);
  put(p, void_time);
  std::memcpy(p, digest.data(), digest.size());
  p += digest.size();
  put(p, n_bins);
  put(p, key_type);
  put(p, uint8_t{0});
}

void sealChecksum(uint8_t* out, uint32_t total_len) {
  const uint32_t crc = crc32c(out + 8, total_len - 8);
  std::memcpy(out + 4, &crc, sizeof(crc));
  std::memset(out + total_len, 0, alignRecord(total_len) - total_len);
}

}  // namespace

uint32_t encodedRecordSize(const Record& record) {
  if (record.set_name.size() > 0xffff || record.bins.size() > 0xffff) {
    return 0;
  }
  uint64_t size = kRecordHeaderSize + record.set_name.size();
  if (record.user_key) {
    size += sizeof(uint32_t) + record.user_key->second.size();
  }
  for (const Bin& bin : record.bins) {
    if (bin.name.size() > 0xff) {
      return 0;
    }
    size += 1 + bin.name.size() + 1 + sizeof(uint32_t) + bin.value.size();
  }
  return size > 0xffffffffull - kRecordAlign ? 0 : static_cast<uint32_t>(size);
}

uint32_t encodeRecord(const Record& record, uint64_t block_seq, uint8_t* out) {
  const uint32_t total = encodedRecordSize(record);
  const uint8_t key_type = record.user_key ? record.user_key->first : 0;
  // Key type 0 is reserved for "no key"; a sent key always has a real type.
  writeHeader(out, total, 0, static_cast<uint16_t>(record.set_name.size()), block_seq,
              record.last_update_time_ms, record.generation, record.void_time, record.digest,
              static_cast<uint16_t>(record.bins.size()), record.user_key ? key_type : 0);
  if (record.user_key && key_type == 0) {
    out[62] = 0xff;  // a key with type 0 is still a key
  }
  uint8_t* p = out + kRecordHeaderSize;
  putBytes(p, record.set_name);
  if (record.user_key) {
    put(p, static_cast<uint32_t>(record.user_key->second.size()));
    putBytes(p, record.user_key->second);
  }
  for (const Bin& bin : record.bins) {
    put(p, static_cast<uint8_t>(bin.name.size()));
    putBytes(p, bin.name);
    put(p, bin.particle_type);
    put(p, static_cast<uint32_t>(bin.value.size()));
    putBytes(p, bin.value);
  }
  sealChecksum(out, total);
  return total;
}

uint32_t encodeTombstone(const Digest& digest, uint32_t generation, uint64_t last_update_ms,
                         uint64_t block_seq, uint8_t* out) {
  writeHeader(out, kRecordHeaderSize, kFlagTombstone, 0, block_seq, last_update_ms, generation, 0,
              digest, 0, 0);
  sealChecksum(out, kRecordHeaderSize);
  return kRecordHeaderSize;
}

Result<RecordHeaderView> parseRecordHeader(const uint8_t* data, size_t avail, bool* framed) {
  if (framed != nullptr) {
    *framed = false;
  }
  if (avail < kRecordHeaderSize || at<uint32_t>(data, 0) != kRecordMagic) {
    return corrupt("format: no record magic");
  }
  RecordHeaderView h;
  h.total_len = at<uint32_t>(data, 8);
  const uint16_t set_len = at<uint16_t>(data, 14);
  if (h.total_len < kRecordHeaderSize || h.total_len > avail ||
      kRecordHeaderSize + set_len > h.total_len) {
    return corrupt("format: record length out of range");
  }
  if (framed != nullptr) {
    *framed = true;
  }
  if (crc32c(data + 8, h.total_len - 8) != at<uint32_t>(data, 4)) {
    return corrupt("checksum mismatch");
  }
  h.tombstone = (at<uint16_t>(data, 12) & kFlagTombstone) != 0;
  h.block_seq = at<uint64_t>(data, 16);
  h.last_update_ms = at<uint64_t>(data, 24);
  h.generation = at<uint32_t>(data, 32);
  h.void_time = at<uint32_t>(data, 36);
  std::memcpy(h.digest.data(), data + 40, h.digest.size());
  h.set_name = std::string_view(reinterpret_cast<const char*>(data + kRecordHeaderSize), set_len);
  h.has_user_key = data[62] != 0;
  return h;
}

Result<Record> decodeRecord(const uint8_t* data, size_t avail) {
  auto header = parseRecordHeader(data, avail);
  if (!header) {
    return header.error();
  }
  Record record;
  record.digest = header->digest;
  record.set_name = std::string(header->set_name);
  record.generation = header->generation;
  record.void_time = header->void_time;
  record.last_update_time_ms = header->last_update_ms;
  const uint16_t n_bins = at<uint16_t>(data, 60);
  const uint8_t key_type = data[62];
  const size_t body_off = kRecordHeaderSize + header->set_name.size();
  Reader r(data + body_off, header->total_len - body_off);
  if (key_type != 0) {
    uint32_t key_len = 0;
    std::string key;
    if (!r.get(key_len) || !r.bytes(key_len, key)) {
      return corrupt("format: truncated user key");
    }
    record.user_key.emplace(key_type == 0xff ? 0 : key_type, std::move(key));
  }
  record.bins.resize(n_bins);
  for (Bin& bin : record.bins) {
    uint8_t name_len = 0;
    uint32_t value_len = 0;
    if (!r.get(name_len) || !r.bytes(name_len, bin.name) || !r.get(bin.particle_type) ||
        !r.get(value_len) || !r.bytes(value_len, bin.value)) {
      return corrupt("format: truncated bin");
    }
  }
  return record;
}

void patchBlockSeq(uint8_t* data, uint64_t block_seq) {
  std::memcpy(data + 16, &block_seq, sizeof(block_seq));
  const uint32_t total = at<uint32_t>(data, 8);
  const uint32_t crc = crc32c(data + 8, total - 8);
  std::memcpy(data + 4, &crc, sizeof(crc));
}

}  // namespace remora::kv::storage
