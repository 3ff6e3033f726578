#pragma once

// The bin-level write operations of a single-record command, applied to a
// record's bin list in memory (the caller holds the partition lock and
// stores the record afterwards). Pure functions.

#include <string_view>
#include <vector>

#include "kv/protocol/as_msg.h"
#include "kv/protocol/result_code.h"
#include "kv/storage/record.h"

namespace remora::kv::node {

storage::Bin* findBin(std::vector<storage::Bin>& bins, std::string_view name);
const storage::Bin* findBin(const std::vector<storage::Bin>& bins, std::string_view name);

// WRITE (a NULL particle removes the bin), INCR (integer or float, creates
// a missing bin), APPEND and PREPEND (string or blob, creates a missing bin).
// Returns kBinName for a name above 15 bytes, kIncompatibleType when the
// stored particle does not match the op, kParameterError for a malformed
// value, kOpNotApplicable for any other op.
protocol::ResultCode applyBinOp(std::vector<storage::Bin>& bins, const protocol::Op& op);

}  // namespace remora::kv::node
