#pragma once

// An in-memory Engine for the node's unit tests (the real engines are tested
// in tests/kv/storage), and a clock the tests move by hand.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>

#include "kv/storage/clock.h"
#include "kv/storage/engine.h"
#include "kv/storage/storage_error.h"

namespace remora::kv::node::testing {

class ManualClock : public storage::Clock {
 public:
  explicit ManualClock(uint64_t now_ms = 1700000000000ull) : now_ms_(now_ms) {}
  uint64_t nowMs() const override { return now_ms_.load(); }
  void advanceSeconds(uint64_t s) { now_ms_ += s * 1000; }

 private:
  std::atomic<uint64_t> now_ms_;
};

class FakeEngine : public storage::Engine {
 public:
  Status start() override { return okStatus(); }
  Status shutdown() override {
    shut_down = true;
    return okStatus();
  }
  Result<std::optional<storage::Record>> read(uint32_t p, const storage::Digest& d) override {
    ++reads;
    waitAtGate(d);
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = parts_[p].find(d);
    if (it == parts_[p].end()) return std::optional<storage::Record>();
    return std::optional<storage::Record>(it->second);
  }
  Result<std::optional<storage::RecordMeta>> readMeta(uint32_t p,
                                                      const storage::Digest& d) override {
    ++meta_reads;
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = parts_[p].find(d);
    if (it == parts_[p].end()) return std::optional<storage::RecordMeta>();
    const storage::Record& r = it->second;
    return std::optional<storage::RecordMeta>(storage::RecordMeta{
        r.set_name, r.generation, r.void_time, r.last_update_time_ms, r.user_key.has_value()});
  }
  Result<bool> exists(uint32_t p, const storage::Digest& d) override {
    std::lock_guard<std::mutex> lock(mutex_);
    return parts_[p].count(d) > 0;
  }
  Status write(uint32_t p, const storage::Record& r) override {
    if (fail_writes_with != storage::StorageErrorCode::kNone) {
      return storage::storageError(fail_writes_with, "injected");
    }
    std::lock_guard<std::mutex> lock(mutex_);
    parts_[p][r.digest] = r;
    return okStatus();
  }
  Result<bool> remove(uint32_t p, const storage::Digest& d) override {
    std::lock_guard<std::mutex> lock(mutex_);
    return parts_[p].erase(d) > 0;
  }
  void scan(uint32_t p, const std::function<bool(const storage::Record&)>& visit) override {
    std::map<storage::Digest, storage::Record> copy;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      copy = parts_[p];
    }
    for (const auto& [d, r] : copy) {
      if (!visit(r)) return;
    }
  }
  Status truncate(const std::string& set, uint64_t before_ms) override {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& part : parts_) {
      for (auto it = part.second.begin(); it != part.second.end();) {
        const bool pick = (set.empty() || it->second.set_name == set) &&
                          it->second.last_update_time_ms < before_ms;
        it = pick ? part.second.erase(it) : std::next(it);
      }
    }
    return okStatus();
  }
  uint64_t expire(uint32_t p, uint32_t now) override {
    std::lock_guard<std::mutex> lock(mutex_);
    uint64_t n = 0;
    for (auto it = parts_[p].begin(); it != parts_[p].end();) {
      if (it->second.void_time != 0 && it->second.void_time <= now) {
        it = parts_[p].erase(it);
        ++n;
      } else {
        ++it;
      }
    }
    return n;
  }
  storage::EngineStats stats() const override {
    std::lock_guard<std::mutex> lock(mutex_);
    storage::EngineStats s;
    for (const auto& [p, m] : parts_) s.records += m.size();
    return s;
  }
  // Reads of `d` wait (like a slow device read) until releaseReads().
  void blockReadsOf(const storage::Digest& d) {
    std::lock_guard<std::mutex> lock(gate_mutex_);
    gate_ = d;
  }
  void releaseReads() {
    std::lock_guard<std::mutex> lock(gate_mutex_);
    gate_.reset();
    gate_cv_.notify_all();
  }
  // True once `n` reads wait at the gate, false after 10 s.
  bool waitForBlockedReads(uint32_t n) {
    std::unique_lock<std::mutex> lock(gate_mutex_);
    return gate_cv_.wait_for(lock, std::chrono::seconds(10), [&] { return blocked_ >= n; });
  }

  // Raw count including expired records not yet swept.
  size_t storedRecords() const { return stats().records; }

  std::atomic<storage::StorageErrorCode> fail_writes_with{storage::StorageErrorCode::kNone};
  std::atomic<bool> shut_down{false};
  std::atomic<uint64_t> reads{0};       // read() calls (a device engine's body reads)
  std::atomic<uint64_t> meta_reads{0};  // readMeta() calls

 private:
  void waitAtGate(const storage::Digest& d) {
    std::unique_lock<std::mutex> lock(gate_mutex_);
    if (!gate_ || *gate_ != d) return;
    ++blocked_;
    gate_cv_.notify_all();
    gate_cv_.wait(lock, [&] { return !gate_ || *gate_ != d; });
  }

  std::mutex gate_mutex_;
  std::condition_variable gate_cv_;
  std::optional<storage::Digest> gate_;
  uint32_t blocked_ = 0;
  mutable std::mutex mutex_;
  std::map<uint32_t, std::map<storage::Digest, storage::Record>> parts_;
};

}  // namespace remora::kv::node::testing
