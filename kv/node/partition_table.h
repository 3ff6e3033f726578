#pragma once

// Which partitions this node holds, and as which replica: the ownership
// table behind the `replicas` info reply and the "do I own this key" check of
// every request. Today a node is alone and master of all 4096 partitions;
// clustering will call assign() when the membership changes. The table is
// per node (every namespace shares it, as Aerospike's partition balance is
// computed the same way for each).
//
// Thread-safety: roleOf()/generation() are lock-free and may be called from
// any worker; assign() may be called from one thread at a time (the main
// thread), and readers see each partition's new role atomically.

#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "kv/protocol/digest.h"
#include "kv/protocol/partition_map_codec.h"

namespace remora::kv::node {

// 0 = master, 1 = first prole, ...; kNotOwned when the node holds no copy.
using ReplicaIndex = uint8_t;
constexpr ReplicaIndex kNotOwned = 0xFF;

class PartitionTable {
 public:
  // Starts as master of every partition with generation 1.
  PartitionTable();

  ReplicaIndex roleOf(uint32_t partition) const {
    return roles_[partition].load(std::memory_order_acquire);
  }
  bool isMaster(uint32_t partition) const { return roleOf(partition) == 0; }
  uint32_t generation() const { return generation_.load(std::memory_order_acquire); }
  // How many replicas the cluster keeps (bitmaps in the replicas reply).
  uint32_t replicaCount() const { return replica_count_.load(std::memory_order_acquire); }

  // Installs a new assignment (`roles` has kPartitionCount entries) and bumps
  // the generation, so clients re-fetch the map.
  void assign(const std::vector<ReplicaIndex>& roles, uint32_t replica_count);

  // Bitmap of the partitions held as replica `index`.
  protocol::PartitionBitmap bitmapFor(ReplicaIndex index) const;
  // "<regime>,<n>,<bitmap_0>,...,<bitmap_n-1>" for one namespace (regime 0,
  // AP). `max_replicas` caps n (replicas:max=N); 0 = no cap.
  std::string replicasEntry(uint32_t max_replicas) const;

 private:
  std::array<std::atomic<ReplicaIndex>, protocol::kPartitionCount> roles_;
  std::atomic<uint32_t> generation_{1};
  std::atomic<uint32_t> replica_count_{1};
};

}  // namespace remora::kv::node
