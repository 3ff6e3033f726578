#include "kv/client/client.h"

#include <thread>

#include "kv/client/status.h"
#include "kv/protocol/as_msg_codec.h"
#include "kv/protocol/batch_codec.h"
#include "kv/protocol/byte_order.h"
#include "kv/protocol/info_codec.h"
#include "kv/protocol/partition_map_codec.h"
#include "kv/protocol/result_code.h"
#include "kv/storage/clock.h"

namespace remora::kv::client {

using protocol::FieldType;
using protocol::OpType;
namespace info1 = protocol::info1;
namespace info2 = protocol::info2;
namespace info3 = protocol::info3;

namespace {

uint32_t nowVoidTime() {
  return static_cast<uint32_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count() -
                               storage::kAerospikeEpochUnixSeconds);
}

Record recordFrom(const protocol::AsMsg& msg) {
  Record r;
  r.generation = msg.header.generation;
  if (msg.header.record_ttl == 0) {
    r.ttl = -1;
  } else {
    const int64_t left = static_cast<int64_t>(msg.header.record_ttl) - nowVoidTime();
    r.ttl = left < 1 ? 1 : left;
  }
  for (const auto& op : msg.ops) {
    Value v = Value::decode(op.particle_type, op.value);
    r.results.emplace_back(std::string(op.name), v);
    r.bins[std::string(op.name)] = std::move(v);
  }
  return r;
}

Error serverError(int code) {
  return makeError(std::string(protocol::resultCodeName(static_cast<protocol::ResultCode>(code))),
                   code);
}

protocol::RequestBuilder keyRequest(const Key& key, bool send_key) {
  protocol::RequestBuilder b;
  b.key(key.ns, key.set, key.digest);
  if (send_key && !key.user_key.isNull()) {
    std::string field(1, static_cast<char>(key.user_key.particleType()));
    field += key.user_key.encode();
    b.field(FieldType::kKey, field);
  }
  return b;
}

void applyWritePolicy(protocol::RequestBuilder& b, const WritePolicy& p) {
  b.info2(info2::kWrite).recordTtl(p.ttl);
  switch (p.exists) {
    case ExistsAction::kUpdate: break;
    case ExistsAction::kUpdateOnly: b.info3(info3::kUpdateOnly); break;
    case ExistsAction::kCreateOnly: b.info2(info2::kCreateOnly); break;
    case ExistsAction::kReplace: b.info3(info3::kCreateOrReplace); break;
    case ExistsAction::kReplaceOnly: b.info3(info3::kReplaceOnly); break;
  }
  if (p.gen_policy == GenerationPolicy::kExpectEqual) b.info2(info2::kGeneration).generation(p.generation);
  if (p.gen_policy == GenerationPolicy::kExpectGreater) {
    b.info2(info2::kGenerationGt).generation(p.generation);
  }
  if (p.respond_all_ops) b.info2(info2::kRespondAllOps);
  if (p.durable_delete) b.info2(info2::kDurableDelete);
}

uint32_t serverTimeout(const Policy& p) {
  // As the C client: the socket timeout if it is set and below the total.
  if (p.socket_timeout_ms != 0 && (p.total_timeout_ms == 0 || p.socket_timeout_ms < p.total_timeout_ms)) {
    return p.socket_timeout_ms;
  }
  return p.total_timeout_ms;
}

}  // namespace

Result<std::unique_ptr<Client>> Client::connect(const ClientConfig& config) {
  auto cluster = Cluster::connect(config);
  if (!cluster) return cluster.error();
  return std::unique_ptr<Client>(new Client(std::move(*cluster)));
}

Result<std::string> Client::exchange(ClusterNode& node, const std::string& frame,
                                     Deadline deadline) {
  auto conn = node.acquire(deadline);
  if (!conn) return conn.error();
  auto reply = (*conn)->roundTrip(frame, deadline);
  if (!reply) {
    node.release(nullptr);
    return reply.error();
  }
  if (reply->type != protocol::MessageType::kAsMsg) {
    node.release(nullptr);
    return makeError("unexpected reply type", status::kClientError);
  }
  node.release(std::move(*conn));
  return std::move(reply->body);
}

