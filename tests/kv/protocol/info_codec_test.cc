#include "kv/protocol/info_codec.h"

#include <gtest/gtest.h>

namespace remora::kv::protocol {
namespace {

TEST(InfoCodecTest, SplitsCommandsAndTheirArguments) {
  auto cmds = parseInfoRequest("node\nnamespace/test\ntruncate:namespace=test;set=s\nlast");
  ASSERT_EQ(cmds.size(), 4u);
  EXPECT_EQ(cmds[0].name, "node");
  EXPECT_EQ(cmds[0].args, "");
  EXPECT_EQ(cmds[1].name, "namespace");
  EXPECT_EQ(cmds[1].args, "test");
  EXPECT_EQ(cmds[1].separator, '/');
  EXPECT_EQ(cmds[2].name, "truncate");
  EXPECT_EQ(cmds[2].line, "truncate:namespace=test;set=s");
  EXPECT_EQ(cmds[3].name, "last");
  auto params = parseInfoParams(cmds[2].args);
  EXPECT_EQ(params["namespace"], "test");
  EXPECT_EQ(params["set"], "s");
}

TEST(InfoCodecTest, EmptyRequestHasNoCommands) {
  EXPECT_TRUE(parseInfoRequest("").empty());
  EXPECT_TRUE(parseInfoRequest("\n\n").empty());
}

TEST(InfoCodecTest, ReplyEchoesTheRequestLine) {
  std::string out;
  appendInfoReply(out, "node", "BB9");
  appendInfoReply(out, "partition-generation", "1");
  EXPECT_EQ(out, "node\tBB9\npartition-generation\t1\n");
  auto pairs = parseInfoReply(out);
  ASSERT_EQ(pairs.size(), 2u);
  EXPECT_EQ(pairs[1].first, "partition-generation");
  EXPECT_EQ(pairs[1].second, "1");
}

TEST(InfoCodecTest, ErrorValuesFollowTheServersForm) {
  const std::string v = infoErrorValue(ResultCode::kParameterError, "unrecognized command");
  EXPECT_EQ(v, "ERROR:4:unrecognized command");
  int code = 0;
  std::string msg;
  ASSERT_TRUE(infoValueIsError(v, &code, &msg));
  EXPECT_EQ(code, 4);
  EXPECT_EQ(msg, "unrecognized command");
  ASSERT_TRUE(infoValueIsError("ERROR::x", &code, &msg));
  EXPECT_EQ(code, 1);
  EXPECT_TRUE(infoValueIsError("FAIL:2", &code, nullptr));
  EXPECT_FALSE(infoValueIsError("ok", &code, nullptr));
}

}  // namespace
}  // namespace remora::kv::protocol
