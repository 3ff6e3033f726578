#pragma once

// Relays misrouted single-record requests to their partition's master, as
// the real server proxies them (reference §6.3 and pitfall 8: clients do not
// retry a returned 11). One pool per worker, on the worker's dispatcher: per
// owner node of the static cluster, connections to its service port, each
// carrying one request at a time; the owner's reply frame is returned
// verbatim. A new connection first sends the info command `remora-proxy`,
// which marks it on the owner as carrying proxied requests: those are never
// proxied again (hop limit 1), so nodes that disagree about an owner answer
// 11 instead of looping. Batch rows travel the same way as a batch request
// of those rows, whose whole reply stream (up to its LAST record) is
// collected before it is handed back.
//
// Threads: everything on the owning worker's thread.

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/event/dispatcher.h"
#include "common/network/address.h"
#include "kv/node/node_context.h"

namespace remora::kv::node {

// The info command that marks a connection as a proxy hop.
inline constexpr std::string_view kProxyHelloCommand = "remora-proxy";

struct ProxyLimits {
  uint32_t max_conns_per_owner = 64;
  std::chrono::milliseconds connect_timeout{1000};
  std::chrono::milliseconds reply_timeout{5000};
};

class ProxyPool {
 public:
  // Called with whole reply frames to send to the client.
  using Done = std::function<void(std::string reply)>;

  ProxyPool(event::Dispatcher& dispatcher, NodeContext& context, ProxyLimits limits = {});
  ~ProxyPool();
  ProxyPool(const ProxyPool&) = delete;
  ProxyPool& operator=(const ProxyPool&) = delete;

  // Sends `frame` (one whole type-3 frame) to node `owner` (an index into the
  // static cluster's nodes) and calls `done` later — never from inside this
  // call — with the owner's reply, or with a result-11 frame when the owner
  // cannot be reached or drops the connection, or 9 when it does not answer
  // within the reply timeout. `until_last`: the reply is a stream of frames
  // (a batch) ending with a LAST record; `done` gets all of them at once.
  void forward(uint32_t owner, std::string frame, Done done, bool until_last = false);
  // Closes every connection and fails what is in flight (worker shutdown,
  // on the worker's thread while its dispatcher can still run callbacks).
  void closeAll();

 private:
  class Upstream;
  struct Request {
    std::string frame;
    Done done;
    bool until_last = false;
  };
  struct Owner {
    std::optional<network::Address> address;
    std::vector<Upstream*> idle;
    std::deque<Request> queued;
    uint32_t open = 0;
  };

  void start(uint32_t owner, Request request);
  // An upstream finished its request and may carry another.
  void release(Upstream& upstream);
  // An upstream closed; it is deleted later.
  void remove(Upstream& upstream);
  void fail(Request request, protocol::ResultCode code);

  event::Dispatcher& dispatcher_;
  NodeContext& context_;
  const ProxyLimits limits_;
  std::vector<Owner> owners_;
  std::unordered_map<Upstream*, std::unique_ptr<Upstream>> upstreams_;
  bool closing_ = false;
};

}  // namespace remora::kv::node
