// BlockStore's writer thread: the only writer of data blocks (sealed blocks
// whole, the open block's dirty pages when someone waits for them) and the
// one that fdatasyncs for flushes and commit-to-device groups. Appends keep
// filling the next buffer meanwhile (see block_store.h).

#include <pthread.h>

#include <algorithm>
#include <chrono>
#include <cstring>

#include "kv/storage/block_format.h"
#include "kv/storage/block_store.h"
#include "kv/storage/storage_error.h"

namespace remora::kv::storage {

namespace {
uint32_t alignDown(uint32_t v) { return v & ~(kIoAlign - 1); }
uint32_t alignUp(uint32_t v) { return (v + kIoAlign - 1) & ~(kIoAlign - 1); }

// After a failed write or sync the writer retries on its own this often (and
// at once when an append or a flush asks).
constexpr auto kRetryDelay = std::chrono::milliseconds(100);
}  // namespace

void BlockStore::startWriter() {
  if (!writer_.joinable()) {
    writer_ = std::thread([this] { writerLoop(); });
  }
}

void BlockStore::stopWriter() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    resolveLocked(0, storageError(StorageErrorCode::kShutDown, "block store stopping"));
    writer_cv_.notify_one();
    done_cv_.notify_all();
  }
  if (writer_.joinable()) {
    writer_.join();
  }
}

bool BlockStore::takeJobLocked(WriteJob& job) {
  if (!sealed_.empty()) {
    const Buffered& s = sealed_.front();
    job = WriteJob{s.id,         s.buf, alignDown(s.flushed), options_.write_block_size, s.fill,
                   s.end_ticket, true};
    return true;
  }
  if (!has_open_ || open_.flushed >= open_.fill || waiters_.empty()) {
    // Nothing appended is only in memory (or what is waits for no one).
    if (!has_open_ || open_.flushed >= open_.fill) {
      written_ = appended_;
    }
    return false;
  }
  // Appends go on past `fill` meanwhile, so the pages go out from a copy.
  const uint32_t start = alignDown(open_.flushed);
  const uint32_t end = alignUp(open_.fill);
  std::memcpy(scratch_ + start, open_.buf + start, open_.fill - start);
  // The rest of the last page: zeros, not the buffer's stale bytes.
  std::memset(scratch_ + open_.fill, 0, end - open_.fill);
  job = WriteJob{open_.id, scratch_, start, end, open_.fill, appended_, false};
  return true;
}

void BlockStore::finishJobLocked(const WriteJob& job) {
  needs_sync_[index::deviceOfBlock(job.id)] = !options_.commit_to_device;
  written_ = std::max(written_, job.ticket);
  if (job.sealed) {
    Buffered& s = sealed_.front();  // only this thread pops sealed blocks
    Block& b = blocks_[slot(s.id)];
    b.state = State::kUsed;
    spare_.push_back(s.buf);
    sealed_.pop_front();
    if (belowLwm(b) && below_lwm_) {
      below_lwm_();
    }
    return;
  }
  // The open block may have been sealed while it was being written.
  if (has_open_ && open_.id == job.id) {
    open_.flushed = std::max(open_.flushed, job.fill);
    return;
  }
  for (Buffered& b : sealed_) {
    if (b.id == job.id) {
      b.flushed = std::max(b.flushed, job.fill);
      return;
    }
  }
}

Status BlockStore::syncDevicesLocked(std::unique_lock<std::mutex>& lock) {
  std::vector<uint32_t> todo;
  for (uint32_t d = 0; d < devices_.size(); ++d) {
    if (needs_sync_[d]) {
      todo.push_back(d);
      needs_sync_[d] = false;
    }
  }
  lock.unlock();
  Status st = okStatus();
  size_t done = 0;
  for (; done < todo.size() && st; ++done) {
    st = devices_[todo[done]]->sync();
  }
  lock.lock();
  if (!st) {
    for (size_t i = done - 1; i < todo.size(); ++i) {
      needs_sync_[todo[i]] = true;
    }
  }
  return st;
}

void BlockStore::rollBackLocked() {
  // Not acknowledged, so not kept: bytes that did reach the device fail their
  // checksum (or are stale by block_seq) and are overwritten by the next write.
  auto undo = [this](Buffered& b) {
    const uint32_t keep = std::max(b.flushed, kBlockHeaderSize);
    if (b.fill > keep) {
      std::memset(b.buf + keep, 0, b.fill - keep);
      Block& block = blocks_[slot(b.id)];
      block.live -= std::min(block.live, b.fill - keep);
      b.fill = keep;
    }
  };
  for (Buffered& b : sealed_) {
    undo(b);
  }
  if (has_open_) {
    undo(open_);
  }
}

void BlockStore::resolveLocked(uint64_t upto, const Status& failure) {
  while (!waiters_.empty() && (!failure || waiters_.front()->ticket <= upto)) {
    Waiter* w = waiters_.front();
    waiters_.pop_front();
    w->result = failure;
    w->done = true;
  }
}

void BlockStore::writerLoop() {
  // Named for top -H and perf: this thread's time in pwrite bounds the write rate.
  (void)::pthread_setname_np(::pthread_self(), "kv-blk-writer");
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    if (failing_) {
      writer_cv_.wait_for(lock, kRetryDelay, [this] { return stopping_ || retry_now_; });
    } else {
      writer_cv_.wait(lock, [this] {
        return stopping_ || retry_now_ || !sealed_.empty() || !waiters_.empty();
      });
    }
    if (stopping_) {
      return;
    }
    retry_now_ = false;
    WriteJob job;
    if (takeJobLocked(job)) {
      lock.unlock();
      const auto write_start = std::chrono::steady_clock::now();
      DeviceIo& device = deviceOf(job.id);
      Status st = device.writeAt(job.data + job.start, job.end - job.start,
                                 deviceOffset(job.id) + job.start);
      if (st && options_.commit_to_device) {
        st = device.sync();
      }
      const uint64_t write_us = microsSince(write_start);
      lock.lock();
      ++attempts_;
      ++block_writes_;
      block_write_us_ += write_us;
      if (!st) {
        ++write_errors_;
        failing_ = true;
        if (options_.commit_to_device) {
          rollBackLocked();
        }
        resolveLocked(0, st);
        done_cv_.notify_all();
        continue;
      }
      failing_ = false;
      finishJobLocked(job);
      done_cv_.notify_all();
    }
    if (waiters_.empty() || waiters_.front()->ticket > written_) {
      continue;
    }
    const uint64_t upto = written_;
    bool want_sync = false;
    for (const Waiter* w : waiters_) {
      want_sync = want_sync || (w->ticket <= upto && w->sync);
    }
    Status st = want_sync ? syncDevicesLocked(lock) : okStatus();
    if (!st) {
      ++write_errors_;
      failing_ = true;
      resolveLocked(0, st);
    } else {
      resolveLocked(upto, okStatus());
    }
    done_cv_.notify_all();
  }
}

}  // namespace remora::kv::storage
