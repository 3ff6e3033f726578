#pragma once

// The node's counters, registered in the process's stats::Store under
// "kv." and served (without the prefix) by the info `statistics` command.
// Per-operation results are counted as kv.client_<op>_<result>, e.g.
// kv.client_read_success, kv.client_write_generation. Every method is
// thread-safe; counters are resolved once and cached.

#include <array>
#include <atomic>
#include <string>

#include "common/stats/store.h"
#include "kv/protocol/result_code.h"

namespace remora::kv::node {

enum class OpKind : uint8_t {
  kRead,
  kWrite,
  kDelete,
  kExists,
  kTouch,
  kOperate,
  kBatchSubRead,
  kBatchSubWrite,
  kScan,
  kCount
};

class NodeStats {
 public:
  explicit NodeStats(stats::Store& store);

  void recordResult(OpKind op, protocol::ResultCode code);
  uint64_t resultCount(OpKind op, protocol::ResultCode code) const;

  // "k=v;k=v" of every kv.* counter and gauge, for info `statistics`.
  std::string renderStatistics() const;

  stats::Store& store() { return store_; }

  stats::Gauge& client_connections;
  stats::Counter& client_connections_opened;
  stats::Counter& client_connections_closed;
  stats::Counter& client_connections_refused;  // over proto-fd-max
  stats::Counter& proto_errors;         // bad version/type, oversized: connection closed
  stats::Counter& proto_oversized;      // size above max-message-size (also a proto error)
  stats::Counter& bad_requests;         // well framed but malformed: answered with result 4
  stats::Counter& info_requests;
  stats::Counter& admin_requests;
  stats::Counter& batch_requests;
  stats::Counter& scan_requests;
  stats::Counter& write_paused;         // times a connection's output went above its limit
  stats::Counter& not_owned;            // requests for partitions this node does not master
  stats::Counter& expired_records;      // removed by the nsup sweeper
  // Proxying of misrouted single-record requests (static clusters).
  stats::Counter& proxied;              // relayed to the owner, its reply returned
  stats::Counter& proxy_errors;         // owner unreachable or failed: answered 11 (or 9 on timeout)
  stats::Counter& proxy_hop_limit;      // arrived proxied for a partition not owned here: 11
  stats::Counter& proxy_received;       // requests that arrived over a proxy connection
  // Writes and deletes decided from the index entry, without reading the
  // old record (replace, create-only, delete; docs/kv.md).
  stats::Counter& write_reads_skipped;

 private:
  stats::Counter& counterFor(OpKind op, protocol::ResultCode code) const;

  stats::Store& store_;
  mutable std::array<std::array<std::atomic<stats::Counter*>, 256>,
                     static_cast<size_t>(OpKind::kCount)>
      by_result_{};
};

std::string_view opKindName(OpKind op);

}  // namespace remora::kv::node
