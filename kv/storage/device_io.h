#pragma once

// The seam between the device engine and a storage device (a raw block
// device or a file). Tests wrap it to inject EIO and short writes.
//
// Contract: buffers are kIoAlign-aligned and lengths and offsets are multiples
// of kIoAlign (O_DIRECT's rules), and offset + len <= size(). A short read or
// write is an error: implementations never report partial success.
// Threads: readAt, writeAt and sync may be called concurrently.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "common/result.h"

namespace remora::kv::storage {

class DeviceIo {
 public:
  virtual ~DeviceIo() = default;

  // Errors carry StorageErrorCode::kIo.
  virtual Status readAt(void* buf, size_t len, uint64_t offset) = 0;
  virtual Status writeAt(const void* buf, size_t len, uint64_t offset) = 0;
  // fdatasync: what was written is on stable storage when it returns.
  virtual Status sync() = 0;

  // Usable bytes.
  virtual uint64_t size() const = 0;
  // False when the file system refused O_DIRECT and the device is buffered.
  virtual bool directIo() const = 0;
  virtual const std::string& path() const = 0;
};

using DeviceIoPtr = std::unique_ptr<DeviceIo>;

// How the engine opens device `index` of its config: the default opens a
// PosixDeviceIo; tests substitute a fault-injecting wrapper.
using DeviceOpener =
    std::function<Result<DeviceIoPtr>(const std::string& path, uint64_t filesize, uint32_t index)>;

}  // namespace remora::kv::storage
