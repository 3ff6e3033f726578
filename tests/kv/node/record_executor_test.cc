#include "kv/node/record_executor.h"

#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "kv/storage/device_engine.h"
#include "kv/storage/posix_device_io.h"
#include "tests/kv/node/node_test_util.h"
#include "tests/kv/storage/faulty_device_io.h"
#include "tests/kv/storage/storage_test_util.h"

namespace remora::kv::node::testing {
namespace {

using protocol::encodeDouble;
using protocol::encodeInteger;
using protocol::OpType;
using protocol::ParticleType;
using protocol::ResultCode;
namespace info1 = protocol::info1;
namespace info2 = protocol::info2;
namespace info3 = protocol::info3;

constexpr int kOk = 0, kNotFound = 2, kGeneration = 3, kParam = 4, kExists = 5, kIncompatible = 12,
              kUnsupported = 16, kKeyMismatch = 19, kNoNamespace = 20, kBinName = 21;

class RecordExecutorTest : public ::testing::Test {
 protected:
  Reply put(const std::string& key, const std::string& bin, const std::string& value,
            uint8_t i2 = 0, uint8_t i3 = 0, uint32_t gen = 0, uint32_t ttl = 0) {
    auto b = keyed("demo", key);
    b.info2(info2::kWrite | i2).info3(i3).generation(gen).recordTtl(ttl);
    b.op(OpType::kWrite, ParticleType::kString, bin, value);
    return single(node_, b);
  }
  Reply get(const std::string& key, uint8_t i1 = info1::kRead | info1::kGetAll) {
    auto b = keyed("demo", key);
    b.info1(i1);
    return single(node_, b);
  }

