#pragma once

// Counts the node's open client connections so the acceptor can enforce
// proto-fd-max and drain can wait for the count to reach zero. Thread-safe.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace remora::kv::node {

class ConnectionTracker {
 public:
  explicit ConnectionTracker(uint32_t max) : max_(max) {}

  // Reserves a slot; false when at the limit.
  bool tryAdd() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (open_ >= max_) return false;
    ++open_;
    return true;
  }
  void remove() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (open_ > 0) --open_;
    }
    changed_.notify_all();
  }
  uint32_t open() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return open_;
  }
  // True if the count reached zero before `deadline`.
  bool waitForZero(std::chrono::steady_clock::time_point deadline) {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_until(lock, deadline, [this] { return open_ == 0; });
  }

 private:
  const uint32_t max_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  uint32_t open_ = 0;
};

}  // namespace remora::kv::node
