#include "kv/node/expiry_sweeper.h"

#include <mutex>

#include "kv/protocol/digest.h"

namespace remora::kv::node {

ExpirySweeper::ExpirySweeper(event::Dispatcher& dispatcher, Namespace& ns, NodeStats& stats,
                             storage::ClockPtr clock)
    : ns_(ns), stats_(stats), clock_(std::move(clock)) {
  timer_ = dispatcher.createTimer([this] { onTimer(); });
}

void ExpirySweeper::start() {
  const uint32_t period = ns_.config().nsup_period_s;
  if (period == 0) return;
  timer_->enableTimer(std::chrono::seconds(period));
}

void ExpirySweeper::stop() { timer_->disableTimer(); }

uint64_t ExpirySweeper::sweepAll() {
  uint64_t removed = 0;
  const uint32_t now = clock_->nowVoidTime();
  for (uint32_t p = 0; p < protocol::kPartitionCount; ++p) {
    std::lock_guard<std::mutex> lock(ns_.partitionLock(p));
    removed += ns_.engine().expire(p, now);
  }
  stats_.expired_records.inc(removed);
  ++sweeps_;
  return removed;
}

void ExpirySweeper::onTimer() {
  const uint32_t now = clock_->nowVoidTime();
  uint64_t removed = 0;
  const uint32_t end = std::min(next_partition_ + kPartitionsPerTick, protocol::kPartitionCount);
  for (uint32_t p = next_partition_; p < end; ++p) {
    std::lock_guard<std::mutex> lock(ns_.partitionLock(p));
    removed += ns_.engine().expire(p, now);
  }
  stats_.expired_records.inc(removed);
  next_partition_ = end;
  if (next_partition_ < protocol::kPartitionCount) {
    timer_->enableTimer(std::chrono::milliseconds(0));
    return;
  }
  next_partition_ = 0;
  ++sweeps_;
  timer_->enableTimer(std::chrono::seconds(ns_.config().nsup_period_s));
}

}  // namespace remora::kv::node
