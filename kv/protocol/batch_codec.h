#pragma once

// The batch-index field (field 41) of a batch parent message, server >= 6.0
// "batch any" format (reference §9). Rows borrow from the field bytes; a
// REPEAT row is expanded into a copy of the previous row's header, fields and
// ops. Pure functions, callable from any thread.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "kv/protocol/as_msg.h"
#include "kv/protocol/digest.h"

namespace remora::kv::protocol {

namespace batch_flags {
constexpr uint8_t kAllowInline = 0x01;
constexpr uint8_t kAllowInlineSsd = 0x02;
constexpr uint8_t kRespondAllKeys = 0x04;
constexpr uint8_t kReportErrorRec = 0x08;
}  // namespace batch_flags

namespace batch_row {
constexpr uint8_t kRepeat = 0x01;
constexpr uint8_t kHasInfo = 0x02;
constexpr uint8_t kHasGeneration = 0x04;
constexpr uint8_t kHasTtl = 0x08;
constexpr uint8_t kHasInfo4 = 0x10;
}  // namespace batch_row

struct BatchRow {
  uint32_t index = 0;  // position in the client's key array, echoed in the reply
  Digest digest{};
  // info1..info4, generation (only 16 bits travel) and record_ttl; the
  // transaction_ttl and result_code stay 0.
  AsMsgHeader header;
  std::vector<Field> fields;  // NAMESPACE and SET first, then any others
  std::vector<Op> ops;

  std::string_view namespaceName() const;
  std::string_view setName() const;
};

struct BatchRequest {
  uint8_t flags = 0;
  std::vector<BatchRow> rows;
};

// Errors (code kParameterError) on truncation, a REPEAT first row, a
// row count that cannot fit in the field, or more than `max_rows` rows.
Result<BatchRequest> decodeBatchIndex(std::string_view field, uint32_t max_rows = 1u << 20);

// Appends the field's data (not its field header), writing REPEAT for a row
// whose namespace, set, header and ops equal the previous one's.
void appendBatchIndex(std::string& out, const BatchRequest& request);

}  // namespace remora::kv::protocol
