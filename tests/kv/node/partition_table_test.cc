#include "kv/node/partition_table.h"

#include <gtest/gtest.h>

namespace remora::kv::node {
namespace {

TEST(PartitionTableTest, StartsAsMasterOfEverything) {
  PartitionTable t;
  EXPECT_TRUE(t.isMaster(0));
  EXPECT_TRUE(t.isMaster(4095));
  EXPECT_EQ(t.generation(), 1u);
  EXPECT_EQ(t.replicasEntry(0), "0,1," + std::string(682, '/') + "8=");
}

TEST(PartitionTableTest, AssignBumpsGenerationAndSplitsBitmaps) {
  PartitionTable t;
  std::vector<ReplicaIndex> roles(protocol::kPartitionCount, 1);
  for (uint32_t p = 0; p < 2048; ++p) roles[p] = 0;
  t.assign(roles, 2);
  EXPECT_EQ(t.generation(), 2u);
  EXPECT_TRUE(t.isMaster(2047));
  EXPECT_FALSE(t.isMaster(2048));
  EXPECT_EQ(t.bitmapFor(0).count(), 2048u);
  EXPECT_EQ(t.bitmapFor(1).count(), 2048u);
  const std::string entry = t.replicasEntry(0);
  EXPECT_EQ(entry.substr(0, 4), "0,2,");
  EXPECT_EQ(entry.size(), 4 + 684 + 1 + 684);
  EXPECT_EQ(t.replicasEntry(1).size(), 4 + 684);  // replicas:max=1
}

}  // namespace
}  // namespace remora::kv::node
