#pragma once

// Counters, gauges and histograms with Envoy's names. Each stat keeps one slot
// per thread shard (the main thread and every worker); a thread writes only its
// own slot, without locks, and readers merge the slots. Stats are made through
// a Store, live as long as it, and references to them stay valid.

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace remora::stats {

// The shard of the calling thread: 0 for the main thread (and any thread that
// never called setThreadShard), 1..N for workers.
void setThreadShard(uint32_t shard);
uint32_t threadShard();

namespace detail {
struct alignas(64) Slot {
  std::atomic<int64_t> value{0};
};
}  // namespace detail

class Counter {
 public:
  Counter(std::string name, uint32_t shards);
  void inc(uint64_t amount = 1) {
    slots_[threadShard() % shards_].value.fetch_add(static_cast<int64_t>(amount),
                                                    std::memory_order_relaxed);
  }
  uint64_t value() const;
  const std::string& name() const { return name_; }

 private:
  std::string name_;
  uint32_t shards_;
  std::unique_ptr<detail::Slot[]> slots_;
};

// A gauge is the sum of its per-shard deltas, so inc/dec may happen on
// different threads (a connection counted on one worker, a pool on another).
class Gauge {
 public:
  Gauge(std::string name, uint32_t shards);
  void inc(int64_t amount = 1) {
    slots_[threadShard() % shards_].value.fetch_add(amount, std::memory_order_relaxed);
  }
  void dec(int64_t amount = 1) { inc(-amount); }
  // Sets the value as seen by readers (main-thread gauges such as expiry days).
  void set(int64_t value);
  int64_t value() const;
  const std::string& name() const { return name_; }

 private:
  std::string name_;
  uint32_t shards_;
  std::unique_ptr<detail::Slot[]> slots_;
};

// Log-linear buckets (8 sub-buckets per power of two: under 12.5% error),
// values are unitless (callers record microseconds or bytes).
class Histogram {
 public:
  static constexpr int kSubBucketBits = 3;
  static constexpr int kBuckets = 64 << kSubBucketBits;

  Histogram(std::string name, uint32_t shards);
  void record(uint64_t value);
  const std::string& name() const { return name_; }

  struct Summary {
    uint64_t count = 0;
    uint64_t sum = 0;
    uint64_t max = 0;
    // Upper bound of the bucket holding the quantile.
    uint64_t quantile(double q) const;
    std::vector<uint64_t> buckets;  // merged counts, kBuckets long
  };
  Summary summarize() const;
  static uint64_t bucketUpperBound(int bucket);
  static int bucketFor(uint64_t value);

 private:
  struct Shard {
    std::unique_ptr<std::atomic<uint64_t>[]> counts;
    std::atomic<uint64_t> count{0};
    std::atomic<uint64_t> sum{0};
    std::atomic<uint64_t> max{0};
  };
  std::string name_;
  uint32_t shards_;
  std::unique_ptr<Shard[]> data_;
};

}  // namespace remora::stats