Result<Record> Client::execute(const Key& key, const protocol::RequestBuilder& request,
                               const Policy& policy, bool is_write, int* result_code) {
  const auto start = Clock::now();
  const Deadline total = policy.total_timeout_ms == 0
                             ? Deadline::max()
                             : start + std::chrono::milliseconds(policy.total_timeout_ms);
  protocol::RequestBuilder req = request;
  req.timeoutMs(serverTimeout(policy));
  const std::string frame = req.frame();
  uint32_t replica = 0;
  Error last = makeError("no attempt made", status::kClientError);
  for (uint32_t attempt = 0; attempt <= policy.max_retries; ++attempt) {
    if (attempt > 0 && policy.sleep_between_retries_ms > 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(policy.sleep_between_retries_ms));
    }
    if (Clock::now() >= total) break;
    Deadline deadline = total;
    if (policy.socket_timeout_ms != 0) {
      deadline = std::min(deadline, Clock::now() + std::chrono::milliseconds(policy.socket_timeout_ms));
    }
    auto snap = cluster_->snapshot();
    ClusterNode* node = cluster_->nodeFor(*snap, key.ns, key.partition(),
                                          policy.replica == Replica::kMaster ? 0 : replica);
    if (node == nullptr) {
      return makeError("no node owns partition " + std::to_string(key.partition()) +
                           " of namespace " + key.ns,
                       status::kInvalidNode);
    }
    auto body = exchange(*node, frame, deadline);
    if (!body) {
      last = body.error();
      // Socket errors move on to the next replica; a timed-out write retries
      // the same node, a timed-out read the next one (reference §6.3).
      if (last.code != status::kTimeout || !is_write) ++replica;
      continue;
    }
    auto msg = protocol::decodeAsMsg(*body);
    if (!msg) return makeError("bad reply: " + msg.error().message, status::kClientError);
    if (result_code != nullptr) *result_code = msg->header.result_code;
    if (msg->header.result_code != 0) return serverError(msg->header.result_code);
    return recordFrom(*msg);
  }
  if (last.code == status::kConnection || last.code == status::kTimeout) return last;
  return makeError("client timeout", status::kTimeout);
}

Status Client::put(const WritePolicy& policy, const Key& key, const Bins& bins) {
  auto b = keyRequest(key, policy.send_key);
  applyWritePolicy(b, policy);
  for (const auto& [name, v] : bins) b.op(OpType::kWrite, v.particleType(), name, v.encode());
  auto r = execute(key, b, policy, true, nullptr);
  if (!r) return r.error();
  return okStatus();
}

Result<Record> Client::get(const ReadPolicy& policy, const Key& key,
                           const std::vector<std::string>& bins) {
  auto b = keyRequest(key, false);
  b.info1(info1::kRead).recordTtl(policy.read_touch_ttl_percent);
  if (bins.empty()) b.info1(info1::kGetAll);
  for (const auto& name : bins) b.readBin(name);
  return execute(key, b, policy, false, nullptr);
}

Result<Record> Client::getHeader(const ReadPolicy& policy, const Key& key) {
  auto b = keyRequest(key, false);
  b.info1(info1::kRead | info1::kGetNoBins);
  return execute(key, b, policy, false, nullptr);
}

Result<bool> Client::exists(const ReadPolicy& policy, const Key& key) {
  auto r = getHeader(policy, key);
  if (r) return true;
  if (r.error().code == protocol::toWire(protocol::ResultCode::kRecordNotFound)) return false;
  return r.error();
}

Result<bool> Client::remove(const WritePolicy& policy, const Key& key) {
  auto b = keyRequest(key, policy.send_key);
  applyWritePolicy(b, policy);
  b.info2(info2::kDelete);
  auto r = execute(key, b, policy, true, nullptr);
  if (r) return true;
  if (r.error().code == protocol::toWire(protocol::ResultCode::kRecordNotFound)) return false;
  return r.error();
}

Status Client::touch(const WritePolicy& policy, const Key& key) {
  auto r = operate(policy, key, {Operation::touch()});
  if (!r) return r.error();
  return okStatus();
}

