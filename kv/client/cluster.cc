#include "kv/client/cluster.h"

#include <netdb.h>

#include <charconv>

#include "kv/client/peers_parser.h"
#include "kv/client/status.h"
#include "kv/protocol/partition_map_codec.h"

namespace remora::kv::client {

namespace {

Result<network::Address> resolve(const std::string& host_port) {
  if (auto a = network::Address::fromString(host_port)) return *a;
  const size_t colon = host_port.rfind(':');
  if (colon == std::string::npos) return makeError("expected host:port, got " + host_port, status::kParameter);
  const std::string host = host_port.substr(0, colon);
  const std::string port = host_port.substr(colon + 1);
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (::getaddrinfo(host.c_str(), port.c_str(), &hints, &res) != 0 || res == nullptr) {
    return makeError("cannot resolve " + host_port, status::kConnection);
  }
  network::Address a = network::Address::fromSockaddr(res->ai_addr, res->ai_addrlen);
  ::freeaddrinfo(res);
  return a;
}

// Builds are "major.minor.patch[.build]"; the client needs >= 4.9.
bool buildSupported(const std::string& build) {
  int major = 0, minor = 0;
  auto r = std::from_chars(build.data(), build.data() + build.size(), major);
  if (r.ec != std::errc() || r.ptr == build.data() + build.size() || *r.ptr != '.') return false;
  std::from_chars(r.ptr + 1, build.data() + build.size(), minor);
  return major > 4 || (major == 4 && minor >= 9);
}

uint32_t parseU32(const std::string& s) {
  uint32_t v = 0xFFFFFFFF;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

Result<Claims> parseReplicas(const std::string& value) {
  Claims claims;
  size_t pos = 0;
  while (pos < value.size()) {
    size_t end = value.find(';', pos);
    if (end == std::string::npos) end = value.size();
    const std::string entry = value.substr(pos, end - pos);
    pos = end + 1;
    const size_t colon = entry.find(':');
    if (colon == std::string::npos) return makeError("bad replicas entry", status::kClientError);
    const std::string ns = entry.substr(0, colon);
    std::vector<std::string> parts;
    size_t p = colon + 1;
    while (p <= entry.size()) {
      size_t c = entry.find(',', p);
      if (c == std::string::npos) c = entry.size();
      parts.push_back(entry.substr(p, c - p));
      p = c + 1;
    }
    if (parts.size() < 2) return makeError("bad replicas entry", status::kClientError);
    const uint32_t n = parseU32(parts[1]);
    if (n == 0 || parts.size() != 2 + n) return makeError("bad replica count", status::kClientError);
    std::vector<protocol::PartitionBitmap> bitmaps;
    for (uint32_t i = 0; i < n; ++i) {
      auto bits = protocol::decodePartitionBitmap(parts[2 + i]);
      if (!bits) return makeError(bits.error().message, status::kClientError);
      bitmaps.push_back(*bits);
    }
    claims[ns] = std::move(bitmaps);
  }
  return claims;
}

}  // namespace

Deadline Cluster::infoDeadline() const {
  return Clock::now() + std::chrono::milliseconds(config_.info_timeout_ms);
}

Result<std::unique_ptr<Cluster>> Cluster::connect(const ClientConfig& config) {
  if (config.seeds.empty()) return makeError("no seeds given", status::kParameter);
  std::unique_ptr<Cluster> cluster(new Cluster(config));
  auto snap = std::make_shared<ClusterSnapshot>();
  std::string last_error;
  for (const auto& seed : config.seeds) {
    auto node = cluster->validate(seed, "");
    if (!node) {
      last_error = node.error().message;
      continue;
    }
    bool known = false;
    for (const auto& n : snap->nodes) known = known || n->name() == (*node)->name();
    if (!known) snap->nodes.push_back(*node);
  }
  if (snap->nodes.empty()) {
    return makeError("no seed node reachable: " + last_error, status::kConnection);
  }
  cluster->snapshot_ = snap;
  if (auto st = cluster->tend(); !st) return st.error();
  cluster->tender_ = std::thread([c = cluster.get()] { c->tendLoop(); });
  return cluster;
}

Cluster::~Cluster() {
  {
    std::lock_guard<std::mutex> lock(stop_mutex_);
    stop_ = true;
  }
  stop_cv_.notify_all();
  if (tender_.joinable()) tender_.join();
}

std::shared_ptr<const ClusterSnapshot> Cluster::snapshot() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return snapshot_;
}

ClusterNode* Cluster::nodeFor(const ClusterSnapshot& snap, std::string_view ns,
                              uint32_t partition, uint32_t index) const {
  auto it = snap.namespaces.find(ns);
  if (it == snap.namespaces.end()) return nullptr;
  const auto& replicas = it->second.replicas[partition];
  const uint32_t n = std::min<uint32_t>(it->second.replica_count, 3);
  for (uint32_t i = 0; i < n; ++i) {
    ClusterNode* node = replicas[(index + i) % n];
    if (node != nullptr) return node;
  }
  return nullptr;
}

Result<std::shared_ptr<ClusterNode>> Cluster::validate(const std::string& host_port,
                                                       const std::string& expected_name) {
  auto address = resolve(host_port);
  if (!address) return address.error();
  ClusterNode probe("", *address, 1);
  std::string commands = "node\npartition-generation\nbuild\n";
  if (!config_.cluster_name.empty()) commands += "cluster-name\n";
  auto info = probe.info(commands, infoDeadline());
  if (!info) return info.error();
  const std::string name = (*info)["node"];
  if (name.empty() || name.size() > 19) return makeError("bad node name", status::kInvalidNode);
  if (!expected_name.empty() && name != expected_name) {
    return makeError("node name " + name + " differs from " + expected_name, status::kInvalidNode);
  }
  if (parseU32((*info)["partition-generation"]) == 0xFFFFFFFF) {
    return makeError("node " + name + " is not initialised", status::kInvalidNode);
  }
  if (!buildSupported((*info)["build"])) {
    return makeError("node " + name + " build " + (*info)["build"] + " is below 4.9",
                     status::kInvalidNode);
  }
  if (!config_.cluster_name.empty() && (*info)["cluster-name"] != config_.cluster_name) {
    return makeError("expected cluster name '" + config_.cluster_name + "', received '" +
                         (*info)["cluster-name"] + "'",
                     status::kInvalidNode);
  }
  return std::make_shared<ClusterNode>(name, *address, config_.max_conns_per_node);
}

Status Cluster::refreshPartitions(ClusterNode& node) {
  auto info = node.info("partition-generation\nreplicas\n", infoDeadline());
  if (!info) return info.error();
  auto claims = parseReplicas((*info)["replicas"]);
  if (!claims) return claims.error();
  {
    std::lock_guard<std::mutex> lock(claims_mutex_);
    claims_[node.name()] = std::move(*claims);
  }
  node.partition_generation = parseU32((*info)["partition-generation"]);
  return okStatus();
}

Status Cluster::tend() {
  auto current = snapshot();
  std::vector<std::shared_ptr<ClusterNode>> nodes = current->nodes;
  std::vector<std::shared_ptr<ClusterNode>> keep;
  std::map<std::string, NamespaceMap, std::less<>> maps;
  Status result = okStatus();
  for (size_t i = 0; i < nodes.size(); ++i) {
    auto node = nodes[i];
    auto info = node->info("node\npeers-generation\npartition-generation\n", infoDeadline());
    if (!info || (*info)["node"] != node->name()) {
      // A node that fails repeatedly (or changed its name) leaves the view
      // once others remain.
      if (++node->failures < 3 || nodes.size() == 1) keep.push_back(node);
      continue;
    }
    node->failures = 0;
    keep.push_back(node);
    const uint32_t peers_gen = parseU32((*info)["peers-generation"]);
    if (peers_gen != node->peers_generation) {
      auto peers_info = node->info("peers-clear-std\n", infoDeadline());
      auto peers = peers_info ? parsePeers((*peers_info)["peers-clear-std"])
                              : Result<PeersReply>(peers_info.error());
      if (peers) {
        bool all_ok = true;
        for (const auto& peer : peers->peers) {
          bool known = false;
          for (const auto& n : nodes) known = known || n->name() == peer.node_name;
          if (known) continue;
          bool added = false;
          for (const auto& host : peer.hosts) {
            auto found = validate(host, peer.node_name);
            if (found) {
              nodes.push_back(*found);
              added = true;
              break;
            }
          }
          all_ok = all_ok && added;
        }
        if (all_ok) node->peers_generation = peers_gen;
      }
    }
    if (parseU32((*info)["partition-generation"]) != node->partition_generation) {
      if (auto st = refreshPartitions(*node); !st && result.ok()) result = st;
    }
    node->trimIdle(std::chrono::milliseconds(config_.max_idle_ms));
  }

  // Overlay every remaining node's claims.
  {
    std::lock_guard<std::mutex> lock(claims_mutex_);
    auto& claims = claims_;
    for (const auto& node : keep) {
      auto it = claims.find(node->name());
      if (it == claims.end()) continue;
      for (const auto& [ns, bitmaps] : it->second) {
        NamespaceMap& m = maps[ns];
        m.replica_count = std::max<uint32_t>(m.replica_count, static_cast<uint32_t>(bitmaps.size()));
        for (size_t r = 0; r < bitmaps.size() && r < 3; ++r) {
          for (uint32_t p = 0; p < protocol::kPartitionCount; ++p) {
            if (bitmaps[r].test(p)) m.replicas[p][r] = node.get();
          }
        }
      }
    }
  }
  auto next = std::make_shared<ClusterSnapshot>();
  next->nodes = std::move(keep);
  next->namespaces = std::move(maps);
  std::lock_guard<std::mutex> lock(mutex_);
  snapshot_ = std::move(next);
  return result;
}

void Cluster::tendLoop() {
  std::unique_lock<std::mutex> lock(stop_mutex_);
  while (!stop_) {
    stop_cv_.wait_for(lock, std::chrono::milliseconds(config_.tend_interval_ms),
                      [this] { return stop_; });
    if (stop_) break;
    lock.unlock();
    (void)tend();
    lock.lock();
  }
}

}  // namespace remora::kv::client
