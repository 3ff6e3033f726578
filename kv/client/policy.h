#pragma once

// Command policies with Aerospike's names and defaults (C client as_policy.h,
// reference §6.2): a total timeout for the whole command including retries,
// a socket timeout per attempt, and a retry count. Retries happen only after
// a socket error or a client-side timeout of one attempt, never after a
// result code the server sent (as in the async C client the Node.js client
// uses); a read moves to the next replica, a timed-out write retries the
// same node.

#include <cstdint>
#include <string>
#include <vector>

namespace remora::kv::client {

enum class ExistsAction { kUpdate, kUpdateOnly, kCreateOnly, kReplace, kReplaceOnly };
enum class GenerationPolicy { kNone, kExpectEqual, kExpectGreater };
enum class Replica { kMaster, kSequence };

struct Policy {
  uint32_t socket_timeout_ms = 30000;
  uint32_t total_timeout_ms = 1000;  // 0 = none
  uint32_t max_retries = 2;
  uint32_t sleep_between_retries_ms = 0;
  Replica replica = Replica::kSequence;
};

struct ReadPolicy : Policy {
  // Read-touch percent (server 7.1+): 0 = namespace default.
  uint32_t read_touch_ttl_percent = 0;
};

struct WritePolicy : Policy {
  WritePolicy() { max_retries = 0; }
  ExistsAction exists = ExistsAction::kUpdate;
  GenerationPolicy gen_policy = GenerationPolicy::kNone;
  uint32_t generation = 0;
  // 0 = namespace default, -1 (0xFFFFFFFF) never expire, -2 keep the
  // current expiry, else seconds.
  uint32_t ttl = 0;
  bool send_key = false;
  bool respond_all_ops = false;
  bool durable_delete = false;
};

struct ScanPolicy : Policy {
  ScanPolicy() {
    total_timeout_ms = 0;
    max_retries = 5;
  }
  uint64_t max_records = 0;  // 0 = all
};

struct ClientConfig {
  std::vector<std::string> seeds;  // "host:port"
  std::string cluster_name;        // checked against the node's when set
  uint32_t connect_timeout_ms = 1000;
  uint32_t max_conns_per_node = 100;
  uint32_t tend_interval_ms = 1000;
  uint32_t max_idle_ms = 55000;  // pooled connections idle longer are closed
  uint32_t info_timeout_ms = 10000;
};

}  // namespace remora::kv::client