Result<Record> Client::operate(const WritePolicy& policy, const Key& key,
                               const std::vector<Operation>& ops) {
  auto b = keyRequest(key, policy.send_key);
  bool writes = false;
  for (const auto& op : ops) {
    if (op.op == OpType::kRead) {
      b.info1(info1::kRead);
      if (op.bin.empty()) b.info1(info1::kGetAll);
    } else {
      writes = true;
    }
    b.op(op.op, op.value.particleType(), op.bin, op.value.encode());
  }
  if (writes) {
    applyWritePolicy(b, policy);
  }
  return execute(key, b, policy, writes, nullptr);
}

Result<std::vector<BatchResult>> Client::batchGet(const ReadPolicy& policy,
                                                  const std::vector<Key>& keys,
                                                  const std::vector<std::string>& bins,
                                                  bool header_only) {
  std::vector<BatchResult> results(keys.size());
  auto snap = cluster_->snapshot();
  std::map<ClusterNode*, std::vector<uint32_t>> by_node;
  for (uint32_t i = 0; i < keys.size(); ++i) {
    ClusterNode* node = cluster_->nodeFor(*snap, keys[i].ns, keys[i].partition(), 0);
    if (node == nullptr) return makeError("no node for namespace " + keys[i].ns, status::kInvalidNode);
    by_node[node].push_back(i);
  }
  const Deadline deadline = policy.total_timeout_ms == 0
                                ? Clock::now() + std::chrono::milliseconds(policy.socket_timeout_ms)
                                : Clock::now() + std::chrono::milliseconds(policy.total_timeout_ms);
  std::string set_storage;
  for (auto& [node, indexes] : by_node) {
    protocol::BatchRequest req;
    req.flags = protocol::batch_flags::kReportErrorRec | protocol::batch_flags::kAllowInline;
    std::vector<std::string> names = bins;  // kept alive for the op views
    for (uint32_t i : indexes) {
      protocol::BatchRow row;
      row.index = i;
      row.digest = keys[i].digest;
      row.header.info1 = info1::kRead;
      row.header.record_ttl = policy.read_touch_ttl_percent;
      if (header_only) {
        row.header.info1 |= info1::kGetNoBins;
      } else if (bins.empty()) {
        row.header.info1 |= info1::kGetAll;
      }
      row.fields.push_back({FieldType::kNamespace, keys[i].ns});
      row.fields.push_back({FieldType::kSet, keys[i].set});
      if (!header_only) {
        for (const auto& n : names) row.ops.push_back({OpType::kRead, protocol::ParticleType::kNull, 0, n, ""});
      }
      req.rows.push_back(std::move(row));
    }
    std::string field;
    protocol::appendBatchIndex(field, req);
    protocol::RequestBuilder b;
    b.info1(info1::kBatch).timeoutMs(policy.total_timeout_ms).field(FieldType::kBatchIndex, field);
    auto conn = node->acquire(deadline);
    if (!conn) return conn.error();
    if (auto st = (*conn)->send(b.frame(), deadline); !st) {
      node->release(nullptr);
      return st.error();
    }
    bool done = false;
    while (!done) {
      auto frame = (*conn)->readFrame(deadline);
      if (!frame) {
        node->release(nullptr);
        return frame.error();
      }
      std::string_view body = frame->body;
      size_t pos = 0;
      while (pos < body.size()) {
        size_t used = 0;
        auto msg = protocol::decodeAsMsg(body.substr(pos), &used);
        if (!msg) {
          node->release(nullptr);
          return makeError("bad batch reply", status::kClientError);
        }
        pos += used;
        if (msg->header.info3 & info3::kLast) {
          done = true;
          if (msg->header.result_code != 0) {
            node->release(std::move(*conn));
            return serverError(msg->header.result_code);
          }
          break;
        }
        const uint32_t index = msg->header.transaction_ttl;
        if (index >= keys.size()) {
          node->release(nullptr);
          return makeError("batch index out of range", status::kClientError);
        }
        results[index].result = msg->header.result_code;
        if (msg->header.result_code == 0) results[index].record = recordFrom(*msg);
      }
    }
    node->release(std::move(*conn));
  }
  return results;
}

