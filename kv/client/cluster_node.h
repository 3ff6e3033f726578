#pragma once

// A node of the cluster as the client knows it: name, address, a pool of
// command connections and a separate connection for tending. Thread-safe.

#include <atomic>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/network/address.h"
#include "kv/client/node_connection.h"

namespace remora::kv::client {

class ClusterNode {
 public:
  ClusterNode(std::string name, network::Address address, uint32_t max_conns)
      : name_(std::move(name)), address_(address), max_conns_(max_conns) {}

  const std::string& name() const { return name_; }
  const network::Address& address() const { return address_; }

  // A pooled connection if a healthy one is idle, else a new one (up to
  // max_conns). Give it back with release() after a complete exchange; on an
  // error just drop it.
  Result<std::unique_ptr<NodeConnection>> acquire(Deadline deadline);
  void release(std::unique_ptr<NodeConnection> connection);
  // Closes idle connections unused for longer than `max_idle`.
  void trimIdle(std::chrono::milliseconds max_idle);

  // Sends info commands (each ending in '\n') and returns name → value.
  // Errors when the node answers ERROR:/FAIL: for any of them.
  Result<std::map<std::string, std::string>> info(const std::string& commands, Deadline deadline);
  // The raw reply body.
  Result<std::string> infoRaw(const std::string& commands, Deadline deadline);

  std::atomic<uint32_t> peers_generation{0xFFFFFFFF};
  std::atomic<uint32_t> partition_generation{0xFFFFFFFF};
  std::atomic<uint32_t> failures{0};

 private:
  const std::string name_;
  const network::Address address_;
  const uint32_t max_conns_;
  std::mutex mutex_;
  std::deque<std::unique_ptr<NodeConnection>> idle_;
  uint32_t open_ = 0;  // idle + in use
  std::mutex tend_mutex_;
  std::unique_ptr<NodeConnection> tend_connection_;

};

}  // namespace remora::kv::client
