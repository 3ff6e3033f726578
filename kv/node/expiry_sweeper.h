#pragma once

// Aerospike's "nsup": every nsup-period seconds, removes a namespace's
// expired records, a slice of partitions per timer tick so the main loop
// keeps accepting connections during a long sweep. Reads already treat
// expired records as absent; the sweep frees their memory and storage.
// Lives on the main dispatcher's thread.

#include <chrono>
#include <cstdint>

#include "common/event/dispatcher.h"
#include "kv/node/kv_namespace.h"
#include "kv/node/node_stats.h"
#include "kv/storage/clock.h"

namespace remora::kv::node {

class ExpirySweeper {
 public:
  ExpirySweeper(event::Dispatcher& dispatcher, Namespace& ns, NodeStats& stats,
                storage::ClockPtr clock);

  // Arms the periodic sweep (no-op when nsup-period is 0).
  void start();
  void stop();
  // Sweeps every partition now, synchronously; returns the records removed.
  uint64_t sweepAll();
  uint64_t sweeps() const { return sweeps_; }

 private:
  void onTimer();

  static constexpr uint32_t kPartitionsPerTick = 256;

  Namespace& ns_;
  NodeStats& stats_;
  storage::ClockPtr clock_;
  event::TimerPtr timer_;
  uint32_t next_partition_ = 0;
  uint64_t sweeps_ = 0;
};

}  // namespace remora::kv::node
