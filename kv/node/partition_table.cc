#include "kv/node/partition_table.h"

namespace remora::kv::node {

PartitionTable::PartitionTable() {
  for (auto& role : roles_) role.store(0, std::memory_order_relaxed);
}

void PartitionTable::assign(const std::vector<ReplicaIndex>& roles, uint32_t replica_count) {
  for (uint32_t p = 0; p < protocol::kPartitionCount && p < roles.size(); ++p) {
    roles_[p].store(roles[p], std::memory_order_release);
  }
  replica_count_.store(replica_count == 0 ? 1 : replica_count, std::memory_order_release);
  generation_.fetch_add(1, std::memory_order_acq_rel);
}

protocol::PartitionBitmap PartitionTable::bitmapFor(ReplicaIndex index) const {
  protocol::PartitionBitmap bits;
  for (uint32_t p = 0; p < protocol::kPartitionCount; ++p) {
    if (roleOf(p) == index) bits.set(p);
  }
  return bits;
}

std::string PartitionTable::replicasEntry(uint32_t max_replicas) const {
  uint32_t n = replicaCount();
  if (max_replicas != 0 && n > max_replicas) n = max_replicas;
  std::string out = "0," + std::to_string(n);
  for (uint32_t i = 0; i < n; ++i) {
    out += ',';
    out += protocol::encodePartitionBitmap(bitmapFor(static_cast<ReplicaIndex>(i)));
  }
  return out;
}

}  // namespace remora::kv::node
