#pragma once

// A thread that runs `work` every `period_ms`, or sooner when woken, until
// stopped. The flusher and the defragmenter are each one.
//
// Threads: start/stop from the owner's thread; wake() from any thread
// (it only signals, so it may be called under other locks).

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>

namespace remora::kv::storage {

class BackgroundLoop {
 public:
  BackgroundLoop(uint32_t period_ms, std::function<void()> work)
      : period_ms_(period_ms), work_(std::move(work)) {}
  ~BackgroundLoop() { stop(); }

  void start() {
    stopping_ = false;
    thread_ = std::thread([this] { run(); });
  }
  void wake() {
    std::lock_guard<std::mutex> lock(mutex_);
    woken_ = true;
    cv_.notify_one();
  }
  // Returns once the current run of `work` (if any) finished and the thread ended.
  void stop() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
      cv_.notify_one();
    }
    if (thread_.joinable()) {
      thread_.join();
    }
  }

 private:
  void run() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stopping_) {
      cv_.wait_for(lock, std::chrono::milliseconds(period_ms_),
                   [this] { return stopping_ || woken_; });
      if (stopping_) {
        break;
      }
      woken_ = false;
      lock.unlock();
      work_();
      lock.lock();
    }
  }

  const uint32_t period_ms_;
  std::function<void()> work_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stopping_ = false;
  bool woken_ = false;
  std::thread thread_;
};

}  // namespace remora::kv::storage
