#pragma once

// An upstream connection with its circuit-breaker budget: holds one
// max_connections unit for its whole life and one max_pending_requests unit
// until markConnected()/markConnectFailed(). Lives on the worker dispatcher
// that made it.

#include "proxy/upstream/cluster_info_impl.h"
#include "proxy/upstream/host_impl.h"

namespace remora::upstream {

class UpstreamConnectionImpl : public UpstreamConnection {
 public:
  // Takes over the already acquired connection and pending units; counts the
  // connection in the cluster's and the host's stats.
  UpstreamConnectionImpl(ClusterInfoImplConstSharedPtr info, HostImplConstSharedPtr host,
                         network::ClientConnectionPtr connection);
  // Gives the budget back and hands the connection to its dispatcher's
  // deferred delete, so this may be destroyed from the connection's own
  // callbacks. A connection still open is closed (NoFlush) first, which
  // raises LocalClose to the callbacks still registered: remove yours before
  // destroying this while the connection is open.
  ~UpstreamConnectionImpl() override;

  network::ClientConnection& connection() override { return *connection_; }
  const HostConstSharedPtr& host() const override { return host_; }
  // Both are idempotent; only the first of them counts.
  void markConnected() override;
  void markConnectFailed(bool timeout) override;

 private:
  void releasePending();
  // host_ was made from a HostImpl (see the constructor): one shared_ptr per
  // connection, not one of each type.
  const HostImpl& hostImpl() const { return static_cast<const HostImpl&>(*host_); }

  const ClusterInfoImplConstSharedPtr info_;
  const HostConstSharedPtr host_;
  network::ClientConnectionPtr connection_;
  bool pending_ = true;
};

}  // namespace remora::upstream
