#pragma once

// glibc malloc settings for a process whose buffers come and go in 16 and
// 64 KiB chains. With glibc's defaults the heap top is given back to the
// kernel whenever more than 128 KiB of it is free, so a bulk transfer that
// frees and reallocates its chains many times a millisecond pays a page
// fault for every page of every chain (measured: bulk throughput halved,
// the profile led by exc_page_fault and clear_page). Fixed thresholds
// instead of glibc's adaptive ones keep up to kTrimThreshold of free heap
// per arena resident; below that memory is reused, above it returned.

#include <cstddef>

namespace remora::buffer {

constexpr size_t kTrimThreshold = 8 * 1024 * 1024;
constexpr size_t kMmapThreshold = 1024 * 1024;

// Call once at start, before threads exist. Returns false if glibc refused.
bool tuneHeapForBuffers();

}  // namespace remora::buffer
