#include "kv/node/node_stats.h"

namespace remora::kv::node {

namespace {
constexpr std::string_view kPrefix = "kv.";
}

std::string_view opKindName(OpKind op) {
  switch (op) {
    case OpKind::kRead: return "read";
    case OpKind::kWrite: return "write";
    case OpKind::kDelete: return "delete";
    case OpKind::kExists: return "exists";
    case OpKind::kTouch: return "touch";
    case OpKind::kOperate: return "operate";
    case OpKind::kBatchSubRead: return "batch_sub_read";
    case OpKind::kBatchSubWrite: return "batch_sub_write";
    case OpKind::kScan: return "scan";
    case OpKind::kCount: break;
  }
  return "unknown";
}

NodeStats::NodeStats(stats::Store& store)
    : client_connections(store.gauge("kv.client_connections")),
      client_connections_opened(store.counter("kv.client_connections_opened")),
      client_connections_closed(store.counter("kv.client_connections_closed")),
      client_connections_refused(store.counter("kv.client_connections_refused")),
      proto_errors(store.counter("kv.proto_errors")),
      proto_oversized(store.counter("kv.proto_oversized")),
      bad_requests(store.counter("kv.bad_requests")),
      info_requests(store.counter("kv.info_requests")),
      admin_requests(store.counter("kv.admin_requests")),
      batch_requests(store.counter("kv.batch_requests")),
      scan_requests(store.counter("kv.scan_requests")),
      write_paused(store.counter("kv.client_write_paused")),
      not_owned(store.counter("kv.partition_not_owned")),
      expired_records(store.counter("kv.expired_objects")),
      proxied(store.counter("kv.proxied")),
      proxy_errors(store.counter("kv.proxy_errors")),
      proxy_hop_limit(store.counter("kv.proxy_hop_limit")),
      proxy_received(store.counter("kv.proxy_received")),
      write_reads_skipped(store.counter("kv.write_reads_skipped")),
      store_(store) {
  for (auto& row : by_result_) {
    for (auto& slot : row) slot.store(nullptr, std::memory_order_relaxed);
  }
}

stats::Counter& NodeStats::counterFor(OpKind op, protocol::ResultCode code) const {
  auto& slot = by_result_[static_cast<size_t>(op)][protocol::toWire(code)];
  stats::Counter* counter = slot.load(std::memory_order_acquire);
  if (counter == nullptr) {
    const std::string_view result =
        code == protocol::ResultCode::kOk ? "success" : protocol::resultCodeStatName(code);
    std::string name = "kv.client_" + std::string(opKindName(op)) + "_" + std::string(result);
    if (result == "error") name += "_" + std::to_string(protocol::toWire(code));
    // Store lookups are idempotent, so a racing thread stores the same pointer.
    counter = &store_.counter(name);
    slot.store(counter, std::memory_order_release);
  }
  return *counter;
}

void NodeStats::recordResult(OpKind op, protocol::ResultCode code) { counterFor(op, code).inc(); }

uint64_t NodeStats::resultCount(OpKind op, protocol::ResultCode code) const {
  return counterFor(op, code).value();
}

std::string NodeStats::renderStatistics() const {
  std::string out;
  auto add = [&](const std::string& name, int64_t value) {
    if (name.compare(0, kPrefix.size(), kPrefix) != 0) return;
    if (!out.empty()) out += ';';
    out += name.substr(kPrefix.size());
    out += '=';
    out += std::to_string(value);
  };
  store_.forEachGauge([&](const stats::Gauge& g) { add(g.name(), g.value()); });
  store_.forEachCounter(
      [&](const stats::Counter& c) { add(c.name(), static_cast<int64_t>(c.value())); });
  return out;
}

}  // namespace remora::kv::node
