#pragma once

// One namespace of the node: its configuration, its storage engine and the
// per-partition locks that serialise every operation on a partition (the
// engine's contract, and what makes read-modify-write atomic). Shared by
// all workers; the object itself is immutable after start-up.

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "kv/config/kvd_config.h"
#include "kv/protocol/digest.h"
#include "kv/storage/engine.h"

namespace remora::kv::node {

class Namespace {
 public:
  Namespace(config::NamespaceConfig config, storage::EnginePtr engine)
      : config_(std::move(config)), engine_(std::move(engine)) {}

  const std::string& name() const { return config_.name; }
  const config::NamespaceConfig& config() const { return config_; }
  storage::Engine& engine() { return *engine_; }
  const storage::Engine& engine() const { return *engine_; }

  // Held around every engine call on `partition`.
  std::mutex& partitionLock(uint32_t partition) { return (*locks_)[partition].mutex; }

  // Runs `fn` with every partition lock held (truncate: the engine walks all
  // partitions at once). Locks are taken in partition order, as everyone
  // else takes at most one, so this cannot deadlock.
  template <class Fn>
  auto withAllPartitionsLocked(Fn&& fn) {
    for (auto& lock : *locks_) lock.mutex.lock();
    struct Unlock {
      Locks& locks;
      ~Unlock() {
        for (auto& lock : locks) lock.mutex.unlock();
      }
    } unlock{*locks_};
    return fn();
  }

 private:
  // One cache line per lock: neighbouring partitions are hot on different
  // workers at once.
  struct alignas(64) PaddedMutex {
    std::mutex mutex;
  };
  using Locks = std::array<PaddedMutex, protocol::kPartitionCount>;

  const config::NamespaceConfig config_;
  storage::EnginePtr engine_;
  std::unique_ptr<Locks> locks_ = std::make_unique<Locks>();
};

}  // namespace remora::kv::node
