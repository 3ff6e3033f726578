#include "kv/client/cluster_node.h"

#include "kv/client/status.h"
#include "kv/protocol/info_codec.h"

namespace remora::kv::client {

Result<std::unique_ptr<NodeConnection>> ClusterNode::acquire(Deadline deadline) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    while (!idle_.empty()) {
      auto conn = std::move(idle_.back());
      idle_.pop_back();
      if (conn->reusable()) return conn;
      --open_;
    }
    if (open_ >= max_conns_) {
      return makeError("no more connections to node " + name_, status::kNoMoreConnections);
    }
    ++open_;
  }
  auto conn = NodeConnection::open(address_, deadline);
  if (!conn) {
    std::lock_guard<std::mutex> lock(mutex_);
    --open_;
  }
  return conn;
}

void ClusterNode::release(std::unique_ptr<NodeConnection> connection) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!connection) {
    --open_;
    return;
  }
  idle_.push_back(std::move(connection));
}

void ClusterNode::trimIdle(std::chrono::milliseconds max_idle) {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto now = Clock::now();
  while (!idle_.empty() && now - idle_.front()->lastUsed() > max_idle) {
    idle_.pop_front();
    --open_;
  }
}

Result<std::string> ClusterNode::infoRaw(const std::string& commands, Deadline deadline) {
  std::lock_guard<std::mutex> lock(tend_mutex_);
  if (!tend_connection_ || !tend_connection_->reusable()) {
    auto conn = NodeConnection::open(address_, deadline);
    if (!conn) return conn.error();
    tend_connection_ = std::move(*conn);
  }
  std::string frame;
  const size_t start = protocol::beginFrame(frame);
  frame += commands;
  protocol::endFrame(frame, start, protocol::MessageType::kInfo);
  auto reply = tend_connection_->roundTrip(frame, deadline);
  if (!reply) {
    tend_connection_.reset();
    return reply.error();
  }
  if (reply->type != protocol::MessageType::kInfo) {
    tend_connection_.reset();
    return makeError("info reply of type " + std::to_string(static_cast<int>(reply->type)),
                     status::kClientError);
  }
  return std::move(reply->body);
}

Result<std::map<std::string, std::string>> ClusterNode::info(const std::string& commands,
                                                             Deadline deadline) {
  auto raw = infoRaw(commands, deadline);
  if (!raw) return raw.error();
  std::map<std::string, std::string> out;
  for (auto& [name, value] : protocol::parseInfoReply(*raw)) {
    int code = 0;
    std::string message;
    if (protocol::infoValueIsError(value, &code, &message)) {
      return makeError(name + ": " + value, code);
    }
    out[name] = value;
  }
  return out;
}

}  // namespace remora::kv::client
