#include "kv/protocol/as_msg_codec.h"

#include <gtest/gtest.h>

#include "kv/protocol/digest.h"
#include "kv/protocol/particle.h"
#include "kv/protocol/proto_header.h"
#include "kv/protocol/result_code.h"

namespace remora::kv::protocol {
namespace {

std::string fromHex(std::string_view hex) {
  std::string out;
  auto nib = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    if (hex[i] == ' ') {
      --i;
      continue;
    }
    out.push_back(static_cast<char>(nib(hex[i]) << 4 | nib(hex[i + 1])));
  }
  return out;
}

// The byte-exact put observed on the wire (reference §5.6).
const char* kObservedPut =
    "02030000 0000006d"
    "16000100 00000000 00000000 00000000 07d00003 0003"
    "00000005 0074657374"
    "00000005 0164656d6f"
    "00000015 04cb07608395bfd4998a1ea04e618971afc3bbf084"
    "0000000d 0201000169000000000000002a"
    "0000000a 02030001736 8656c6c6f"
    "00000009 0204000162010203ff";

std::string compact(std::string s) {
  std::string out;
  for (char c : s) {
    if (c != ' ') out.push_back(c);
  }
  return out;
}

TEST(AsMsgCodecTest, DecodesTheObservedPutFromTheOfficialClient) {
  const std::string frame = fromHex(compact(kObservedPut));
  ASSERT_EQ(frame.size(), 8u + 109u);
  auto header = decodeProtoHeader(reinterpret_cast<const uint8_t*>(frame.data()));
  ASSERT_TRUE(header.ok());
  EXPECT_EQ(header->type, MessageType::kAsMsg);
  EXPECT_EQ(header->size, 109u);
  auto msg = decodeAsMsg(std::string_view(frame).substr(8));
  ASSERT_TRUE(msg.ok()) << msg.error().message;
  EXPECT_EQ(msg->header.info2, info2::kWrite);
  EXPECT_EQ(msg->header.transaction_ttl, 2000u);
  ASSERT_EQ(msg->fields.size(), 3u);
  EXPECT_EQ(msg->field(FieldType::kNamespace)->data, "test");
  EXPECT_EQ(msg->field(FieldType::kSet)->data, "demo");
  ASSERT_EQ(msg->field(FieldType::kDigest)->data.size(), 20u);
  ASSERT_EQ(msg->ops.size(), 3u);
  EXPECT_EQ(msg->ops[0].op, OpType::kWrite);
  EXPECT_EQ(msg->ops[0].particle_type, ParticleType::kInteger);
  EXPECT_EQ(msg->ops[0].name, "i");
  EXPECT_EQ(*decodeInteger(msg->ops[0].value), 42);
  EXPECT_EQ(msg->ops[1].value, "hello");
  EXPECT_EQ(msg->ops[2].value, std::string("\x01\x02\x03\xff", 4));
  // Re-encoding gives the same bytes.
  EXPECT_EQ(encodeAsMsgFrame(*msg), frame);
}

TEST(AsMsgCodecTest, RoundTripsEveryParticleType) {
  const std::string i = encodeInteger(-5), d = encodeDouble(2.5);
  AsMsg msg;
  msg.header.info1 = info1::kRead;
  msg.header.generation = 7;
  msg.header.record_ttl = 0xFFFFFFFF;
  msg.fields.push_back({FieldType::kNamespace, "ns"});
  msg.ops.push_back({OpType::kWrite, ParticleType::kInteger, 0, "i", i});
  msg.ops.push_back({OpType::kWrite, ParticleType::kFloat, 0, "d", d});
  msg.ops.push_back({OpType::kWrite, ParticleType::kString, 0, "s", "text"});
  msg.ops.push_back({OpType::kWrite, ParticleType::kBlob, 0, "b", std::string_view("\0\1", 2)});
  msg.ops.push_back({OpType::kWrite, ParticleType::kList, 0, "l", "\x92\x01\x02"});
  msg.ops.push_back({OpType::kRead, ParticleType::kNull, 0, "", ""});
  const std::string frame = encodeAsMsgFrame(msg);
  auto back = decodeAsMsg(std::string_view(frame).substr(kProtoHeaderSize));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->header.generation, 7u);
  EXPECT_EQ(back->header.record_ttl, 0xFFFFFFFFu);
  ASSERT_EQ(back->ops.size(), 6u);
  EXPECT_EQ(*decodeInteger(back->ops[0].value), -5);
  EXPECT_EQ(*decodeDouble(back->ops[1].value), 2.5);
  EXPECT_EQ(back->ops[2].value, "text");
  EXPECT_EQ(back->ops[3].value, std::string_view("\0\1", 2));
  EXPECT_EQ(back->ops[4].particle_type, ParticleType::kList);
  EXPECT_EQ(back->ops[5].name, "");
}

