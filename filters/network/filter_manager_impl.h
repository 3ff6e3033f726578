#pragma once

// Runs a connection's network filters: the connection's read sink, feeding
// each filter in order until one stops iteration.

#include <vector>

#include "common/small_ptr_vector.h"

#include "filters/network/network_filter.h"

namespace remora::filters {

class FilterManagerImpl : public FilterManager,
                          public network::ReadSink,
                          public ReadFilterCallbacks {
 public:
  FilterManagerImpl(network::Connection& connection, upstream::ClusterManager& cluster_manager,
                    StreamInfo& stream_info)
      : connection_(connection), cluster_manager_(cluster_manager), stream_info_(stream_info) {}

  // FilterManager
  void addReadFilter(ReadFilterPtr filter) override;
  // Installs the read sink and calls onNewConnection on each filter. With
  // `defer_filters` (a secure transport still handshaking) reading starts at
  // once, so the handshake can run, but the filters start only at
  // startFilters(): they see the peer's identity from their first call, and
  // nothing (not even an upstream connection) happens for a peer that fails
  // the handshake.
  void initialize(bool defer_filters = false);
  void startFilters();
  bool empty() const { return filters_.empty(); }
  void onConnectionClosed();

  // network::ReadSink
  void onData(buffer::Buffer& data, bool end_stream) override;

  // ReadFilterCallbacks
  network::Connection& connection() override { return connection_; }
  void continueReading() override;
  upstream::ClusterManager& clusterManager() override { return cluster_manager_; }
  StreamInfo& streamInfo() override { return stream_info_; }
  bool earlierFiltersIgnoreData(const ReadFilter& self) const override;

 private:
  void iterate(size_t start, buffer::Buffer* data, bool end_stream);

  network::Connection& connection_;
  upstream::ClusterManager& cluster_manager_;
  StreamInfo& stream_info_;
  SmallPtrVector<ReadFilter, 1, ReadFilterPtr> filters_;  // nearly always one
  uint32_t initialized_upto_ = 0;  // filters that have had onNewConnection
  bool stopped_in_init_ = false;
};

}  // namespace remora::filters
