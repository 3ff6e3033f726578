#pragma once

// Helpers for the storage and index tests: temp dirs, deterministic digests
// and records, a manual clock.

#include <stdlib.h>

#include <atomic>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <string>

#include "kv/storage/clock.h"
#include "kv/storage/record.h"

namespace remora::kv::storage::testing {

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/remora_kvs_XXXXXX";
    const char* p = ::mkdtemp(tmpl);
    path_ = p != nullptr ? p : "";
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline uint64_t splitmix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

// A uniformly spread digest per integer, like RIPEMD-160 output.
inline Digest digestFor(uint64_t i) {
  Digest d{};
  for (size_t off = 0; off < d.size(); off += 8) {
    const uint64_t v = splitmix(i * 3 + off);
    std::memcpy(d.data() + off, &v, std::min<size_t>(8, d.size() - off));
  }
  return d;
}

inline Record makeRecord(uint64_t i, uint32_t generation = 1, size_t value_bytes = 100,
                         const std::string& set = "demo") {
  Record r;
  r.digest = digestFor(i);
  r.set_name = set;
  r.generation = generation;
  r.last_update_time_ms = 1700000000000ull + generation;
  r.user_key = std::make_pair(uint8_t{3}, "key-" + std::to_string(i));
  Bin a{"name", 3, "value-" + std::to_string(i) + "-gen-" + std::to_string(generation)};
  Bin b{"pad", 4, std::string(value_bytes, static_cast<char>('a' + (i + generation) % 26))};
  r.bins = {a, b};
  return r;
}

// Time that moves only when told to.
class ManualClock : public Clock {
 public:
  explicit ManualClock(uint64_t now_ms = 1700000000000ull) : now_ms_(now_ms) {}
  uint64_t nowMs() const override { return now_ms_.load(); }
  void advanceMs(uint64_t ms) { now_ms_ += ms; }

 private:
  std::atomic<uint64_t> now_ms_;
};

}  // namespace remora::kv::storage::testing
