#pragma once

// Options of remora-kv-bench, modelled on Aerospike's asbench:
//   -h host:port  -n ns  -s set  -k keys  --start-key N  -o object size
//   -w I | RU,<read%>  -z threads  -g target tps  -d seconds
//   --max-error-pct P  --timeout ms  --write-policy update|replace

#include <cstdint>
#include <string>

#include "common/result.h"

namespace remora::kv::tools {

struct BenchOptions {
  std::string host = "127.0.0.1:3000";
  std::string ns = "test";
  std::string set = "testset";
  uint64_t keys = 100000;
  uint64_t start_key = 0;
  uint32_t object_size = 1024;  // bytes of the one string bin
  bool insert = false;          // -w I: write every key once, then stop
  uint32_t read_pct = 50;       // -w RU,<read%>
  uint32_t threads = 16;        // concurrency: one synchronous client per thread
  uint64_t target_tps = 0;      // 0 = as fast as possible
  uint32_t duration_s = 10;
  double max_error_pct = 1.0;   // exit 1 when errors exceed this share of ops
  uint32_t timeout_ms = 1000;
  // Writes with record-exists action REPLACE (a Redis SET's semantics)
  // instead of the client's default UPDATE, which merges bins.
  bool replace = false;
};

Result<BenchOptions> parseBenchOptions(int argc, const char* const* argv);

}  // namespace remora::kv::tools
