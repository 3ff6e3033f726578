#pragma once

// A zeroed heap buffer aligned for O_DIRECT (kIoAlign). Out of memory ends
// the process, as everywhere in Remora.

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "common/assert.h"
#include "kv/storage/block_format.h"

namespace remora::kv::storage {

class AlignedBuffer {
 public:
  AlignedBuffer() = default;
  explicit AlignedBuffer(size_t size) : size_(size) {
    void* p = nullptr;
    REMORA_RELEASE_ASSERT(::posix_memalign(&p, kIoAlign, size == 0 ? kIoAlign : size) == 0,
                          "out of memory");
    std::memset(p, 0, size);
    data_.reset(static_cast<uint8_t*>(p));
  }

  uint8_t* data() { return data_.get(); }
  const uint8_t* data() const { return data_.get(); }
  size_t size() const { return size_; }

 private:
  struct Free {
    void operator()(uint8_t* p) const { std::free(p); }
  };
  std::unique_ptr<uint8_t, Free> data_;
  size_t size_ = 0;
};

}  // namespace remora::kv::storage
