#include "common/buffer/watermark_buffer.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

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

TEST(BufferTest, ReadsFromASocketIntoEmptyAndNonEmptyBuffers) {
  int fds[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds), 0);
  Buffer buffer;
  // Nothing to read: EAGAIN, and the buffer stays empty.
  IoCallResult rc = buffer.readFromFd(fds[0], 16 * 1024);
  EXPECT_TRUE(rc.wouldBlock());
  EXPECT_EQ(buffer.length(), 0u);
  // A short message into the empty buffer (the scratch path).
  std::string first(100, 'a');
  ASSERT_EQ(::write(fds[1], first.data(), first.size()), 100);
  rc = buffer.readFromFd(fds[0], 16 * 1024);
  EXPECT_EQ(rc.bytes, 100);
  // More into the non-empty buffer (the reserve path), after the first bytes.
  std::string second(40000, 'b');
  ASSERT_EQ(::write(fds[1], second.data(), second.size()), 40000);
  rc = buffer.readFromFd(fds[0], 1000);
  EXPECT_EQ(rc.bytes, 1000);
  EXPECT_EQ(buffer.toString(), first + std::string(1000, 'b'));
  // An empty buffer takes a read larger than the scratch space whole (a
  // shorter read would tell the caller the socket is empty).
  buffer.drain(buffer.length());
  rc = buffer.readFromFd(fds[0], Buffer::kScratchBytes + 1000);
  EXPECT_EQ(static_cast<size_t>(rc.bytes), Buffer::kScratchBytes + 1000);
  EXPECT_EQ(buffer.toString(), std::string(Buffer::kScratchBytes + 1000, 'b'));
  // The end of the stream, once the rest is read.
  ::close(fds[1]);
  while ((rc = buffer.readFromFd(fds[0], 64 * 1024)).bytes > 0) {
  }
  EXPECT_EQ(rc.err, 0);
  EXPECT_EQ(buffer.length(), 40000u - 1000u);
  ::close(fds[0]);
}

}  // namespace
}  // namespace remora::buffer