  TestNode node_;
};

TEST_F(RecordExecutorTest, PutThenGetReturnsEveryParticleType) {
  auto b = keyed("demo", "k");
  b.info2(info2::kWrite)
      .op(OpType::kWrite, ParticleType::kInteger, "i", encodeInteger(42))
      .op(OpType::kWrite, ParticleType::kFloat, "d", encodeDouble(1.5))
      .op(OpType::kWrite, ParticleType::kString, "s", "hello")
      .op(OpType::kWrite, ParticleType::kBlob, "b", std::string("\x01\x00\xff", 3))
      .op(OpType::kWrite, ParticleType::kList, "l", "\x92\x01\x02");
  auto w = single(node_, b);
  EXPECT_EQ(rc(w), kOk);
  EXPECT_EQ(w.header.generation, 1u);
  EXPECT_TRUE(w.bins.empty());

  auto r = get("k");
  ASSERT_EQ(rc(r), kOk);
  EXPECT_EQ(r.header.generation, 1u);
  EXPECT_EQ(r.header.record_ttl, 0u);  // void time 0: never expires
  EXPECT_EQ(*protocol::decodeInteger(value(r, "i")), 42);
  EXPECT_EQ(*protocol::decodeDouble(value(r, "d")), 1.5);
  EXPECT_EQ(value(r, "s"), "hello");
  EXPECT_EQ(value(r, "b"), std::string("\x01\x00\xff", 3));
  EXPECT_EQ(value(r, "l"), "\x92\x01\x02");
  EXPECT_EQ(node_.stats.resultCount(OpKind::kRead, ResultCode::kOk), 1u);
}

TEST_F(RecordExecutorTest, ReadsNamedBinsOrOnlyTheHeader) {
  auto b = keyed("demo", "k");
  b.info2(info2::kWrite)
      .op(OpType::kWrite, ParticleType::kString, "a", "1")
      .op(OpType::kWrite, ParticleType::kString, "b", "2");
  ASSERT_EQ(rc(single(node_, b)), kOk);
  auto sel = keyed("demo", "k");
  sel.info1(info1::kRead).readBin("b").readBin("missing");
  auto r = single(node_, sel);
  ASSERT_EQ(rc(r), kOk);
  ASSERT_EQ(r.bins.size(), 1u);
  EXPECT_EQ(r.bins[0].first, "b");
  auto h = get("k", info1::kRead | info1::kGetNoBins);
  EXPECT_EQ(rc(h), kOk);
  EXPECT_TRUE(h.bins.empty());
  EXPECT_EQ(h.header.generation, 1u);
  EXPECT_EQ(rc(get("nope", info1::kRead | info1::kGetNoBins)), kNotFound);
}

TEST_F(RecordExecutorTest, MissingRecordAndNamespaceGiveTheirCodes) {
  EXPECT_EQ(rc(get("absent")), kNotFound);
  auto b = keyed("demo", "k", "nosuchns");
  b.info1(info1::kRead | info1::kGetAll);
  EXPECT_EQ(rc(single(node_, b)), kNoNamespace);
}

TEST_F(RecordExecutorTest, DeleteRemovesAndASecondDeleteIsNotFound) {
  ASSERT_EQ(rc(put("k", "s", "v")), kOk);
  auto del = keyed("demo", "k");
  del.info2(info2::kWrite | info2::kDelete);
  EXPECT_EQ(rc(single(node_, del)), kOk);
  EXPECT_EQ(rc(get("k")), kNotFound);
  EXPECT_EQ(rc(single(node_, del)), kNotFound);
}

TEST_F(RecordExecutorTest, ExistsPoliciesFollowTheServer) {
  EXPECT_EQ(rc(put("k", "s", "v", 0, info3::kUpdateOnly)), kNotFound);
  EXPECT_EQ(rc(put("k", "s", "v", 0, info3::kReplaceOnly)), kNotFound);
  EXPECT_EQ(rc(put("k", "s", "v", info2::kCreateOnly)), kOk);
  EXPECT_EQ(rc(put("k", "s", "v2", info2::kCreateOnly)), kExists);
  EXPECT_EQ(rc(put("k", "t", "x", 0, info3::kUpdateOnly)), kOk);
  auto r = get("k");
  EXPECT_EQ(r.bins.size(), 2u);  // update merges bins
  EXPECT_EQ(rc(put("k", "u", "y", 0, info3::kCreateOrReplace)), kOk);
  r = get("k");
  ASSERT_EQ(r.bins.size(), 1u);  // replace drops the others
  EXPECT_EQ(r.bins[0].first, "u");
  EXPECT_EQ(r.header.generation, 3u);
}

TEST_F(RecordExecutorTest, GenerationChecksEqualAndGreater) {
  ASSERT_EQ(rc(put("k", "s", "1")), kOk);  // gen 1
  auto bad = put("k", "s", "2", info2::kGeneration, 0, 5);
  EXPECT_EQ(rc(bad), kGeneration);
  EXPECT_EQ(bad.header.generation, 1u);
  EXPECT_EQ(rc(put("k", "s", "2", info2::kGeneration, 0, 1)), kOk);  // gen 2
  EXPECT_EQ(rc(put("k", "s", "3", info2::kGenerationGt, 0, 2)), kGeneration);
  EXPECT_EQ(rc(put("k", "s", "3", info2::kGenerationGt, 0, 7)), kOk);
  EXPECT_EQ(value(get("k"), "s"), "3");
  // CREATE_ONLY is checked before the generation.
  EXPECT_EQ(rc(put("k", "s", "4", info2::kCreateOnly | info2::kGeneration, 0, 99)), kExists);
}

TEST_F(RecordExecutorTest, TtlDefaultNeverAndDontUpdate) {
  const uint32_t now = node_.clock->nowVoidTime();
  auto w = put("k", "s", "v", 0, 0, 0, 100);
  EXPECT_EQ(w.header.record_ttl, now + 100);
  // -2 keeps the expiry.
  w = put("k", "s", "v", 0, 0, 0, 0xFFFFFFFE);
  EXPECT_EQ(w.header.record_ttl, now + 100);
  // -1 never expires; 0 is the namespace default (0 here: never).
  EXPECT_EQ(put("k", "s", "v", 0, 0, 0, 0xFFFFFFFF).header.record_ttl, 0u);
  EXPECT_EQ(put("k", "s", "v", 0, 0, 0, 0).header.record_ttl, 0u);
}

TEST_F(RecordExecutorTest, ExpiredRecordsAreAbsentAndWritesRecreateThem) {
  ASSERT_EQ(rc(put("k", "s", "v", 0, 0, 0, 10)), kOk);
  EXPECT_EQ(rc(get("k")), kOk);
  node_.clock->advanceSeconds(11);
  EXPECT_EQ(rc(get("k")), kNotFound);
  EXPECT_EQ(rc(put("k", "s", "v", 0, info3::kUpdateOnly)), kNotFound);
  auto w = put("k", "s", "new");
  EXPECT_EQ(rc(w), kOk);
  EXPECT_EQ(w.header.generation, 1u);  // a new record
}

TEST(RecordExecutorDefaultTtlTest, NamespaceDefaultTtlApplies) {
  TestNode node(3600);
  auto b = keyed("demo", "k");
  b.info2(info2::kWrite).op(OpType::kWrite, ParticleType::kString, "s", "v");
  auto w = single(node, b);
  EXPECT_EQ(w.header.record_ttl, node.clock->nowVoidTime() + 3600);
}

TEST_F(RecordExecutorTest, IncrAppendPrependAndTypeErrors) {
  auto op = [&](OpType o, ParticleType t, const std::string& bin, const std::string& v) {
    auto b = keyed("demo", "k");
    b.info2(info2::kWrite).op(o, t, bin, v);
    return rc(single(node_, b));
  };
  EXPECT_EQ(op(OpType::kIncr, ParticleType::kInteger, "n", encodeInteger(5)), kOk);
  EXPECT_EQ(op(OpType::kIncr, ParticleType::kInteger, "n", encodeInteger(-7)), kOk);
  EXPECT_EQ(op(OpType::kIncr, ParticleType::kFloat, "f", encodeDouble(0.5)), kOk);
  EXPECT_EQ(op(OpType::kIncr, ParticleType::kFloat, "f", encodeDouble(0.25)), kOk);
  EXPECT_EQ(op(OpType::kAppend, ParticleType::kString, "s", "mid"), kOk);
  EXPECT_EQ(op(OpType::kAppend, ParticleType::kString, "s", "-end"), kOk);
  EXPECT_EQ(op(OpType::kPrepend, ParticleType::kString, "s", "start-"), kOk);
  auto r = get("k");
  EXPECT_EQ(*protocol::decodeInteger(value(r, "n")), -2);
  EXPECT_EQ(*protocol::decodeDouble(value(r, "f")), 0.75);
  EXPECT_EQ(value(r, "s"), "start-mid-end");
  EXPECT_EQ(op(OpType::kIncr, ParticleType::kInteger, "s", encodeInteger(1)), kIncompatible);
  EXPECT_EQ(op(OpType::kIncr, ParticleType::kFloat, "n", encodeDouble(1)), kIncompatible);
  EXPECT_EQ(op(OpType::kAppend, ParticleType::kString, "n", "x"), kIncompatible);
  EXPECT_EQ(op(OpType::kAppend, ParticleType::kBlob, "s", "x"), kIncompatible);
  EXPECT_EQ(op(OpType::kWrite, ParticleType::kString, "sixteen-chars-xx", "x"), kBinName);
  EXPECT_EQ(op(OpType::kCdtModify, ParticleType::kBlob, "l", "\x93"), kUnsupported);
}

TEST_F(RecordExecutorTest, OperateReturnsReadsInOrderAndRespondAllOps) {
  ASSERT_EQ(rc(put("k", "s", "a")), kOk);
  auto b = keyed("demo", "k");
  b.info1(info1::kRead)
      .info2(info2::kWrite)
      .readBin("s")
      .op(OpType::kAppend, ParticleType::kString, "s", "b")
      .readBin("s")
      .op(OpType::kIncr, ParticleType::kInteger, "c", encodeInteger(3))
      .readBin("c");
  auto r = single(node_, b);
  ASSERT_EQ(rc(r), kOk);
  ASSERT_EQ(r.bins.size(), 3u);
  EXPECT_EQ(r.bins[0].second, "a");
  EXPECT_EQ(r.bins[1].second, "ab");
  EXPECT_EQ(*protocol::decodeInteger(r.bins[2].second), 3);
  EXPECT_EQ(r.header.generation, 2u);

  auto all = keyed("demo", "k");
  all.info1(info1::kRead)
      .info2(info2::kWrite | info2::kRespondAllOps)
      .op(OpType::kWrite, ParticleType::kString, "x", "y")
      .readBin("x")
      .readBin("missing");
  r = single(node_, all);
  ASSERT_EQ(r.bins.size(), 3u);  // one per op; the write answers NULL
  EXPECT_EQ(r.bin_types[0], 0);
  EXPECT_EQ(r.bins[1].second, "y");
  EXPECT_EQ(r.bin_types[2], 0);
}

TEST_F(RecordExecutorTest, TouchBumpsGenerationAndNeedsARecord) {
  auto touch = [&](const std::string& key, uint32_t ttl) {
    auto b = keyed("demo", key);
    b.info2(info2::kWrite).recordTtl(ttl).op(OpType::kTouch, ParticleType::kNull, "", "");
    return single(node_, b);
  };
  EXPECT_EQ(rc(touch("k", 50)), kNotFound);
  ASSERT_EQ(rc(put("k", "s", "v")), kOk);
  auto t = touch("k", 50);
  EXPECT_EQ(rc(t), kOk);
  EXPECT_EQ(t.header.generation, 2u);
  EXPECT_EQ(t.header.record_ttl, node_.clock->nowVoidTime() + 50);
  EXPECT_EQ(value(get("k"), "s"), "v");
}

TEST_F(RecordExecutorTest, DeletingTheLastBinOrADeleteOpRemovesTheRecord) {
  ASSERT_EQ(rc(put("k", "s", "v")), kOk);
  auto b = keyed("demo", "k");
  b.info2(info2::kWrite).op(OpType::kWrite, ParticleType::kNull, "s", "");
  EXPECT_EQ(rc(single(node_, b)), kOk);
  EXPECT_EQ(rc(get("k")), kNotFound);

  ASSERT_EQ(rc(put("k", "s", "v")), kOk);
  auto d = keyed("demo", "k");
  d.info2(info2::kWrite).op(OpType::kDelete, ParticleType::kNull, "", "");
  EXPECT_EQ(rc(single(node_, d)), kOk);
  EXPECT_EQ(rc(get("k")), kNotFound);
  EXPECT_EQ(node_.engine->storedRecords(), 0u);
}

TEST_F(RecordExecutorTest, SentKeyIsCheckedAgainstTheDigestAndStored) {
  auto b = keyed("demo", "user-1");
  b.info2(info2::kWrite)
      .field(protocol::FieldType::kKey, std::string("\x03user-1", 7))
      .op(OpType::kWrite, ParticleType::kString, "s", "v");
  EXPECT_EQ(rc(single(node_, b)), kOk);
  auto stored = node_.engine->read(protocol::partitionId(digestOf("demo", "user-1")),
                                   digestOf("demo", "user-1"));
  ASSERT_TRUE(stored.ok() && stored->has_value());
  ASSERT_TRUE((*stored)->user_key.has_value());
  EXPECT_EQ((*stored)->user_key->second, "user-1");

  auto forged = keyed("demo", "user-1");
  forged.info2(info2::kWrite)
      .field(protocol::FieldType::kKey, std::string("\x03other", 6))
      .op(OpType::kWrite, ParticleType::kString, "s", "v");
  EXPECT_EQ(rc(single(node_, forged)), kParam);
}

TEST_F(RecordExecutorTest, ReplaceCreateOnlyAndDeleteDoNotReadTheOldRecord) {
  auto first = put("k", "s", "v", 0, 0, 0, 100);  // an update reads (nothing yet): gen 1
  ASSERT_EQ(rc(first), kOk);
  EXPECT_EQ(node_.engine->reads.load(), 1u);
  const uint64_t reads = node_.engine->reads.load();

  auto replaced = put("k", "r", "w", 0, info3::kCreateOrReplace, 0, 0xFFFFFFFE);  // TTL kept
  EXPECT_EQ(rc(replaced), kOk);
  EXPECT_EQ(replaced.header.generation, 2u);
  EXPECT_EQ(replaced.header.record_ttl, first.header.record_ttl);
  EXPECT_EQ(rc(put("k", "r", "x", 0, info3::kReplaceOnly)), kOk);  // gen 3
  EXPECT_EQ(rc(put("absent", "r", "x", 0, info3::kReplaceOnly)), kNotFound);
  EXPECT_EQ(rc(put("k", "r", "y", info2::kCreateOnly)), kExists);
  EXPECT_EQ(rc(put("new", "r", "y", info2::kCreateOnly)), kOk);
  auto stale = put("k", "r", "z", info2::kGeneration, info3::kCreateOrReplace, 2);
  EXPECT_EQ(rc(stale), kGeneration);
  EXPECT_EQ(stale.header.generation, 3u);
  EXPECT_EQ(rc(put("k", "r", "z", info2::kGeneration, info3::kCreateOrReplace, 3)), kOk);
  EXPECT_EQ(node_.engine->reads.load(), reads);
  EXPECT_EQ(node_.stats.write_reads_skipped.value(), 7u);

  auto r = get("k");  // a read reads, of course
  ASSERT_EQ(rc(r), kOk);
  EXPECT_EQ(r.header.generation, 4u);
  ASSERT_EQ(r.bins.size(), 1u);
  EXPECT_EQ(value(r, "r"), "z");

  auto del = keyed("demo", "k");
  del.info2(info2::kWrite | info2::kDelete);
  const uint64_t before_delete = node_.engine->reads.load();
  EXPECT_EQ(rc(single(node_, del)), kOk);
  EXPECT_EQ(rc(single(node_, del)), kNotFound);
  EXPECT_EQ(node_.engine->reads.load(), before_delete);
}

TEST_F(RecordExecutorTest, ReplaceReadsTheOldRecordOnlyToCheckOrKeepAStoredKey) {
  const auto d1 = digestOf("demo", "user-1");
  const uint32_t p1 = protocol::partitionId(d1);
  auto withKey = [](const std::string& key, const std::string& sent, uint8_t i2, uint8_t i3) {
    auto b = keyed("demo", key);
    b.info2(info2::kWrite | i2).info3(i3);
    if (!sent.empty()) b.field(protocol::FieldType::kKey, "\x03" + sent);
    b.op(OpType::kWrite, ParticleType::kString, "s", "v");
    return b;
  };
  ASSERT_EQ(rc(single(node_, withKey("user-1", "user-1", 0, 0))), kOk);
  uint64_t reads = node_.engine->reads.load();
  // Replaced without the key: the stored key is read and kept.
  EXPECT_EQ(rc(single(node_, withKey("user-1", "", 0, info3::kCreateOrReplace))), kOk);
  EXPECT_EQ(node_.engine->reads.load(), reads + 1);
  auto stored = node_.engine->read(p1, d1);
  ASSERT_TRUE(stored.ok() && stored->has_value());
  ASSERT_TRUE((*stored)->user_key.has_value());
  EXPECT_EQ((*stored)->user_key->second, "user-1");

  // A stored key other than the sent one (a digest collision, forged here).
  const auto d2 = digestOf("demo", "user-2");
  storage::Record other;
  other.digest = d2;
  other.set_name = "demo";
  other.generation = 1;
  other.user_key = std::make_pair(uint8_t{3}, std::string("not-user-2"));
  other.bins = {{"s", 3, "v"}};
  ASSERT_TRUE(node_.engine->write(protocol::partitionId(d2), other).ok());
  EXPECT_EQ(rc(single(node_, withKey("user-2", "user-2", 0, info3::kReplaceOnly))), kKeyMismatch);

  // A delete without a key has nothing to check: no read.
  reads = node_.engine->reads.load();
  auto del = keyed("demo", "user-1");
  del.info2(info2::kWrite | info2::kDelete);
  EXPECT_EQ(rc(single(node_, del)), kOk);
  EXPECT_EQ(node_.engine->reads.load(), reads);
}

// Aerospike answers PARAMETER_ERROR to an update whose set differs from the
// stored record's, a missing set included (set_name_check_on_update).
TEST_F(RecordExecutorTest, UpdateNamingAnotherSetThanTheRecordsIsAParameterError) {
  ASSERT_EQ(rc(put("k", "s", "v1")), kOk);
  const auto digest = digestOf("demo", "k");
  auto write = [&](std::optional<std::string> set, uint8_t i3) {
    auto b = digestOnly(digest, set);
    b.info2(info2::kWrite).info3(i3).op(OpType::kWrite, ParticleType::kString, "s", "v2");
    return rc(single(node_, b));
  };
  EXPECT_EQ(write("other", 0), kParam);
  EXPECT_EQ(write("other", info3::kCreateOrReplace), kParam);  // decided from the index
  EXPECT_EQ(write(std::nullopt, 0), kParam);
  EXPECT_EQ(write("", 0), kParam);  // an empty set field is no set
  auto r = get("k");
  ASSERT_EQ(rc(r), kOk);
  EXPECT_EQ(value(r, "s"), "v1");
  EXPECT_EQ(r.header.generation, 1u);
  EXPECT_EQ(write("demo", 0), kOk);

  // A record without a set refuses a write that names one.
  const auto setless = digestOf("", "k2");
  protocol::RequestBuilder create;
  create.key("test", "", setless).info2(info2::kWrite);
  create.op(OpType::kWrite, ParticleType::kString, "s", "v");
  ASSERT_EQ(rc(single(node_, create)), kOk);
  protocol::RequestBuilder named;
  named.key("test", "demo", setless).info2(info2::kWrite);
  named.op(OpType::kWrite, ParticleType::kString, "s", "v");
  EXPECT_EQ(rc(single(node_, named)), kParam);
}

// A read or a delete may leave the set out, but a set it names must be the
// record's (Aerospike's set_name_check).
TEST_F(RecordExecutorTest, ReadOrDeleteNamingAnotherSetIsAParameterError) {
  ASSERT_EQ(rc(put("k", "s", "v")), kOk);
  const auto digest = digestOf("demo", "k");
  auto byDigest = [&](std::optional<std::string> set, bool remove) {
    auto b = digestOnly(digest, set);
    if (remove) {
      b.info2(info2::kWrite | info2::kDelete);
    } else {
      b.info1(info1::kRead | info1::kGetAll);
    }
    return rc(single(node_, b));
  };
  EXPECT_EQ(byDigest("other", false), kParam);
  EXPECT_EQ(byDigest(std::nullopt, false), kOk);
  EXPECT_EQ(byDigest("", false), kOk);
  EXPECT_EQ(byDigest("demo", false), kOk);
  EXPECT_EQ(byDigest("other", true), kParam);
  EXPECT_EQ(rc(get("k")), kOk);  // the refused delete left it
  EXPECT_EQ(byDigest(std::nullopt, true), kOk);
  EXPECT_EQ(rc(get("k")), kNotFound);
}

TEST_F(RecordExecutorTest, StorageErrorsMapToResultCodes) {
  node_.engine->fail_writes_with = storage::StorageErrorCode::kDeviceFull;
  EXPECT_EQ(rc(put("k", "s", "v")), 8);
  node_.engine->fail_writes_with = storage::StorageErrorCode::kRecordTooBig;
  EXPECT_EQ(rc(put("k", "s", "v")), 13);
  node_.engine->fail_writes_with = storage::StorageErrorCode::kIo;
  EXPECT_EQ(rc(put("k", "s", "v")), 1);
}

TEST_F(RecordExecutorTest, ReadTouchTouchesNearExpiryAndRepliesWithTheOldTtl) {
  ASSERT_EQ(rc(put("k", "s", "v", 0, 0, 0, 100)), kOk);
  const uint32_t old_void = node_.clock->nowVoidTime() + 100;
  node_.clock->advanceSeconds(30);  // 70% left: a 60% read-touch does nothing
  auto b = keyed("demo", "k");
  b.info1(info1::kRead | info1::kGetAll).recordTtl(60);
  EXPECT_EQ(single(node_, b).header.record_ttl, old_void);
  EXPECT_EQ(get("k").header.generation, 1u);
  node_.clock->advanceSeconds(30);  // 40% left: an 80% read-touch touches
  auto t = keyed("demo", "k");
  t.info1(info1::kRead | info1::kGetAll).recordTtl(80);
  EXPECT_EQ(single(node_, t).header.record_ttl, old_void);
  auto after = get("k");
  EXPECT_EQ(after.header.generation, 2u);
  EXPECT_EQ(after.header.record_ttl, node_.clock->nowVoidTime() + 100);
}

TEST_F(RecordExecutorTest, MalformedRequestsGetParameterError) {
  protocol::RequestBuilder no_digest;
  no_digest.field(protocol::FieldType::kNamespace, "test").field(protocol::FieldType::kDigest, "short");
  no_digest.info1(info1::kRead);
  EXPECT_EQ(rc(single(node_, no_digest)), kParam);
  auto neither = keyed("demo", "k");
  EXPECT_EQ(rc(single(node_, neither)), kParam);  // neither read nor write
  auto write_op_in_read = keyed("demo", "k");
  write_op_in_read.info1(info1::kRead).op(OpType::kWrite, ParticleType::kString, "s", "v");
  EXPECT_EQ(rc(single(node_, write_op_in_read)), kParam);
  auto bad_int = keyed("demo", "k");
  bad_int.info2(info2::kWrite).op(OpType::kWrite, ParticleType::kInteger, "i", "123456789");
  EXPECT_EQ(rc(single(node_, bad_int)), kParam);
  // A request that does not decode at all still gets an answer.
  auto replies = roundTrip(node_, std::string("\x02\x03\x00\x00\x00\x00\x00\x03xyz", 11));
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(rc(replies[0]), kParam);
  EXPECT_TRUE(replies[0].header.info3 & info3::kLast);
  EXPECT_EQ(node_.stats.bad_requests.value(), 2u);
}

// The executor over a real device engine: writes that do not need the old
// bins must not read the device.
class RecordExecutorDeviceTest : public RecordExecutorTest {
 protected:
  static constexpr uint32_t kBlockSize = 64 * 1024;

