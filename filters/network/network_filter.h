#pragma once

// Network (L4) filters: an ordered chain per connection, fed the bytes read
// from the downstream connection. Filters run on the connection's worker
// thread only.

#include <functional>
#include <memory>

#include "common/buffer/buffer.h"
#include "common/network/connection.h"
#include "filters/common/stream_info.h"

namespace remora::upstream {
class ClusterManager;
}

namespace remora::filters {

enum class FilterStatus { Continue, StopIteration };

class ReadFilterCallbacks {
 public:
  virtual ~ReadFilterCallbacks() = default;
  virtual network::Connection& connection() = 0;
  // Resumes the chain after this filter returned StopIteration from
  // onNewConnection (e.g. an authorization decision that arrived later).
  virtual void continueReading() = 0;
  // The worker's view of upstream clusters.
  virtual upstream::ClusterManager& clusterManager() = 0;
  virtual StreamInfo& streamInfo() = 0;
  // True when no filter before `self` looks at the bytes, so `self` may let
  // them bypass the chain (tcp_proxy's splice).
  virtual bool earlierFiltersIgnoreData(const class ReadFilter& self) const = 0;
};

class ReadFilter {
 public:
  virtual ~ReadFilter() = default;
  virtual void initializeReadFilterCallbacks(ReadFilterCallbacks& callbacks) = 0;
  // Called once, after the chain is built and before any data.
  virtual FilterStatus onNewConnection() = 0;
  // Bytes from downstream; a filter that consumes them drains `data`.
  // StopIteration keeps them from later filters.
  virtual FilterStatus onData(buffer::Buffer& data, bool end_stream) = 0;
  // The downstream connection closed; last call before destruction.
  virtual void onConnectionClosed() {}
  // False for a filter whose onData() only passes the bytes on; a later
  // filter may then splice them past it. Filters look at data by default.
  virtual bool inspectsData() const { return true; }
};
using ReadFilterPtr = std::unique_ptr<ReadFilter>;

// Where a filter factory callback installs its filters.
class FilterManager {
 public:
  virtual ~FilterManager() = default;
  virtual void addReadFilter(ReadFilterPtr filter) = 0;
};

// Made once per configured filter at load time, from validated config; run
// per connection to add the filter instance(s).
using NetworkFilterFactoryCb = std::function<void(FilterManager&)>;

}  // namespace remora::filters