TEST(AsMsgCodecTest, RejectsEveryTruncationOfAValidMessage) {
  AsMsg msg;
  msg.fields.push_back({FieldType::kNamespace, "test"});
  msg.ops.push_back({OpType::kWrite, ParticleType::kString, 0, "bin", "value"});
  std::string body;
  appendAsMsg(body, msg);
  for (size_t n = 0; n < body.size(); ++n) {
    auto r = decodeAsMsg(std::string_view(body).substr(0, n));
    ASSERT_FALSE(r.ok()) << n;
    EXPECT_EQ(r.error().code, toWire(ResultCode::kParameterError));
  }
  EXPECT_TRUE(decodeAsMsg(body).ok());
}

TEST(AsMsgCodecTest, RejectsTrailingBytesUnlessAskedForTheLength) {
  std::string body;
  appendAsMsg(body, AsMsg{});
  body += "xx";
  EXPECT_FALSE(decodeAsMsg(body).ok());
  size_t consumed = 0;
  ASSERT_TRUE(decodeAsMsg(body, &consumed).ok());
  EXPECT_EQ(consumed, kAsMsgHeaderSize);
}

TEST(AsMsgCodecTest, RejectsOutOfSpecHeaderAndCounts) {
  std::string body;
  appendAsMsg(body, AsMsg{});
  std::string bad = body;
  bad[0] = 30;  // header_sz
  EXPECT_FALSE(decodeAsMsg(bad).ok());
  bad = body;
  bad[18] = '\xff';  // n_fields far beyond the bytes present
  bad[19] = '\xff';
  EXPECT_FALSE(decodeAsMsg(bad).ok());
}

TEST(AsMsgCodecTest, RejectsOpWhoseNameOverrunsItsSize) {
  AsMsg msg;
  msg.ops.push_back({OpType::kRead, ParticleType::kNull, 0, "abc", ""});
  std::string body;
  appendAsMsg(body, msg);
  body[kAsMsgHeaderSize + 7] = 9;  // name_len 9 > size - 4
  EXPECT_FALSE(decodeAsMsg(body).ok());
}

TEST(AsMsgCodecTest, ProtoHeaderRejectsBadVersionTypeAndSize) {
  uint8_t h[8];
  encodeProtoHeader(h, MessageType::kInfo, 100);
  ASSERT_TRUE(decodeProtoHeader(h).ok());
  EXPECT_FALSE(decodeProtoHeader(h, 99).ok());
  h[0] = 3;
  EXPECT_FALSE(decodeProtoHeader(h).ok());
  encodeProtoHeader(h, MessageType::kInfo, 100);
  h[1] = 9;
  EXPECT_FALSE(decodeProtoHeader(h).ok());
  encodeProtoHeader(h, MessageType::kAsMsg, kProtoSizeMax + 1);
  EXPECT_FALSE(decodeProtoHeader(h).ok());
}

TEST(ParticleTest, DecodesShortIntegersWithSignExtension) {
  EXPECT_EQ(*decodeInteger(std::string_view("\x2a", 1)), 42);
  EXPECT_EQ(*decodeInteger(std::string_view("\xff\xfe", 2)), -2);
  EXPECT_FALSE(decodeInteger("").ok());
  EXPECT_FALSE(decodeInteger("123456789").ok());
  EXPECT_FALSE(decodeDouble("1234").ok());
}

TEST(ResultCodeTest, NamesMatchTheClientTable) {
  EXPECT_EQ(toWire(ResultCode::kRecordNotFound), 2);
  EXPECT_EQ(toWire(ResultCode::kNamespaceNotFound), 20);
  EXPECT_EQ(toWire(ResultCode::kSecurityNotEnabled), 52);
  EXPECT_EQ(toWire(ResultCode::kBatchQueuesFull), 152);
  EXPECT_EQ(resultCodeName(ResultCode::kGenerationError), "ERR_RECORD_GENERATION");
  EXPECT_EQ(resultCodeName(static_cast<ResultCode>(99)), "UNKNOWN");
}

}  // namespace
}  // namespace remora::kv::protocol