Status Client::scan(const ScanPolicy& policy, const std::string& ns, const std::string& set,
                    const std::function<bool(const Key&, const Record&)>& visit,
                    const std::vector<std::string>& bins) {
  auto snap = cluster_->snapshot();
  std::map<ClusterNode*, std::vector<uint16_t>> by_node;
  for (uint32_t p = 0; p < protocol::kPartitionCount; ++p) {
    ClusterNode* node = cluster_->nodeFor(*snap, ns, p, 0);
    if (node == nullptr) return makeError("no node for namespace " + ns, status::kInvalidNode);
    by_node[node].push_back(static_cast<uint16_t>(p));
  }
  uint64_t seen = 0;
  for (auto& [node, pids] : by_node) {
    protocol::RequestBuilder b;
    b.info1(info1::kRead).info3(info3::kPartitionDone).recordTtl(0xFFFFFFFF);
    if (bins.empty()) b.info1(info1::kGetAll);
    b.timeoutMs(policy.total_timeout_ms);
    b.field(FieldType::kNamespace, ns);
    if (!set.empty()) b.field(FieldType::kSet, set);
    b.field(FieldType::kPidArray, protocol::encodePidArray(pids));
    if (policy.max_records != 0) {
      std::string max;
      protocol::appendBe64(max, policy.max_records - seen);
      b.field(FieldType::kMaxRecords, max);
    }
    for (const auto& name : bins) b.readBin(name);
    auto deadline_for = [&] {
      return Clock::now() + std::chrono::milliseconds(
                                policy.socket_timeout_ms ? policy.socket_timeout_ms : 30000);
    };
    auto conn = node->acquire(deadline_for());
    if (!conn) return conn.error();
    if (auto st = (*conn)->send(b.frame(), deadline_for()); !st) {
      node->release(nullptr);
      return st.error();
    }
    bool done = false, stopped = false;
    while (!done) {
      auto frame = (*conn)->readFrame(deadline_for());
      if (!frame) {
        node->release(nullptr);
        return frame.error();
      }
      std::string_view body = frame->body;
      size_t pos = 0;
      while (pos < body.size() && !done) {
        size_t used = 0;
        auto msg = protocol::decodeAsMsg(body.substr(pos), &used);
        if (!msg) {
          node->release(nullptr);
          return makeError("bad scan reply", status::kClientError);
        }
        pos += used;
        if (msg->header.info3 & info3::kLast) {
          done = true;
          if (msg->header.result_code != 0) {
            node->release(std::move(*conn));
            return serverError(msg->header.result_code);
          }
          break;
        }
        if (msg->header.info3 & info3::kPartitionDone) continue;  // retried by a later scan
        if (stopped) continue;
        protocol::Digest d{};
        std::string rec_set;
        if (const auto* f = msg->field(FieldType::kDigest); f && f->data.size() == d.size()) {
          std::copy(f->data.begin(), f->data.end(), d.begin());
        }
        if (const auto* f = msg->field(FieldType::kSet)) rec_set = std::string(f->data);
        Key key = Key::fromDigest(ns, rec_set, d);
        if (const auto* f = msg->field(FieldType::kKey); f && !f->data.empty()) {
          key.user_key = Value::decode(static_cast<protocol::ParticleType>(f->data[0]), f->data.substr(1));
        }
        ++seen;
        if (!visit(key, recordFrom(*msg))) stopped = true;
      }
    }
    // Stopping early still reads the stream to its end, so the pooled
    // connection stays clean.
    node->release(std::move(*conn));
    if (stopped) break;
  }
  return okStatus();
}

Result<std::string> Client::info(const std::string& commands) {
  auto snap = cluster_->snapshot();
  if (snap->nodes.empty()) return makeError("no node", status::kInvalidNode);
  std::string request = commands;
  if (!request.empty() && request.back() != '\n') request += '\n';
  return snap->nodes.front()->infoRaw(
      request, Clock::now() + std::chrono::milliseconds(cluster_->config().info_timeout_ms));
}

Status Client::truncate(const std::string& ns, const std::string& set) {
  const std::string cmd = set.empty() ? "truncate-namespace:namespace=" + ns
                                      : "truncate:namespace=" + ns + ";set=" + set;
  auto reply = info(cmd);
  if (!reply) return reply.error();
  for (const auto& [name, value] : protocol::parseInfoReply(*reply)) {
    int code = 0;
    std::string message;
    if (protocol::infoValueIsError(value, &code, &message)) return makeError(message, code);
  }
  return okStatus();
}

}  // namespace remora::kv::client
