#pragma once

// Encoding and decoding of as_msg bodies (the bytes after the proto header).
// Decoding never reads past the given bytes, bounds every count by the bytes
// present and returns an error (code = ResultCode::kParameterError) for a
// truncated or out-of-spec message. Pure functions, callable from any thread.

#include <cstddef>
#include <string>
#include <string_view>

#include "common/result.h"
#include "kv/protocol/as_msg.h"

namespace remora::kv::protocol {

// Decodes one as_msg at the start of `body`. With `consumed` the message may
// be followed by more bytes (multi-record streams) and its length is stored
// there; without it trailing bytes are an error. The result borrows `body`.
Result<AsMsg> decodeAsMsg(std::string_view body, size_t* consumed = nullptr);

void appendAsMsgHeader(std::string& out, const AsMsgHeader& header, uint16_t n_fields,
                       uint16_t n_ops);
void appendField(std::string& out, FieldType type, std::string_view data);
void appendOp(std::string& out, const Op& op);
// Header, fields and ops (n_fields/n_ops from the vectors).
void appendAsMsg(std::string& out, const AsMsg& msg);
// A whole type-3 frame holding `msg`.
std::string encodeAsMsgFrame(const AsMsg& msg);

}  // namespace remora::kv::protocol
