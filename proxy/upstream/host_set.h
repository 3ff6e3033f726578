#pragma once

// An immutable snapshot of a cluster's hosts, made on the main thread and
// shared with every worker. A new snapshot replaces the old one whenever
// membership or health changes; holders of an old one keep it alive.

#include <memory>
#include <vector>

#include "proxy/upstream/host_impl.h"

namespace remora::upstream {

struct HostSet {
  std::vector<HostImplConstSharedPtr> hosts;
  // The subset that was healthy when the snapshot was made.
  std::vector<HostImplConstSharedPtr> healthy_hosts;
};
using HostSetConstSharedPtr = std::shared_ptr<const HostSet>;

// Snapshots `hosts` with their current health.
HostSetConstSharedPtr makeHostSet(const std::vector<HostImplConstSharedPtr>& hosts);

}  // namespace remora::upstream
