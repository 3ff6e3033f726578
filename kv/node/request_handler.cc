#include "kv/node/request_handler.h"

#include "kv/node/batch_job.h"
#include "kv/node/proxy_pool.h"
#include "kv/node/scan_job.h"
#include "kv/protocol/as_msg_codec.h"
#include "kv/protocol/compression.h"
#include "kv/protocol/digest.h"

namespace remora::kv::node {

using protocol::FieldType;
using protocol::MessageType;
using protocol::ResultCode;

namespace {

// Admin (security) messages: a 16-byte admin header whose second byte is the
// result. SECURITY_NOT_ENABLED makes the client skip login (reference §11).
std::string adminReplyFrame() {
  std::string out;
  const size_t frame = protocol::beginFrame(out);
  std::string header(16, '\0');
  header[1] = static_cast<char>(protocol::toWire(ResultCode::kSecurityNotEnabled));
  out += header;
  protocol::endFrame(out, frame, MessageType::kAdmin);
  return out;
}

}  // namespace

std::optional<uint32_t> RequestHandler::ownerElsewhere(uint32_t partition) const {
  const auto& cluster = context_.config.static_cluster;
  if (!cluster || context_.partitions.isMaster(partition)) return std::nullopt;
  const uint32_t owner = cluster->owner[partition];
  if (owner == cluster->self) return std::nullopt;
  return owner;
}

std::string errorReplyFrame(ResultCode code) {
  std::string out;
  const size_t frame = protocol::beginFrame(out);
  protocol::AsMsgHeader h;
  h.info3 = protocol::info3::kLast;
  h.result_code = protocol::toWire(code);
  protocol::appendAsMsgHeader(out, h, 0, 0);
  protocol::endFrame(out, frame, MessageType::kAsMsg);
  return out;
}

HandleResult RequestHandler::handle(MessageType type, std::string body, bool proxied) {
  HandleResult result;
  switch (type) {
    case MessageType::kInfo: {
      const size_t frame = protocol::beginFrame(result.reply);
      if (body == std::string(kProxyHelloCommand) + "\n") {
        result.mark_proxied = true;
        result.reply += std::string(kProxyHelloCommand) + "\tok\n";
        protocol::endFrame(result.reply, frame, MessageType::kInfo);
        return result;
      }
      result.reply += info_.handle(body);
      protocol::endFrame(result.reply, frame, MessageType::kInfo);
      return result;
    }
    case MessageType::kAdmin:
      context_.stats.admin_requests.inc();
      result.reply = adminReplyFrame();
      return result;
    case MessageType::kAsMsg: return handleAsMsg(std::move(body), proxied);
    case MessageType::kCompressed: {
      auto inner = protocol::decompressBody(body, context_.config.max_message_size +
                                                      protocol::kProtoHeaderSize);
      if (!inner) {
        context_.stats.proto_errors.inc();
        result.close = true;
        return result;
      }
      auto h = protocol::decodeProtoHeader(reinterpret_cast<const uint8_t*>(inner->data()),
                                           context_.config.max_message_size);
      if (!h || h->type != MessageType::kAsMsg ||
          h->size != inner->size() - protocol::kProtoHeaderSize) {
        context_.stats.proto_errors.inc();
        result.close = true;
        return result;
      }
      // Replies go uncompressed; the client accepts both (reference §1.2).
      return handleAsMsg(inner->substr(protocol::kProtoHeaderSize), proxied);
    }
  }
  result.close = true;
  return result;
}

HandleResult RequestHandler::handleAsMsg(std::string body, bool proxied) {
  HandleResult result;
  auto msg = protocol::decodeAsMsg(body);
  if (!msg) {
    // The frame was intact, so the connection is still in sync: answer.
    context_.stats.bad_requests.inc();
    result.reply = errorReplyFrame(ResultCode::kParameterError);
    return result;
  }
  if (msg->header.info1 & protocol::info1::kBatch) {
    context_.stats.batch_requests.inc();
    // Rows another node masters go to it, unless this request already took
    // its proxy hop (then they answer 11, as a single record would).
    BatchJob::OwnerElsewhere route;
    if (!proxied && context_.config.static_cluster) {
      route = [this](uint32_t partition) { return ownerElsewhere(partition); };
    }
    auto job = std::make_unique<BatchJob>(context_, std::move(body), max_batch_rows_, route);
    if (job->status() == ResultCode::kParameterError) context_.stats.bad_requests.inc();
    result.job = std::move(job);
    return result;
  }
  if (msg->field(FieldType::kUdfPackage) != nullptr || msg->field(FieldType::kFilter) != nullptr) {
    // UDFs and filter expressions are not interpreted; refusing beats
    // silently ignoring a filter.
    result.reply = errorReplyFrame(ResultCode::kUnsupportedFeature);
    return result;
  }
  if (msg->field(FieldType::kDigest) == nullptr && msg->field(FieldType::kKey) == nullptr) {
    context_.stats.scan_requests.inc();
    auto job = std::make_unique<ScanJob>(context_, *msg);
    if (job->status() == ResultCode::kParameterError) context_.stats.bad_requests.inc();
    result.job = std::move(job);
    return result;
  }
  RecordCommand cmd;
  const ResultCode parsed =
      recordCommandFromFields(msg->header, msg->fields, msg->ops, std::nullopt, cmd);
  if (parsed != ResultCode::kOk) {
    context_.stats.bad_requests.inc();
    result.reply = errorReplyFrame(parsed);
    return result;
  }
  if (proxied) context_.stats.proxy_received.inc();
  if (auto owner = ownerElsewhere(protocol::partitionId(cmd.digest))) {
    if (!proxied) {
      // Misrouted (a stale map, a retry on another node): the owner answers.
      ForwardRequest forward{*owner, std::string()};
      const size_t f = protocol::beginFrame(forward.frame);
      forward.frame += body;
      protocol::endFrame(forward.frame, f, MessageType::kAsMsg);
      result.forward = std::move(forward);
      return result;
    }
    // A second hop: the nodes disagree about the owner. Answer 11 below.
    context_.stats.proxy_hop_limit.inc();
  }
  const size_t frame = protocol::beginFrame(result.reply);
  executor_.execute(cmd, 0, false, result.reply);
  protocol::endFrame(result.reply, frame, MessageType::kAsMsg);
  return result;
}

}  // namespace remora::kv::node
