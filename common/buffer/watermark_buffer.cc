#include "common/buffer/watermark_buffer.h"

namespace remora::buffer {

void WatermarkBuffer::setWatermarks(uint32_t high) {
  high_ = high;
  low_ = high / 2;
  onLengthChanged();
}

void WatermarkBuffer::onLengthChanged() {
  if (high_ == 0) {
    if (above_high_called_) {
      above_high_called_ = false;
      callbacks_.onBelowLowWatermark(*this);
    }
    return;
  }
  size_t len = length();
  if (!above_high_called_ && len > high_) {
    above_high_called_ = true;
    callbacks_.onAboveHighWatermark(*this);
  } else if (above_high_called_ && len <= low_) {
    above_high_called_ = false;
    callbacks_.onBelowLowWatermark(*this);
  }
}

}  // namespace remora::buffer
