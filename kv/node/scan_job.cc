#include "kv/node/scan_job.h"

#include <mutex>

#include "kv/node/bin_ops.h"
#include "kv/protocol/as_msg_codec.h"
#include "kv/protocol/byte_order.h"
#include "kv/protocol/partition_map_codec.h"
#include "kv/protocol/proto_header.h"

namespace remora::kv::node {

using protocol::FieldType;
using protocol::ResultCode;

ScanJob::ScanJob(NodeContext& context, const protocol::AsMsg& request) : context_(context) {
  const auto& h = request.header;
  if (h.info2 & protocol::info2::kWrite) {
    // Background scans (UDF or write ops applied server-side) are not built.
    status_ = ResultCode::kUnsupportedFeature;
    return;
  }
  const protocol::Field* ns = request.field(FieldType::kNamespace);
  if (ns == nullptr || ns->data.empty()) {
    status_ = ResultCode::kParameterError;
    return;
  }
  ns_name_ = std::string(ns->data);
  ns_ = context_.findNamespace(ns_name_);
  if (ns_ == nullptr) {
    status_ = ResultCode::kNamespaceNotFound;
    return;
  }
  if (const auto* set = request.field(FieldType::kSet)) set_ = std::string(set->data);
  if (request.field(FieldType::kFilter) != nullptr || request.field(FieldType::kUdfPackage) ||
      request.field(FieldType::kIndexRange) != nullptr) {
    status_ = ResultCode::kUnsupportedFeature;
    return;
  }
  if (const auto* max = request.field(FieldType::kMaxRecords)) {
    if (max->data.size() != 8) {
      status_ = ResultCode::kParameterError;
      return;
    }
    max_records_ = protocol::loadBe64(reinterpret_cast<const uint8_t*>(max->data.data()));
  }
  if (const auto* pids = request.field(FieldType::kPidArray)) {
    auto decoded = protocol::decodePidArray(pids->data);
    if (!decoded) {
      status_ = ResultCode::kParameterError;
      return;
    }
    pids_ = std::move(*decoded);
  }
  // Partitions being resumed after a digest are rescanned whole (a client
  // may see a record twice after a retry, never miss one).
  if (const auto* digests = request.field(FieldType::kDigestArray)) {
    if (digests->data.size() % protocol::kDigestSize != 0) {
      status_ = ResultCode::kParameterError;
      return;
    }
    for (size_t i = 0; i < digests->data.size(); i += protocol::kDigestSize) {
      protocol::Digest d;
      std::copy_n(digests->data.begin() + static_cast<ptrdiff_t>(i), protocol::kDigestSize,
                  d.begin());
      pids_.push_back(static_cast<uint16_t>(protocol::partitionId(d)));
    }
  }
  if (request.field(FieldType::kPidArray) == nullptr &&
      request.field(FieldType::kDigestArray) == nullptr) {
    for (uint32_t p = 0; p < protocol::kPartitionCount; ++p) pids_.push_back(static_cast<uint16_t>(p));
  }
  no_bins_ = h.info1 & protocol::info1::kGetNoBins;
  const bool all = (h.info1 & protocol::info1::kGetAll) != 0;
  for (const auto& op : request.ops) {
    if (op.op != protocol::OpType::kRead) {
      status_ = ResultCode::kUnsupportedFeature;
      return;
    }
    if (!all && !op.name.empty()) bin_names_.emplace_back(op.name);
  }
}

void ScanJob::scanPartition(uint16_t pid, std::string& out) {
  if (!context_.partitions.isMaster(pid)) {
    protocol::AsMsgHeader h;
    h.info3 = protocol::info3::kPartitionDone;
    h.generation = pid;
    h.result_code = protocol::toWire(ResultCode::kUnavailable);
    protocol::appendAsMsgHeader(out, h, 0, 0);
    return;
  }
  const uint32_t now = context_.clock->nowVoidTime();
  std::lock_guard<std::mutex> lock(ns_->partitionLock(pid));
  ns_->engine().scan(pid, [&](const storage::Record& rec) {
    if (max_records_ != 0 && sent_ >= max_records_) return false;
    if (rec.void_time != 0 && rec.void_time <= now) return true;
    if (!set_.empty() && rec.set_name != set_) return true;
    std::vector<const storage::Bin*> bins;
    if (!no_bins_) {
      if (bin_names_.empty()) {
        for (const auto& b : rec.bins) bins.push_back(&b);
      } else {
        for (const auto& name : bin_names_) {
          if (const auto* b = findBin(rec.bins, name)) bins.push_back(b);
        }
      }
    }
    std::string key;
    if (rec.user_key) {
      key.push_back(static_cast<char>(rec.user_key->first));
      key += rec.user_key->second;
    }
    protocol::AsMsgHeader h;
    h.info1 = no_bins_ ? protocol::info1::kGetNoBins : 0;
    h.generation = rec.generation;
    h.record_ttl = rec.void_time;
    const uint16_t n_fields = 2 + (rec.set_name.empty() ? 0 : 1) + (rec.user_key ? 1 : 0);
    protocol::appendAsMsgHeader(out, h, n_fields, static_cast<uint16_t>(bins.size()));
    protocol::appendField(out, FieldType::kNamespace, ns_name_);
    protocol::appendField(
        out, FieldType::kDigest,
        std::string_view(reinterpret_cast<const char*>(rec.digest.data()), rec.digest.size()));
    if (!rec.set_name.empty()) protocol::appendField(out, FieldType::kSet, rec.set_name);
    if (rec.user_key) protocol::appendField(out, FieldType::kKey, key);
    for (const auto* b : bins) {
      protocol::appendOp(out, protocol::Op{protocol::OpType::kRead,
                                           static_cast<protocol::ParticleType>(b->particle_type),
                                           0, b->name, b->value});
    }
    ++sent_;
    return true;
  });
}

bool ScanJob::produce(std::string& out, size_t budget) {
  const size_t start_size = out.size();
  const size_t frame = protocol::beginFrame(out);
  if (status_ == ResultCode::kOk) {
    while (next_pid_ < pids_.size() && out.size() - start_size < budget &&
           (max_records_ == 0 || sent_ < max_records_)) {
      scanPartition(pids_[next_pid_++], out);
    }
    if (next_pid_ < pids_.size() && (max_records_ == 0 || sent_ < max_records_)) {
      if (out.size() - frame == protocol::kProtoHeaderSize) {
        out.resize(frame);  // nothing in this round: no empty frame
      } else {
        protocol::endFrame(out, frame, protocol::MessageType::kAsMsg);
      }
      return false;
    }
  }
  context_.stats.recordResult(OpKind::kScan, status_);
  protocol::AsMsgHeader last;
  last.info3 = protocol::info3::kLast;
  last.result_code = protocol::toWire(status_);
  protocol::appendAsMsgHeader(out, last, 0, 0);
  protocol::endFrame(out, frame, protocol::MessageType::kAsMsg);
  return true;
}

}  // namespace remora::kv::node
