#include "common/buffer/watermark_buffer.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>

namespace remora::buffer {
namespace {

// Counts the crossings of one buffer.
class Crossings : public WatermarkCallbacks {
 public:
  void onAboveHighWatermark(WatermarkBuffer&) override { ++above; }
  void onBelowLowWatermark(WatermarkBuffer&) override { ++below; }
  int above = 0;
  int below = 0;
};

class WatermarkBufferTest : public ::testing::Test {
 protected:
  Crossings crossings_;
  int& above_ = crossings_.above;
  int& below_ = crossings_.below;
  WatermarkBuffer buffer_{crossings_};
};

TEST_F(WatermarkBufferTest, CallsAboveHighOnceWhenCrossingAndBelowLowAfterDrainingToHalf) {
  buffer_.setWatermarks(100);
  buffer_.add(std::string(100, 'a'));
  EXPECT_EQ(above_, 0);
  buffer_.add("b");
  EXPECT_EQ(above_, 1);
  buffer_.add(std::string(500, 'c'));
  EXPECT_EQ(above_, 1);
  buffer_.drain(buffer_.length() - 51);
  EXPECT_EQ(below_, 0);
  buffer_.drain(1);
  EXPECT_EQ(below_, 1);
  EXPECT_FALSE(buffer_.aboveHighWatermark());
}

TEST_F(WatermarkBufferTest, MoveBetweenBuffersNotifiesBothSides) {
  Crossings other_crossings;
  WatermarkBuffer other(other_crossings);
  buffer_.setWatermarks(10);
  other.add(std::string(50, 'x'));
  buffer_.move(other);
  EXPECT_EQ(above_, 1);
  EXPECT_EQ(other.length(), 0u);
  other.move(buffer_, 45);
  EXPECT_EQ(below_, 1);
  EXPECT_EQ(buffer_.length(), 5u);
}

TEST_F(WatermarkBufferTest, DisablingWatermarksReleasesAPausedWriter) {
  buffer_.setWatermarks(10);
  buffer_.add(std::string(20, 'x'));
  ASSERT_EQ(above_, 1);
  buffer_.setWatermarks(0);
  EXPECT_EQ(below_, 1);
}

TEST(BufferTest, ReserveCommitAppendsOnlyCommittedBytes) {
  Buffer buffer;
  buffer.add("head");
  Buffer::Reservation space = buffer.reserve(100);
  ASSERT_GE(space.length, 100u);
  std::memcpy(space.data, "tail-and-junk", 13);
  buffer.commit(space, 4);
  EXPECT_EQ(buffer.toString(), "headtail");
  EXPECT_EQ(buffer.search("dt"), 3);
  EXPECT_EQ(buffer.search("zz"), -1);
}

TEST(BufferTest, CopyOutAndLinearizeRespectBounds) {
  Buffer buffer;
  buffer.add("0123456789");
  char out[4];
  EXPECT_TRUE(buffer.copyOut(6, 4, out));
  EXPECT_EQ(std::string(out, 4), "6789");
  EXPECT_FALSE(buffer.copyOut(7, 4, out));
  EXPECT_EQ(buffer.linearize(11), nullptr);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(buffer.linearize(3)), 3), "012");
}

}  // namespace
}  // namespace remora::buffer