  RecordExecutorDeviceTest() {
    ns_config_ = node_.context->namespaces[0]->config();
    auto& s = ns_config_.storage;
    s.kind = storage::EngineKind::kDevice;
    s.devices = {storage::DeviceConfig{dir_.file("data.dat"), 64ull * kBlockSize}};
    s.write_block_size = kBlockSize;
    s.defrag_sleep_ms = 0;
    s.tomb_raider_period_ms = 0;
    node_.engine = nullptr;
    open();
  }

  // Replaces the namespace's engine by a started device engine on the file.
  void open() {
    auto faults = faults_;
    auto opener = [faults](const std::string& path, uint64_t size,
                           uint32_t) -> Result<storage::DeviceIoPtr> {
      auto inner = storage::PosixDeviceIo::open(path, size);
      if (!inner) return inner.error();
      return storage::DeviceIoPtr(
          std::make_unique<storage::testing::FaultyDeviceIo>(std::move(*inner), faults));
    };
    auto engine = std::make_unique<storage::DeviceEngine>(ns_config_.storage, node_.clock, opener);
    Status st = engine->start();
    ASSERT_TRUE(st.ok()) << st.error().message;
    engine_ = engine.get();
    node_.context->namespaces.clear();
    node_.context->namespaces.push_back(std::make_unique<Namespace>(ns_config_, std::move(engine)));
  }
  // A restart: afterwards no record is in a write buffer, so reading one
  // reads the device.
  void reopen() {
    ASSERT_TRUE(engine_->shutdown().ok());
    open();
  }
  Reply del(const std::string& key) {
    auto b = keyed("demo", key);
    b.info2(info2::kWrite | info2::kDelete);
    return single(node_, b);
  }

