#include "kv/node/batch_job.h"

#include "kv/protocol/as_msg_codec.h"
#include "kv/protocol/proto_header.h"

namespace remora::kv::node {

using protocol::ResultCode;

namespace {

void appendLast(std::string& out, ResultCode code) {
  protocol::AsMsgHeader h;
  h.info3 = protocol::info3::kLast;
  h.result_code = protocol::toWire(code);
  protocol::appendAsMsgHeader(out, h, 0, 0);
}

}  // namespace

BatchJob::BatchJob(NodeContext& context, std::string body, size_t max_rows)
    : executor_(context), body_(std::move(body)) {
  auto msg = protocol::decodeAsMsg(body_);
  if (!msg) {
    status_ = ResultCode::kParameterError;
    return;
  }
  const protocol::Field* field = msg->field(protocol::FieldType::kBatchIndex);
  if (field == nullptr) {
    status_ = ResultCode::kParameterError;
    return;
  }
  auto decoded = protocol::decodeBatchIndex(field->data, static_cast<uint32_t>(max_rows));
  if (!decoded) {
    status_ = ResultCode::kParameterError;
    return;
  }
  request_ = std::move(*decoded);
}

bool BatchJob::produce(std::string& out, size_t budget) {
  const size_t start_size = out.size();
  const size_t frame = protocol::beginFrame(out);
  if (status_ == ResultCode::kOk) {
    while (next_row_ < request_.rows.size() && out.size() - start_size < budget) {
      const protocol::BatchRow& row = request_.rows[next_row_++];
      RecordCommand cmd;
      const ResultCode parsed =
          recordCommandFromFields(row.header, row.fields, row.ops, row.digest, cmd);
      if (parsed != ResultCode::kOk) {
        appendRecordReply(out, parsed, 0, 0, row.index, {});
        continue;
      }
      executor_.execute(cmd, row.index, true, out);
    }
    if (next_row_ < request_.rows.size()) {
      protocol::endFrame(out, frame, protocol::MessageType::kAsMsg);
      return false;
    }
  }
  appendLast(out, status_);
  protocol::endFrame(out, frame, protocol::MessageType::kAsMsg);
  return true;
}

}  // namespace remora::kv::node
