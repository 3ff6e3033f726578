#pragma once

// DeviceIo over a file descriptor: a block device (its whole size) or a
// regular file (created and sized to `filesize`), opened O_DIRECT. When the
// file system refuses O_DIRECT (EINVAL, e.g. an old tmpfs) it falls back to
// buffered I/O, logs a warning, and says so through directIo().

#include <string>

#include "kv/storage/device_io.h"

namespace remora::kv::storage {

class PosixDeviceIo : public DeviceIo {
 public:
  // Seam for tests: the open(2) to use (to simulate a file system that
  // refuses O_DIRECT). Null means ::open.
  using OpenFn = int (*)(const char* path, int flags, unsigned mode);

  static Result<DeviceIoPtr> open(const std::string& path, uint64_t filesize,
                                  OpenFn open_fn = nullptr);
  ~PosixDeviceIo() override;

  Status readAt(void* buf, size_t len, uint64_t offset) override;
  Status writeAt(const void* buf, size_t len, uint64_t offset) override;
  Status sync() override;
  uint64_t size() const override { return size_; }
  bool directIo() const override { return direct_; }
  const std::string& path() const override { return path_; }

 private:
  PosixDeviceIo(std::string path, int fd, uint64_t size, bool direct)
      : path_(std::move(path)), fd_(fd), size_(size), direct_(direct) {}

  std::string path_;
  int fd_;
  uint64_t size_;
  bool direct_;
};

}  // namespace remora::kv::storage
