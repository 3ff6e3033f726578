#pragma once

// REMORA_ASSERT checks debug-only invariants; REMORA_RELEASE_ASSERT guards
// states the process cannot recover from and aborts in every build.

#include <cstdio>
#include <cstdlib>

#define REMORA_RELEASE_ASSERT(cond, msg)                                                       \
  do {                                                                                         \
    if (!(cond)) {                                                                             \
      std::fprintf(stderr, "assert failure: %s at %s:%d: %s\n", #cond, __FILE__, __LINE__, msg); \
      std::abort();                                                                            \
    }                                                                                          \
  } while (false)

#ifdef NDEBUG
#define REMORA_ASSERT(cond, msg) \
  do {                           \
    (void)sizeof(cond);          \
  } while (false)
#else
#define REMORA_ASSERT(cond, msg) REMORA_RELEASE_ASSERT(cond, msg)
#endif
