#include "proxy/admin/query_string.h"

#include <gtest/gtest.h>

namespace remora::admin {
namespace {

TEST(QueryStringTest, DecodesPairsPercentEscapesAndPlus) {
  auto query = parseQueryString("filter=cluster.web&format=json&q=a%20b+c%2Bd");
  ASSERT_EQ(query.size(), 3u);
  EXPECT_EQ(query["filter"], "cluster.web");
  EXPECT_EQ(query["format"], "json");
  EXPECT_EQ(query["q"], "a b c+d");
}

TEST(QueryStringTest, KeyWithoutValueIsPresentAndEmpty) {
  auto query = parseQueryString("usedonly&level=debug");
  ASSERT_EQ(query.count("usedonly"), 1u);
  EXPECT_EQ(query["usedonly"], "");
  EXPECT_EQ(query["level"], "debug");
}

TEST(QueryStringTest, EmptyPiecesAreSkippedAndTheFirstRepeatWins) {
  auto query = parseQueryString("&&a=1&&a=2&");
  ASSERT_EQ(query.size(), 1u);
  EXPECT_EQ(query["a"], "1");
}

TEST(QueryStringTest, EqualsSignsAfterTheFirstBelongToTheValue) {
  auto query = parseQueryString("expr=a%3Db=c");
  EXPECT_EQ(query["expr"], "a=b=c");
}

TEST(QueryStringTest, EncodedKeysAreDecoded) {
  auto query = parseQueryString("my%20key=v");
  EXPECT_EQ(query.count("my key"), 1u);
}

TEST(QueryStringTest, BrokenPercentEscapesAreKeptLiterally) {
  EXPECT_EQ(percentDecode("100%"), "100%");
  EXPECT_EQ(percentDecode("%zz%4"), "%zz%4");
  EXPECT_EQ(percentDecode("%41%62"), "Ab");
  EXPECT_EQ(percentDecode("%00x"), std::string("\0x", 2));
}

TEST(QueryStringTest, SplitsOriginFormTargets) {
  auto target = splitRequestTarget("/stats?filter=x#frag");
  EXPECT_EQ(target.path, "/stats");
  EXPECT_EQ(target.query, "filter=x");
  auto bare = splitRequestTarget("/ready");
  EXPECT_EQ(bare.path, "/ready");
  EXPECT_EQ(bare.query, "");
}

TEST(QueryStringTest, SplitsAbsoluteFormTargets) {
  auto target = splitRequestTarget("http://127.0.0.1:15000/stats?format=json");
  EXPECT_EQ(target.path, "/stats");
  EXPECT_EQ(target.query, "format=json");
  EXPECT_EQ(splitRequestTarget("http://host").path, "/");
  EXPECT_EQ(splitRequestTarget("http://host?x=1").path, "/");
  EXPECT_EQ(splitRequestTarget("http://host?x=1").query, "x=1");
}

TEST(QueryStringTest, PathIsNotDecoded) {
  EXPECT_EQ(splitRequestTarget("/st%61ts").path, "/st%61ts");
  EXPECT_EQ(splitRequestTarget("").path, "/");
}

}  // namespace
}  // namespace remora::admin
