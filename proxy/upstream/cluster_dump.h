#pragma once

// Text renderings of clusters for the admin endpoint, and the config
// comparison that reload uses (two configs are the same when their canonical
// renderings are).

#include <string>
#include <vector>

#include "config/cluster_config.h"
#include "proxy/upstream/cluster.h"

namespace remora::upstream {

// One cluster in Envoy's /clusters text format:
//   web::default_priority::max_connections::1024
//   web::10.0.0.1:80::cx_active::0
//   web::10.0.0.1:80::health_flags::/failed_active_hc/failed_outlier_check
std::string dumpClusterText(const Cluster& cluster);

// The clusters as Envoy v3 YAML under a "clusters:" key, every default
// spelled out (what is in effect, not what was written).
std::string clustersConfigToYaml(const std::vector<const config::ClusterConfig*>& configs);

// True when `a` and `b` configure the same cluster (the source line aside).
bool sameClusterConfig(const config::ClusterConfig& a, const config::ClusterConfig& b);

}  // namespace remora::upstream
