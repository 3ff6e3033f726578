#include "kv/node/record_executor.h"

#include <algorithm>
#include <string_view>

#include "kv/node/bin_ops.h"
#include "kv/node/storage_result.h"
#include "kv/protocol/as_msg_codec.h"

namespace remora::kv::node {

using protocol::OpType;
using protocol::ResultCode;
namespace info1 = protocol::info1;
namespace info2 = protocol::info2;
namespace info3 = protocol::info3;

namespace {

constexpr uint32_t kTtlNeverExpire = 0xFFFFFFFF;
constexpr uint32_t kTtlDontUpdate = 0xFFFFFFFE;
// Generations are 16 bits on the wire; like the server, wrap to 1, not 0.
constexpr uint32_t kMaxGeneration = 0xFFFF;

template <typename R>
bool isAlive(const std::optional<R>& rec, uint32_t now_void_time) {
  return rec.has_value() && (rec->void_time == 0 || rec->void_time > now_void_time);
}

// Aerospike's set-name rules (set_name_check and set_name_check_on_update in
// as/src/transaction/rw_utils.c): an update must name the record's set
// exactly, "no set" included, so a record never moves to another set; a read
// or a delete may leave the set out (an empty set field counts as none), but
// a set it names must be the record's. A mismatch is PARAMETER_ERROR.
bool setNameMatches(std::string_view stored, std::string_view requested, bool is_update) {
  return (requested.empty() && !is_update) || stored == requested;
}

bool isWriteOp(OpType op) {
  switch (op) {
    case OpType::kWrite:
    case OpType::kIncr:
    case OpType::kAppend:
    case OpType::kPrepend:
    case OpType::kTouch:
    case OpType::kDelete:
    case OpType::kCdtModify:
    case OpType::kExpModify:
    case OpType::kBitModify:
    case OpType::kHllModify: return true;
    default: return false;
  }
}

}  // namespace

// The reply under construction. Values are copies: bins change while the
// ops run, and a READ op reports the bin as it was at that point.
struct RecordExecutor::Reply {
  uint32_t generation = 0;
  uint32_t void_time = 0;
  std::vector<storage::Bin> bins;
};

void appendRecordReply(std::string& out, ResultCode code, uint32_t generation,
                       uint32_t void_time, uint32_t index, const std::vector<ReplyBin>& bins) {
  protocol::AsMsgHeader h;
  h.result_code = protocol::toWire(code);
  h.generation = generation;
  h.record_ttl = void_time;
  h.transaction_ttl = index;
  protocol::appendAsMsgHeader(out, h, 0, static_cast<uint16_t>(bins.size()));
  for (const auto& b : bins) {
    protocol::appendOp(out, protocol::Op{OpType::kRead,
                                         static_cast<protocol::ParticleType>(b.particle_type), 0,
                                         b.name, b.value});
  }
}

ResultCode recordCommandFromFields(const protocol::AsMsgHeader& header,
                                   const std::vector<protocol::Field>& fields,
                                   const std::vector<protocol::Op>& ops,
                                   std::optional<protocol::Digest> digest, RecordCommand& out) {
  out.header = header;
  out.ops = &ops;
  bool have_ns = false;
  for (const auto& f : fields) {
    switch (f.type) {
      case protocol::FieldType::kNamespace:
        out.ns = f.data;
        have_ns = true;
        break;
      case protocol::FieldType::kSet: out.set = f.data; break;
      case protocol::FieldType::kKey: out.key = f.data; break;
      case protocol::FieldType::kDigest:
        if (f.data.size() != protocol::kDigestSize) return ResultCode::kParameterError;
        protocol::Digest d;
        std::copy(f.data.begin(), f.data.end(), d.begin());
        digest = d;
        break;
      default: break;
    }
  }
  if (!have_ns || out.ns.empty()) return ResultCode::kParameterError;
  if (!out.key.empty()) {
    // The digest is the client's; a KEY that hashes elsewhere is a corrupt
    // or forged request.
    auto computed = protocol::computeDigest(
        out.set, static_cast<protocol::ParticleType>(out.key[0]), out.key.substr(1));
    if (!computed) return ResultCode::kServerError;
    if (digest && *digest != *computed) return ResultCode::kParameterError;
    digest = *computed;
  }
  if (!digest) return ResultCode::kParameterError;
  out.digest = *digest;
  return ResultCode::kOk;
}

OpKind RecordExecutor::classify(const RecordCommand& cmd, bool in_batch) {
  const bool write = cmd.header.info2 & info2::kWrite;
  if (in_batch) return write ? OpKind::kBatchSubWrite : OpKind::kBatchSubRead;
  if (!write) return (cmd.header.info1 & info1::kGetNoBins) ? OpKind::kExists : OpKind::kRead;
  if ((cmd.header.info2 & info2::kDelete) && cmd.ops->empty()) return OpKind::kDelete;
  if (cmd.ops->size() == 1 && (*cmd.ops)[0].op == OpType::kTouch) return OpKind::kTouch;
  for (const auto& op : *cmd.ops) {
    if (op.op != OpType::kWrite) return OpKind::kOperate;
  }
  return OpKind::kWrite;
}

ResultCode RecordExecutor::execute(const RecordCommand& cmd, uint32_t reply_index, bool in_batch,
                                   std::string& out) {
  const OpKind kind = classify(cmd, in_batch);
  Reply reply;
  ResultCode code = ResultCode::kOk;
  Namespace* ns = context_.findNamespace(cmd.ns);
  const uint32_t pid = protocol::partitionId(cmd.digest);
  if (ns == nullptr) {
    code = ResultCode::kNamespaceNotFound;
  } else if (!context_.partitions.isMaster(pid)) {
    // A lone node masters everything; with clustering a misrouted request
    // is proxied to the master (reference §6.3) before it gets here.
    context_.stats.not_owned.inc();
    code = ResultCode::kUnavailable;
  } else if (cmd.header.info2 & info2::kWrite) {
    code = executeWrite(*ns, pid, cmd, reply);
  } else if (cmd.header.info1 & info1::kRead) {
    code = executeRead(*ns, pid, cmd, reply);
  } else {
    code = ResultCode::kParameterError;
  }
  context_.stats.recordResult(kind, code);
  if (code != ResultCode::kOk) {
    reply.bins.clear();
    if (code != ResultCode::kGenerationError) reply.generation = 0;
    reply.void_time = 0;
  }
  std::vector<ReplyBin> bins;
  bins.reserve(reply.bins.size());
  for (const auto& b : reply.bins) bins.push_back({b.name, b.particle_type, b.value});
  appendRecordReply(out, code, reply.generation, reply.void_time, reply_index, bins);
  return code;
}

ResultCode RecordExecutor::executeRead(Namespace& ns, uint32_t pid, const RecordCommand& cmd,
                                       Reply& reply) {
  const auto& ops = *cmd.ops;
  for (const auto& op : ops) {
    if (op.op != OpType::kRead) {
      return isWriteOp(op.op) ? ResultCode::kParameterError : ResultCode::kUnsupportedFeature;
    }
  }
  const uint32_t now = context_.clock->nowVoidTime();
  std::lock_guard<std::mutex> lock(ns.partitionLock(pid));
  auto read = ns.engine().read(pid, cmd.digest);
  if (!read) return resultForStorageError(read.error());
  auto& rec = *read;
  if (!isAlive(rec, now)) return ResultCode::kRecordNotFound;
  if (!setNameMatches(rec->set_name, cmd.set, false)) return ResultCode::kParameterError;
  reply.generation = rec->generation;
  reply.void_time = rec->void_time;

  if (!(cmd.header.info1 & info1::kGetNoBins)) {
    bool all = (cmd.header.info1 & info1::kGetAll) || ops.empty();
    for (const auto& op : ops) {
      if (op.name.empty()) all = true;
    }
    if (all) {
      reply.bins = rec->bins;
    } else {
      for (const auto& op : ops) {
        if (const storage::Bin* b = findBin(rec->bins, op.name)) reply.bins.push_back(*b);
      }
    }
  }

  // Read-touch (reference §5.7): the reply keeps the old expiry; the record
  // is touched when it is within `percent` of its write TTL of expiring.
  const uint32_t percent = cmd.header.record_ttl;
  if (percent >= 1 && percent <= 100 && rec->void_time != 0) {
    const uint64_t lut_s = rec->last_update_time_ms / 1000;
    const uint64_t void_unix = rec->void_time + storage::kAerospikeEpochUnixSeconds;
    if (void_unix > lut_s) {
      const uint64_t write_ttl = void_unix - lut_s;
      const uint64_t threshold = rec->void_time - write_ttl * percent / 100;
      if (now >= threshold) {
        storage::Record touched = *rec;
        touched.void_time = static_cast<uint32_t>(now + write_ttl);
        touched.generation = rec->generation >= kMaxGeneration ? 1 : rec->generation + 1;
        touched.last_update_time_ms = context_.clock->nowMs();
        auto st = ns.engine().write(pid, touched);
        (void)st;  // a failed touch leaves the read's answer valid
      }
    }
  }
  return ResultCode::kOk;
}

uint32_t RecordExecutor::voidTimeFor(const Namespace& ns, uint32_t record_ttl,
                                     std::optional<uint32_t> current_void_time) const {
  const uint32_t now = context_.clock->nowVoidTime();
  const uint32_t default_ttl = ns.config().default_ttl_s;
  switch (record_ttl) {
    case 0: return default_ttl == 0 ? 0 : now + default_ttl;
    case kTtlNeverExpire: return 0;
    case kTtlDontUpdate:
      if (current_void_time) return *current_void_time;
      return default_ttl == 0 ? 0 : now + default_ttl;
    default: return now + record_ttl;
  }
}

ResultCode RecordExecutor::executeWrite(Namespace& ns, uint32_t pid, const RecordCommand& cmd,
                                        Reply& reply) {
  const auto& h = cmd.header;
  const auto& ops = *cmd.ops;
  const bool respond_all = h.info2 & info2::kRespondAllOps;
  const uint32_t now = context_.clock->nowVoidTime();

  const bool is_delete = (h.info2 & info2::kDelete) && ops.empty();
  const bool create_only = h.info2 & info2::kCreateOnly;
  const bool replace = h.info3 & (info3::kCreateOrReplace | info3::kReplaceOnly);

  std::lock_guard<std::mutex> lock(ns.partitionLock(pid));
  // The old record: its index metadata always, its body only when the result
  // depends on it. Replaces, creates and deletes are decided from the index
  // entry (a device read saved: docs/kv.md, "Writes that skip the read"),
  // unless a stored user key must be checked against the request's or kept.
  std::optional<storage::RecordMeta> old;
  std::optional<storage::Record> body;
  auto readBody = [&]() -> ResultCode {
    auto read = ns.engine().read(pid, cmd.digest);
    if (!read) return resultForStorageError(read.error());
    body = std::move(*read);
    old.reset();
    if (body) {
      old = storage::RecordMeta{body->set_name, body->generation, body->void_time,
                                body->last_update_time_ms, body->user_key.has_value()};
    }
    return ResultCode::kOk;
  };
  if (!(is_delete || create_only || replace)) {
    if (const ResultCode rc = readBody(); rc != ResultCode::kOk) return rc;
  } else {
    auto meta = ns.engine().readMeta(pid, cmd.digest);
    if (!meta) return resultForStorageError(meta.error());
    old = std::move(*meta);
    const bool key_matters = !create_only && (!is_delete || !cmd.key.empty());
    if (old && old->has_user_key && key_matters && isAlive(old, now)) {
      if (const ResultCode rc = readBody(); rc != ResultCode::kOk) return rc;
    } else {
      context_.stats.write_reads_skipped.inc();
    }
  }
  const bool alive = isAlive(old, now);

  // The master write path checks the exists policy before the generation.
  if (create_only && alive) return ResultCode::kRecordExists;
  if ((h.info3 & (info3::kUpdateOnly | info3::kReplaceOnly)) && !alive) {
    return ResultCode::kRecordNotFound;
  }
  if (alive && (h.info2 & info2::kGeneration) && old->generation != h.generation) {
    reply.generation = old->generation;
    return ResultCode::kGenerationError;
  }
  if (alive && (h.info2 & info2::kGenerationGt) && h.generation <= old->generation) {
    reply.generation = old->generation;
    return ResultCode::kGenerationError;
  }
  if (alive && !setNameMatches(old->set_name, cmd.set, !is_delete)) {
    return ResultCode::kParameterError;
  }
  if (alive && !cmd.key.empty() && body && body->user_key) {
    const auto& [type, value] = *body->user_key;
    if (type != static_cast<uint8_t>(cmd.key[0]) || value != cmd.key.substr(1)) {
      return ResultCode::kKeyMismatch;
    }
  }

  if (is_delete) {
    if (!alive) {
      // An expired record still in the engine is dropped on the way.
      if (old) (void)ns.engine().remove(pid, cmd.digest);
      return ResultCode::kRecordNotFound;
    }
    auto removed = ns.engine().remove(pid, cmd.digest);
    if (!removed) return resultForStorageError(removed.error());
    return ResultCode::kOk;
  }

  storage::Record rec;
  if (alive && body) {
    rec = std::move(*body);
  } else {
    rec.digest = cmd.digest;
    rec.set_name = alive ? old->set_name : std::string(cmd.set);
    if (alive) {
      // Read skipped: no user key is stored (else the body was read), and
      // the bins are about to be replaced.
      rec.generation = old->generation;
      rec.void_time = old->void_time;
      rec.last_update_time_ms = old->last_update_time_ms;
    }
  }
  if (replace) rec.bins.clear();

  bool get_all = false;
  bool wrote = false;
  for (const auto& op : ops) {
    switch (op.op) {
      case OpType::kRead: {
        if (op.name.empty()) {
          get_all = true;
        } else if (const storage::Bin* b = findBin(rec.bins, op.name)) {
          reply.bins.push_back(*b);
        } else if (respond_all) {
          reply.bins.push_back({std::string(op.name), 0, {}});
        }
        break;
      }
      case OpType::kWrite:
      case OpType::kIncr:
      case OpType::kAppend:
      case OpType::kPrepend: {
        const ResultCode rc = applyBinOp(rec.bins, op);
        if (rc != ResultCode::kOk) return rc;
        wrote = true;
        if (respond_all) reply.bins.push_back({std::string(op.name), 0, {}});
        break;
      }
      case OpType::kTouch:
        if (!alive) return ResultCode::kRecordNotFound;
        wrote = true;
        if (respond_all) reply.bins.push_back({std::string(op.name), 0, {}});
        break;
      case OpType::kDelete:
        rec.bins.clear();
        wrote = true;
        if (respond_all) reply.bins.push_back({std::string(op.name), 0, {}});
        break;
      default: return ResultCode::kUnsupportedFeature;
    }
  }
  if (get_all) {
    for (const auto& b : rec.bins) reply.bins.push_back(b);
  }
  if (!wrote) {
    // Only reads in a write-flagged message: answer like a read.
    if (!alive) return ResultCode::kRecordNotFound;
    reply.generation = rec.generation;
    reply.void_time = rec.void_time;
    return ResultCode::kOk;
  }

  if (rec.bins.empty()) {
    // A record whose last bin is gone is deleted.
    if (old) {
      auto removed = ns.engine().remove(pid, cmd.digest);
      if (!removed) return resultForStorageError(removed.error());
    }
    return ResultCode::kOk;
  }

  rec.generation = !alive ? 1 : (rec.generation >= kMaxGeneration ? 1 : rec.generation + 1);
  rec.void_time =
      voidTimeFor(ns, h.record_ttl, alive ? std::optional<uint32_t>(rec.void_time) : std::nullopt);
  rec.last_update_time_ms = context_.clock->nowMs();
  if (!cmd.key.empty()) {
    rec.user_key = std::make_pair(static_cast<uint8_t>(cmd.key[0]), std::string(cmd.key.substr(1)));
  }
  auto st = ns.engine().write(pid, rec);
  if (!st) return resultForStorageError(st.error());
  reply.generation = rec.generation;
  reply.void_time = rec.void_time;
  return ResultCode::kOk;
}

}  // namespace remora::kv::node
