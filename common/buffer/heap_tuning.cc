#include "common/buffer/heap_tuning.h"

#include <malloc.h>

namespace remora::buffer {

bool tuneHeapForBuffers() {
  bool trim = mallopt(M_TRIM_THRESHOLD, static_cast<int>(kTrimThreshold)) == 1;
  bool mmap = mallopt(M_MMAP_THRESHOLD, static_cast<int>(kMmapThreshold)) == 1;
  return trim && mmap;
}

}  // namespace remora::buffer
