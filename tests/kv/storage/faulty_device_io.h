#pragma once

// A DeviceIo that forwards to a real one and fails on command: EIO or a
// short (half) write, EIO on reads or on fdatasync. It also counts reads.

#include <atomic>
#include <cerrno>
#include <memory>

#include "kv/storage/device_io.h"
#include "kv/storage/storage_error.h"

namespace remora::kv::storage::testing {

struct Faults {
  std::atomic<bool> fail_writes{false};
  std::atomic<bool> short_writes{false};
  std::atomic<bool> fail_reads{false};
  std::atomic<bool> fail_sync{false};
  std::atomic<uint64_t> injected{0};
  std::atomic<uint64_t> reads{0};  // readAt() calls, failed ones included
};

class FaultyDeviceIo : public DeviceIo {
 public:
  FaultyDeviceIo(DeviceIoPtr inner, std::shared_ptr<Faults> faults)
      : inner_(std::move(inner)), faults_(std::move(faults)) {}

  Status readAt(void* buf, size_t len, uint64_t offset) override {
    ++faults_->reads;
    if (faults_->fail_reads) {
      ++faults_->injected;
      return storageError(StorageErrorCode::kIo, "injected EIO on read");
    }
    return inner_->readAt(buf, len, offset);
  }
  Status writeAt(const void* buf, size_t len, uint64_t offset) override {
    if (faults_->short_writes) {
      ++faults_->injected;
      // Half of it (page-aligned) really reaches the device.
      const size_t half = (len / 2) & ~size_t{4095};
      if (half > 0) {
        (void)inner_->writeAt(buf, half, offset);
      }
      return storageError(StorageErrorCode::kIo, "injected short write");
    }
    if (faults_->fail_writes) {
      ++faults_->injected;
      return storageError(StorageErrorCode::kIo, "injected EIO on write");
    }
    return inner_->writeAt(buf, len, offset);
  }
  Status sync() override {
    if (faults_->fail_sync) {
      ++faults_->injected;
      return storageError(StorageErrorCode::kIo, "injected EIO on fdatasync");
    }
    return inner_->sync();
  }
  uint64_t size() const override { return inner_->size(); }
  bool directIo() const override { return inner_->directIo(); }
  const std::string& path() const override { return inner_->path(); }

 private:
  DeviceIoPtr inner_;
  std::shared_ptr<Faults> faults_;
};

}  // namespace remora::kv::storage::testing
