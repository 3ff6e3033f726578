#pragma once

// A Buffer that calls back when its length rises above a high watermark and
// when it falls back below the low watermark (half the high one), so the
// owner can stop and resume reading from the peer that fills it. The calls
// alternate strictly: above, below, above, ...

#include <cstdint>
#include <functional>

#include "common/buffer/buffer.h"

namespace remora::buffer {

class WatermarkBuffer : public Buffer {
 public:
  WatermarkBuffer(std::function<void()> below_low, std::function<void()> above_high)
      : below_low_(std::move(below_low)), above_high_(std::move(above_high)) {}

  // 0 disables the watermarks.
  void setWatermarks(uint32_t high);
  uint32_t highWatermark() const { return high_; }
  bool aboveHighWatermark() const { return above_high_called_; }

 protected:
  void onLengthChanged() override;

 private:
  std::function<void()> below_low_;
  std::function<void()> above_high_;
  uint32_t high_ = 0;
  uint32_t low_ = 0;
  bool above_high_called_ = false;
};

}  // namespace remora::buffer
