#include "common/stats/stats.h"

#include <algorithm>
#include <bit>

namespace remora::stats {

namespace {
thread_local uint32_t thread_shard = 0;
}  // namespace

void setThreadShard(uint32_t shard) { thread_shard = shard; }
uint32_t threadShard() { return thread_shard; }

Counter::Counter(std::string name, uint32_t shards)
    : name_(std::move(name)), shards_(shards), slots_(new detail::Slot[shards]) {}

uint64_t Counter::value() const {
  int64_t total = 0;
  for (uint32_t i = 0; i < shards_; ++i) total += slots_[i].value.load(std::memory_order_relaxed);
  return static_cast<uint64_t>(total);
}

Gauge::Gauge(std::string name, uint32_t shards)
    : name_(std::move(name)), shards_(shards), slots_(new detail::Slot[shards]) {}

int64_t Gauge::value() const {
  int64_t total = 0;
  for (uint32_t i = 0; i < shards_; ++i) total += slots_[i].value.load(std::memory_order_relaxed);
  return total;
}

void Gauge::set(int64_t value) {
  // Folds the other shards' deltas into this thread's slot so the sum is `value`.
  int64_t others = this->value() - slots_[threadShard() % shards_].value.load(std::memory_order_relaxed);
  slots_[threadShard() % shards_].value.store(value - others, std::memory_order_relaxed);
}

Histogram::Histogram(std::string name, uint32_t shards)
    : name_(std::move(name)), shards_(shards), data_(new Shard[shards]) {
  for (uint32_t i = 0; i < shards; ++i) {
    data_[i].counts.reset(new std::atomic<uint64_t>[kBuckets]);
    for (int b = 0; b < kBuckets; ++b) data_[i].counts[b].store(0, std::memory_order_relaxed);
  }
}

int Histogram::bucketFor(uint64_t value) {
  constexpr uint64_t kSub = 1u << kSubBucketBits;
  if (value < kSub) return static_cast<int>(value);
  int msb = 63 - std::countl_zero(value);
  int shift = msb - kSubBucketBits;
  uint64_t sub = (value >> shift) & (kSub - 1);
  return static_cast<int>(((static_cast<uint64_t>(shift) + 1) << kSubBucketBits) + sub);
}

uint64_t Histogram::bucketUpperBound(int bucket) {
  constexpr uint64_t kSub = 1u << kSubBucketBits;
  if (static_cast<uint64_t>(bucket) < kSub) return static_cast<uint64_t>(bucket);
  uint64_t shift = (static_cast<uint64_t>(bucket) >> kSubBucketBits) - 1;
  uint64_t sub = static_cast<uint64_t>(bucket) & (kSub - 1);
  if (shift + kSubBucketBits >= 63) return UINT64_MAX;
  return ((kSub + sub + 1) << shift) - 1;
}

void Histogram::record(uint64_t value) {
  Shard& shard = data_[threadShard() % shards_];
  int bucket = std::min(bucketFor(value), kBuckets - 1);
  shard.counts[bucket].fetch_add(1, std::memory_order_relaxed);
  shard.count.fetch_add(1, std::memory_order_relaxed);
  shard.sum.fetch_add(value, std::memory_order_relaxed);
  uint64_t prev = shard.max.load(std::memory_order_relaxed);
  while (value > prev && !shard.max.compare_exchange_weak(prev, value, std::memory_order_relaxed)) {
  }
}

Histogram::Summary Histogram::summarize() const {
  Summary summary;
  summary.buckets.assign(kBuckets, 0);
  for (uint32_t i = 0; i < shards_; ++i) {
    const Shard& shard = data_[i];
    for (int b = 0; b < kBuckets; ++b) {
      summary.buckets[b] += shard.counts[b].load(std::memory_order_relaxed);
    }
    summary.count += shard.count.load(std::memory_order_relaxed);
    summary.sum += shard.sum.load(std::memory_order_relaxed);
    summary.max = std::max(summary.max, shard.max.load(std::memory_order_relaxed));
  }
  return summary;
}

uint64_t Histogram::Summary::quantile(double q) const {
  if (count == 0) return 0;
  uint64_t rank = static_cast<uint64_t>(q * static_cast<double>(count));
  if (rank >= count) rank = count - 1;
  uint64_t seen = 0;
  for (int b = 0; b < kBuckets; ++b) {
    seen += buckets[b];
    if (seen > rank) return std::min(bucketUpperBound(b), max);
  }
  return max;
}

}  // namespace remora::stats
