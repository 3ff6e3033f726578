#pragma once

// The data message (proto type 3): a 22-byte header, fields, then ops. The
// decoded form borrows: string_views point into the bytes it was decoded
// from, which must outlive it. Field, op and particle numbering is
// Aerospike's (reference §5).

#include <cstdint>
#include <string_view>
#include <vector>

namespace remora::kv::protocol {

constexpr size_t kAsMsgHeaderSize = 22;
constexpr size_t kMaxBinNameLength = 15;
constexpr size_t kMaxNamespaceLength = 31;

namespace info1 {
constexpr uint8_t kRead = 0x01;
constexpr uint8_t kGetAll = 0x02;
constexpr uint8_t kShortQuery = 0x04;
constexpr uint8_t kBatch = 0x08;
constexpr uint8_t kXdr = 0x10;
constexpr uint8_t kGetNoBins = 0x20;
constexpr uint8_t kReadModeApAll = 0x40;
constexpr uint8_t kCompressResponse = 0x80;
}  // namespace info1

namespace info2 {
constexpr uint8_t kWrite = 0x01;
constexpr uint8_t kDelete = 0x02;
constexpr uint8_t kGeneration = 0x04;
constexpr uint8_t kGenerationGt = 0x08;
constexpr uint8_t kDurableDelete = 0x10;
constexpr uint8_t kCreateOnly = 0x20;
constexpr uint8_t kRelaxApLongQuery = 0x40;
constexpr uint8_t kRespondAllOps = 0x80;
}  // namespace info2

namespace info3 {
constexpr uint8_t kLast = 0x01;
constexpr uint8_t kCommitMaster = 0x02;
constexpr uint8_t kPartitionDone = 0x04;
constexpr uint8_t kUpdateOnly = 0x08;
constexpr uint8_t kCreateOrReplace = 0x10;
constexpr uint8_t kReplaceOnly = 0x20;
}  // namespace info3

enum class FieldType : uint8_t {
  kNamespace = 0,
  kSet = 1,
  kKey = 2,
  kRecordVersion = 3,
  kDigest = 4,
  kTxnId = 5,
  kTxnDeadline = 6,
  kTaskId = 7,
  kSocketTimeout = 9,
  kRps = 10,
  kPidArray = 11,
  kDigestArray = 12,
  kMaxRecords = 13,
  kBvalArray = 15,
  kIndexName = 21,
  kIndexRange = 22,
  kIndexContext = 23,
  kIndexExpression = 24,
  kIndexType = 26,
  kUdfPackage = 30,
  kUdfFunction = 31,
  kUdfArglist = 32,
  kUdfOp = 33,
  kQueryBins = 40,
  kBatchIndex = 41,
  kBatchWithSet = 42,
  kFilter = 43,
};

enum class OpType : uint8_t {
  kRead = 1,
  kWrite = 2,
  kCdtRead = 3,
  kCdtModify = 4,
  kIncr = 5,
  kExpRead = 7,
  kExpModify = 8,
  kAppend = 9,
  kPrepend = 10,
  kTouch = 11,
  kBitRead = 12,
  kBitModify = 13,
  kDelete = 14,
  kHllRead = 15,
  kHllModify = 16,
};

enum class ParticleType : uint8_t {
  kNull = 0,
  kInteger = 1,
  kFloat = 2,
  kString = 3,
  kBlob = 4,
  kJavaBlob = 7,
  kCsharpBlob = 8,
  kPythonBlob = 9,
  kRubyBlob = 10,
  kPhpBlob = 11,
  kErlangBlob = 12,
  kVector = 16,
  kBool = 17,
  kHll = 18,
  kMap = 19,
  kList = 20,
  kGeoJson = 23,
};

struct Field {
  FieldType type;
  std::string_view data;
};

struct Op {
  OpType op = OpType::kRead;
  ParticleType particle_type = ParticleType::kNull;
  uint8_t flags = 0;
  std::string_view name;
  std::string_view value;
};

struct AsMsgHeader {
  uint8_t info1 = 0;
  uint8_t info2 = 0;
  uint8_t info3 = 0;
  uint8_t info4 = 0;
  uint8_t result_code = 0;
  uint32_t generation = 0;
  uint32_t record_ttl = 0;       // request: TTL (writes) or read-touch %; reply: void time
  uint32_t transaction_ttl = 0;  // request: timeout ms; batch reply: row index
};

struct AsMsg {
  AsMsgHeader header;
  std::vector<Field> fields;
  std::vector<Op> ops;

  // The first field of `type`, or nullptr.
  const Field* field(FieldType type) const {
    for (const auto& f : fields) {
      if (f.type == type) return &f;
    }
    return nullptr;
  }
};

}  // namespace remora::kv::protocol
