#include "kv/node/bin_ops.h"

#include <gtest/gtest.h>

#include "kv/protocol/particle.h"

namespace remora::kv::node {
namespace {

using protocol::Op;
using protocol::OpType;
using protocol::ParticleType;
using protocol::ResultCode;

TEST(BinOpsTest, WriteSetsReplacesAndNullRemoves) {
  std::vector<storage::Bin> bins;
  EXPECT_EQ(applyBinOp(bins, Op{OpType::kWrite, ParticleType::kString, 0, "a", "1"}),
            ResultCode::kOk);
  EXPECT_EQ(applyBinOp(bins, Op{OpType::kWrite, ParticleType::kBlob, 0, "a", "2"}),
            ResultCode::kOk);
  ASSERT_EQ(bins.size(), 1u);
  EXPECT_EQ(bins[0].particle_type, 4);
  EXPECT_EQ(bins[0].value, "2");
  EXPECT_EQ(applyBinOp(bins, Op{OpType::kWrite, ParticleType::kNull, 0, "a", ""}),
            ResultCode::kOk);
  EXPECT_TRUE(bins.empty());
}

TEST(BinOpsTest, IncrWrapsLikeA64BitAdd) {
  std::vector<storage::Bin> bins{{"n", 1, protocol::encodeInteger(INT64_MAX)}};
  EXPECT_EQ(applyBinOp(bins, Op{OpType::kIncr, ParticleType::kInteger, 0, "n",
                                protocol::encodeInteger(1)}),
            ResultCode::kOk);
  EXPECT_EQ(*protocol::decodeInteger(bins[0].value), INT64_MIN);
}

TEST(BinOpsTest, RejectsLongNamesAndUnknownOps) {
  std::vector<storage::Bin> bins;
  EXPECT_EQ(applyBinOp(bins, Op{OpType::kWrite, ParticleType::kString, 0,
                                "0123456789abcdef", "x"}),
            ResultCode::kBinName);
  EXPECT_EQ(applyBinOp(bins, Op{OpType::kBitModify, ParticleType::kBlob, 0, "b", "x"}),
            ResultCode::kOpNotApplicable);
  EXPECT_EQ(applyBinOp(bins, Op{OpType::kAppend, ParticleType::kInteger, 0, "b", "x"}),
            ResultCode::kIncompatibleType);
}

}  // namespace
}  // namespace remora::kv::node
