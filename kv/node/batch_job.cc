#include "kv/node/batch_job.h"

#include <map>

#include "kv/protocol/as_msg_codec.h"
#include "kv/protocol/digest.h"
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

BatchJob::BatchJob(NodeContext& context, std::string body, size_t max_rows,
                   const OwnerElsewhere& owner_elsewhere)
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
  split(*msg, owner_elsewhere);
}

void BatchJob::split(const protocol::AsMsg& parent, const OwnerElsewhere& owner_elsewhere) {
  std::map<uint32_t, protocol::BatchRequest> by_owner;
  for (size_t i = 0; i < request_.rows.size(); ++i) {
    const protocol::BatchRow& row = request_.rows[i];
    std::optional<uint32_t> owner;
    if (owner_elsewhere) owner = owner_elsewhere(protocol::partitionId(row.digest));
    if (!owner) {
      local_rows_.push_back(i);
      continue;
    }
    protocol::BatchRequest& sub = by_owner[*owner];
    sub.flags = request_.flags;
    sub.rows.push_back(row);
  }
  for (auto& [owner, sub] : by_owner) {
    // The parent's header and fields (timeout, filter) with only this
    // owner's rows; their indexes travel unchanged and come back in the
    // owner's replies.
    Remote remote;
    remote.owner = owner;
    for (const auto& row : sub.rows) remote.expected.insert(row.index);
    std::string index_field;
    protocol::appendBatchIndex(index_field, sub);
    protocol::AsMsg msg = parent;
    for (auto& f : msg.fields) {
      if (f.type == protocol::FieldType::kBatchIndex) f.data = index_field;
    }
    const size_t frame = protocol::beginFrame(remote.frame);
    protocol::appendAsMsg(remote.frame, msg);
    protocol::endFrame(remote.frame, frame, protocol::MessageType::kAsMsg);
    remotes_.push_back(std::move(remote));
  }
  undelivered_ = remotes_.size();
}

std::vector<ForwardRequest> BatchJob::takeForwards() {
  std::vector<ForwardRequest> out;
  for (Remote& r : remotes_) out.push_back({r.owner, std::move(r.frame), true});
  return out;
}

void BatchJob::deliver(size_t forward, std::string reply) {
  if (forward >= remotes_.size() || remotes_[forward].delivered) return;
  Remote& r = remotes_[forward];
  r.delivered = true;
  --undelivered_;
  r.reply = std::move(reply);
  ResultCode last = ResultCode::kUnavailable;  // unless the owner says otherwise
  std::string_view rest = r.reply;
  bool ended = false;
  while (!ended && rest.size() >= protocol::kProtoHeaderSize) {
    auto header = protocol::decodeProtoHeader(reinterpret_cast<const uint8_t*>(rest.data()));
    if (!header || header->type != protocol::MessageType::kAsMsg ||
        rest.size() - protocol::kProtoHeaderSize < header->size) {
      break;
    }
    std::string_view body = rest.substr(protocol::kProtoHeaderSize, header->size);
    rest.remove_prefix(protocol::kProtoHeaderSize + header->size);
    while (!body.empty()) {
      size_t consumed = 0;
      auto msg = protocol::decodeAsMsg(body, &consumed);
      if (!msg) {
        ended = true;
        break;
      }
      if (msg->header.info3 & protocol::info3::kLast) {
        if (msg->header.result_code != 0) last = static_cast<ResultCode>(msg->header.result_code);
        ended = true;
        break;
      }
      // A row this owner was asked for, once: relayed byte for byte.
      if (r.expected.erase(msg->header.transaction_ttl) == 1) {
        r.records.push_back(body.substr(0, consumed));
      }
      body.remove_prefix(consumed);
    }
  }
  // Every key gets a row: those the owner left out carry its error.
  for (uint32_t index : r.expected) appendRecordReply(r.missing, last, 0, 0, index, {});
  r.expected.clear();
}

bool BatchJob::waiting() const {
  if (status_ != ResultCode::kOk || next_row_ < local_rows_.size() || undelivered_ == 0) {
    return false;
  }
  for (const Remote& r : remotes_) {
    if (r.delivered && (r.next < r.records.size() || !r.missing.empty())) return false;
  }
  return true;
}

bool BatchJob::appendRemoteRows(std::string& out, size_t start_size, size_t budget) {
  for (Remote& r : remotes_) {
    if (!r.delivered) continue;
    while (r.next < r.records.size()) {
      if (out.size() - start_size >= budget) return false;
      out += r.records[r.next++];
    }
    out += r.missing;
    r.missing.clear();
    r.reply.clear();
    r.records.clear();
    r.next = 0;
  }
  return true;
}

bool BatchJob::produce(std::string& out, size_t budget) {
  const size_t start_size = out.size();
  const size_t frame = protocol::beginFrame(out);
  const size_t empty_size = out.size();
  if (status_ == ResultCode::kOk) {
    while (next_row_ < local_rows_.size() && out.size() - start_size < budget) {
      const protocol::BatchRow& row = request_.rows[local_rows_[next_row_++]];
      RecordCommand cmd;
      const ResultCode parsed =
          recordCommandFromFields(row.header, row.fields, row.ops, row.digest, cmd);
      if (parsed != ResultCode::kOk) {
        appendRecordReply(out, parsed, 0, 0, row.index, {});
        continue;
      }
      executor_.execute(cmd, row.index, true, out);
    }
    const bool remote_done = appendRemoteRows(out, start_size, budget);
    if (next_row_ < local_rows_.size() || !remote_done || undelivered_ > 0) {
      if (out.size() == empty_size) {
        out.resize(start_size);  // nothing yet: no empty frame
      } else {
        protocol::endFrame(out, frame, protocol::MessageType::kAsMsg);
      }
      return false;
    }
  }
  appendLast(out, status_);
  protocol::endFrame(out, frame, protocol::MessageType::kAsMsg);
  return true;
}

}  // namespace remora::kv::node
