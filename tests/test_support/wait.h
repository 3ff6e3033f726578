#pragma once

// Waiting on a condition with a deadline: the only way tests synchronise.

#include <chrono>
#include <functional>
#include <thread>

#include "common/event/dispatcher.h"

namespace remora::testing {

// Runs `dispatcher` non-blocking until `done()` holds or `timeout` passes.
inline bool runUntil(event::Dispatcher& dispatcher, const std::function<bool()>& done,
                     std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    dispatcher.run(event::RunType::NonBlock);
    if (!done()) std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  return true;
}

// Polls `done()` (state owned by other threads) until it holds or `timeout` passes.
inline bool waitFor(const std::function<bool()>& done,
                    std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

}  // namespace remora::testing
