#pragma once

// /memory: the process's memory as Envoy reports it, from glibc's
// mallinfo2() and /proc/self/statm.

#include <cstdint>

#include "common/result.h"
#include "proxy/admin/admin.h"

namespace remora::admin {

struct MemoryUsage {
  uint64_t resident_bytes = 0;  // /proc/self/statm resident * page size
  uint64_t virtual_bytes = 0;   // /proc/self/statm size * page size
  // mallinfo2()
  uint64_t arena = 0;     // bytes from sbrk
  uint64_t hblkhd = 0;    // bytes in mmap'ed blocks
  uint64_t uordblks = 0;  // bytes in use (sbrk part)
  uint64_t fordblks = 0;  // free bytes kept by malloc
  uint64_t keepcost = 0;  // releasable from the top of the heap
};

Result<MemoryUsage> readMemoryUsage();

// JSON with Envoy's fields (allocated, heap_size, pageheap_unmapped,
// pageheap_free, total_thread_cache, total_physical_bytes) filled from
// glibc's figures, plus resident_bytes, virtual_bytes and the raw mallinfo2
// numbers. Values are strings, as Envoy's proto JSON renders uint64.
AdminHandler makeMemoryHandler();

}  // namespace remora::admin
