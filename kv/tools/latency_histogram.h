#pragma once

// A log-linear latency histogram in microseconds (64 sub-buckets per power
// of two: under 1.6% error) for the benchmark. Not thread-safe: each thread
// records into its own and the results are merged.

#include <array>
#include <bit>
#include <cstdint>

namespace remora::kv::tools {

class LatencyHistogram {
 public:
  static constexpr int kSubBits = 6;
  static constexpr int kSub = 1 << kSubBits;
  static constexpr int kBuckets = (64 - kSubBits + 1) * kSub;

  void record(uint64_t us) {
    ++counts_[bucketOf(us)];
    ++count_;
    if (us > max_) max_ = us;
  }
  void merge(const LatencyHistogram& other) {
    for (int i = 0; i < kBuckets; ++i) counts_[i] += other.counts_[i];
    count_ += other.count_;
    if (other.max_ > max_) max_ = other.max_;
  }
  uint64_t count() const { return count_; }
  uint64_t max() const { return max_; }
  // The upper bound of the bucket holding quantile q (0..1).
  uint64_t quantile(double q) const {
    if (count_ == 0) return 0;
    uint64_t rank = static_cast<uint64_t>(q * static_cast<double>(count_));
    if (rank >= count_) rank = count_ - 1;
    uint64_t seen = 0;
    for (int i = 0; i < kBuckets; ++i) {
      seen += counts_[i];
      if (seen > rank) return upperBound(i);
    }
    return max_;
  }

  static int bucketOf(uint64_t v) {
    if (v < kSub) return static_cast<int>(v);
    const int msb = 63 - std::countl_zero(v);
    const int shift = msb - kSubBits;
    return (shift + 1) * kSub + static_cast<int>((v >> shift) & (kSub - 1));
  }
  static uint64_t upperBound(int bucket) {
    if (bucket < kSub) return static_cast<uint64_t>(bucket);
    const int shift = bucket / kSub - 1;
    const uint64_t base = (static_cast<uint64_t>(kSub) | static_cast<uint64_t>(bucket % kSub))
                          << shift;
    return base + ((1ull << shift) - 1);
  }

 private:
  std::array<uint64_t, kBuckets> counts_{};
  uint64_t count_ = 0;
  uint64_t max_ = 0;
};

}  // namespace remora::kv::tools