  storage::testing::TempDir dir_;
  std::shared_ptr<storage::testing::Faults> faults_ = std::make_shared<storage::testing::Faults>();
  config::NamespaceConfig ns_config_;
  storage::DeviceEngine* engine_ = nullptr;
};

TEST_F(RecordExecutorDeviceTest, WritesThatReplaceTheBinsDoNoDeviceRead) {
  constexpr int kKeys = 40;  // 1 KiB values: one write block
  const std::string v(1000, 'v');
  for (int i = 0; i < kKeys; ++i) ASSERT_EQ(rc(put("k" + std::to_string(i), "s", v)), kOk);
  reopen();
  const uint64_t reads = faults_->reads.load();

  auto r = put("k0", "t", v, 0, info3::kCreateOrReplace);
  EXPECT_EQ(rc(r), kOk);
  EXPECT_EQ(r.header.generation, 2u);
  EXPECT_EQ(rc(put("k1", "t", v, 0, info3::kReplaceOnly)), kOk);
  EXPECT_EQ(rc(put("absent", "t", v, 0, info3::kReplaceOnly)), kNotFound);
  EXPECT_EQ(rc(put("k2", "t", v, info2::kCreateOnly)), kExists);
  auto stale = put("k3", "t", v, info2::kGeneration, info3::kCreateOrReplace, 5);
  EXPECT_EQ(rc(stale), kGeneration);
  EXPECT_EQ(stale.header.generation, 1u);
  EXPECT_EQ(rc(put("k3", "t", v, info2::kGenerationGt, info3::kCreateOrReplace, 1)), kGeneration);
  EXPECT_EQ(rc(put("k3", "t", v, info2::kGeneration, info3::kCreateOrReplace, 1)), kOk);
  EXPECT_EQ(rc(del("k4")), kOk);
  EXPECT_EQ(rc(del("k4")), kNotFound);
  EXPECT_EQ(faults_->reads.load(), reads);
  EXPECT_EQ(engine_->stats().device_reads, 0u);

  // The replaced records hold only the new bins (read from the write buffer).
  auto got = get("k3");
  ASSERT_EQ(rc(got), kOk);
  EXPECT_EQ(got.header.generation, 2u);
  ASSERT_EQ(got.bins.size(), 1u);
  EXPECT_EQ(got.bins[0].first, "t");
  EXPECT_EQ(rc(get("k4")), kNotFound);

  // An update merges bins, so it reads the old record from the device.
  EXPECT_EQ(rc(put("k5", "t", "x")), kOk);
  EXPECT_EQ(engine_->stats().device_reads, 1u);
  EXPECT_EQ(get("k5").bins.size(), 2u);

  // Every copy in the block written before the restart is now dead once the
  // rest are replaced too: a defrag pass frees the block, moving nothing.
  for (int i = 0; i < kKeys; ++i) {
    if (i == 0 || i == 1 || i == 3 || i == 4 || i == 5) continue;
    ASSERT_EQ(rc(put("k" + std::to_string(i), "t", v, 0, info3::kCreateOrReplace)), kOk);
  }
  EXPECT_EQ(engine_->stats().device_reads, 1u);
  auto freed = engine_->defragNow();
  ASSERT_TRUE(freed.ok()) << freed.error().message;
  EXPECT_GE(*freed, 1u);
  EXPECT_EQ(engine_->stats().defrag_records_moved, 0u);
}

}  // namespace
}  // namespace remora::kv::node::testing
