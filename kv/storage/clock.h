#pragma once

// The time source of the storage engines, a seam so tests can move time
// (TTL expiry) without sleeping. Implementations must be thread-safe.

#include <chrono>
#include <cstdint>
#include <memory>

namespace remora::kv::storage {

// Seconds between the Unix epoch and Aerospike's (2010-01-01T00:00:00Z).
constexpr uint64_t kAerospikeEpochUnixSeconds = 1262304000;

class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch.
  virtual uint64_t nowMs() const = 0;
  // Seconds since the Aerospike epoch, the unit of Record::void_time.
  uint32_t nowVoidTime() const {
    return static_cast<uint32_t>(nowMs() / 1000 - kAerospikeEpochUnixSeconds);
  }
};

class SystemClock : public Clock {
 public:
  uint64_t nowMs() const override {
    return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count());
  }
};

using ClockPtr = std::shared_ptr<const Clock>;

}  // namespace remora::kv::storage
