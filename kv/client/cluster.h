#pragma once

// The client's view of the cluster, kept current by a tend thread (reference
// §3): seeds are validated with node/partition-generation/build(/cluster-
// name); peers-clear-std discovers the other nodes; partition-generation and
// replicas give each namespace's partition map, built by overlaying every
// node's claims. Every command then goes in one hop to its partition's node.
// Thread-safe: commands read an immutable map snapshot.

#include <array>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/result.h"
#include "kv/client/cluster_node.h"
#include "kv/client/policy.h"
#include "kv/protocol/digest.h"
#include "kv/protocol/partition_map_codec.h"

namespace remora::kv::client {

// Replica i of each partition (0 = master); nullptr where no node claims it.
struct NamespaceMap {
  uint32_t replica_count = 1;
  std::array<std::array<ClusterNode*, 3>, protocol::kPartitionCount> replicas{};
};

// What one node claims: namespace → one bitmap per replica index.
using Claims = std::map<std::string, std::vector<protocol::PartitionBitmap>, std::less<>>;

struct ClusterSnapshot {
  std::vector<std::shared_ptr<ClusterNode>> nodes;  // keeps the pointers below alive
  std::map<std::string, NamespaceMap, std::less<>> namespaces;
};

class Cluster {
 public:
  // Connects to the seeds and builds the first map; starts tending.
  static Result<std::unique_ptr<Cluster>> connect(const ClientConfig& config);
  ~Cluster();

  std::shared_ptr<const ClusterSnapshot> snapshot() const;
  // The node for `partition` at replica `index` (wrapping over the replicas
  // that exist); nullptr if none.
  ClusterNode* nodeFor(const ClusterSnapshot& snap, std::string_view ns, uint32_t partition,
                       uint32_t index) const;
  // One tend round (the thread does this every tend_interval_ms).
  Status tend();
  const ClientConfig& config() const { return config_; }

 private:
  explicit Cluster(ClientConfig config) : config_(std::move(config)) {}
  Result<std::shared_ptr<ClusterNode>> validate(const std::string& host_port,
                                                const std::string& expected_name);
  Status refreshPartitions(ClusterNode& node);
  void tendLoop();
  Deadline infoDeadline() const;

  const ClientConfig config_;
  mutable std::mutex mutex_;  // guards snapshot_ and the replica claims
  std::shared_ptr<const ClusterSnapshot> snapshot_;
  std::mutex claims_mutex_;
  std::map<std::string, Claims> claims_;  // by node name
  std::thread tender_;
  std::mutex stop_mutex_;
  std::condition_variable stop_cv_;
  bool stop_ = false;
};

}  // namespace remora::kv::client
