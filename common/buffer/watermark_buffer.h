#pragma once

// A Buffer that calls back when its length rises above a high watermark and
// when it falls back below the low watermark (half the high one), so the
// owner can stop and resume reading from the peer that fills it. The calls
// alternate strictly: above, below, above, ...

#include <cstdint>

#include "common/buffer/buffer.h"

namespace remora::buffer {

class WatermarkBuffer;

// The owner of one or more watermark buffers; told which buffer crossed.
class WatermarkCallbacks {
 public:
  virtual ~WatermarkCallbacks() = default;
  virtual void onAboveHighWatermark(WatermarkBuffer& buffer) = 0;
  virtual void onBelowLowWatermark(WatermarkBuffer& buffer) = 0;
};

class WatermarkBuffer : public Buffer {
 public:
  // One pointer rather than a pair of std::function: every connection has two
  // of these buffers.
  explicit WatermarkBuffer(WatermarkCallbacks& callbacks) : callbacks_(callbacks) {}

  // 0 disables the watermarks.
  void setWatermarks(uint32_t high);
  uint32_t highWatermark() const { return high_; }
  bool aboveHighWatermark() const { return above_high_called_; }

 protected:
  void onLengthChanged() override;

 private:
  WatermarkCallbacks& callbacks_;
  uint32_t high_ = 0;
  uint32_t low_ = 0;
  bool above_high_called_ = false;
};

}  // namespace remora::buffer
