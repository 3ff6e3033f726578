#include "proxy/upstream/host_set.h"

namespace remora::upstream {

HostSetConstSharedPtr makeHostSet(const std::vector<HostImplConstSharedPtr>& hosts) {
  auto set = std::make_shared<HostSet>();
  set->hosts.reserve(hosts.size());
  for (const auto& host : hosts) {
    set->hosts.push_back(host);
    if (host->healthy()) set->healthy_hosts.push_back(host);
  }
  return set;
}

}  // namespace remora::upstream
