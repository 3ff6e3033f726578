#pragma once

// The C++ smart client of the KV store. It speaks the Aerospike protocol,
// learns the partition map from the nodes (Cluster) and sends each command
// in one hop to the node that owns the key's partition.
//
// Threading: a blocking API over non-blocking sockets. Every method may be
// called from any number of threads at once; each call borrows a pooled
// connection to the target node, waits with poll() up to the policy's
// deadlines, and returns the connection when the exchange completed cleanly.
// One background thread tends the cluster every tend_interval_ms.
//
// Errors are values: Error::code is the server's result code (2 not found,
// 3 generation, 5 exists, ...) or a negative client code (status.h);
// client-side timeouts report 9, like the C client.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "kv/client/cluster.h"
#include "kv/client/key.h"
#include "kv/client/policy.h"
#include "kv/client/value.h"
#include "kv/protocol/as_msg.h"
#include "kv/protocol/request_builder.h"

namespace remora::kv::client {

struct Record {
  uint32_t generation = 0;
  int64_t ttl = -1;  // seconds left; -1 = never expires
  Bins bins;
  // Operate replies keep every op result in order (a bin may repeat).
  std::vector<std::pair<std::string, Value>> results;
};

struct Operation {
  protocol::OpType op = protocol::OpType::kRead;
  std::string bin;
  Value value;

  static Operation read(std::string bin) { return {protocol::OpType::kRead, std::move(bin), {}}; }
  static Operation readAll() { return {protocol::OpType::kRead, "", {}}; }
  static Operation write(std::string bin, Value v) {
    return {protocol::OpType::kWrite, std::move(bin), std::move(v)};
  }
  static Operation incr(std::string bin, Value v) {
    return {protocol::OpType::kIncr, std::move(bin), std::move(v)};
  }
  static Operation append(std::string bin, Value v) {
    return {protocol::OpType::kAppend, std::move(bin), std::move(v)};
  }
  static Operation prepend(std::string bin, Value v) {
    return {protocol::OpType::kPrepend, std::move(bin), std::move(v)};
  }
  static Operation touch() { return {protocol::OpType::kTouch, "", {}}; }
  static Operation remove() { return {protocol::OpType::kDelete, "", {}}; }
};

struct BatchResult {
  int result = 0;  // 0, 2 (not found) or another result code
  Record record;
};

class Client {
 public:
  static Result<std::unique_ptr<Client>> connect(const ClientConfig& config);

  Status put(const WritePolicy& policy, const Key& key, const Bins& bins);
  // All bins, or only `bins` when given.
  Result<Record> get(const ReadPolicy& policy, const Key& key,
                     const std::vector<std::string>& bins = {});
  Result<Record> getHeader(const ReadPolicy& policy, const Key& key);
  Result<bool> exists(const ReadPolicy& policy, const Key& key);
  // False (not an error) when the record did not exist.
  Result<bool> remove(const WritePolicy& policy, const Key& key);
  Status touch(const WritePolicy& policy, const Key& key);
  Result<Record> operate(const WritePolicy& policy, const Key& key,
                         const std::vector<Operation>& ops);

  // One result per key, in key order; keys are sent per node in one request.
  Result<std::vector<BatchResult>> batchGet(const ReadPolicy& policy, const std::vector<Key>& keys,
                                            const std::vector<std::string>& bins = {},
                                            bool header_only = false);
  // Visits every record of `set` (all sets if empty) node by node, each node
  // scanning the partitions it masters. Return false from `visit` to stop.
  Status scan(const ScanPolicy& policy, const std::string& ns, const std::string& set,
              const std::function<bool(const Key&, const Record&)>& visit,
              const std::vector<std::string>& bins = {});

  // Sends info commands to one node (the first) and returns the raw reply
  // body; use protocol::parseInfoReply to split it.
  Result<std::string> info(const std::string& commands);
  Status truncate(const std::string& ns, const std::string& set);

  Cluster& cluster() { return *cluster_; }

 private:
  explicit Client(std::unique_ptr<Cluster> cluster) : cluster_(std::move(cluster)) {}

  // Runs one single-record request with the policy's timeouts and retries
  // and returns the decoded reply.
  Result<Record> execute(const Key& key, const protocol::RequestBuilder& request,
                         const Policy& policy, bool is_write, int* result_code);
  Result<std::string> exchange(ClusterNode& node, const std::string& frame, Deadline deadline);

  std::unique_ptr<Cluster> cluster_;
};

}  // namespace remora::kv::client
