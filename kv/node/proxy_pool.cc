#include "kv/node/proxy_pool.h"

#include "common/buffer/buffer.h"
#include "common/network/connection.h"
#include "common/network/raw_transport_socket.h"
#include "kv/node/request_handler.h"
#include "kv/protocol/as_msg_codec.h"
#include "kv/protocol/proto_header.h"

namespace remora::kv::node {

using network::ConnectionCloseType;
using network::ConnectionEvent;

namespace {

// Whether a type-3 frame body holds a LAST record (the end of a stream).
// A body that does not decode ends the stream too: nothing sensible follows.
bool holdsLast(std::string_view body) {
  while (!body.empty()) {
    size_t consumed = 0;
    auto msg = protocol::decodeAsMsg(body, &consumed);
    if (!msg) return true;
    if (msg->header.info3 & protocol::info3::kLast) return true;
    body.remove_prefix(consumed);
  }
  return false;
}

}  // namespace

// One connection to an owner's service port, one request at a time.
class ProxyPool::Upstream : public event::DeferredDeletable,
                            public network::ReadSink,
                            public network::ConnectionCallbacks {
 public:
  Upstream(ProxyPool& pool, uint32_t owner) : pool_(pool), owner_(owner) {
    timer_ = pool_.dispatcher_.createTimer([this] { onTimeout(); });
  }
  ~Upstream() override {
    if (connection_ && connection_->state() != network::ConnectionState::Closed) {
      connection_->removeConnectionCallbacks(*this);
      connection_->close(ConnectionCloseType::NoFlush);
    }
  }

  uint32_t owner() const { return owner_; }

  void connect(const network::Address& address) {
    connection_ = pool_.dispatcher_.createClientConnection(
        address, nullptr, std::make_unique<network::RawTransportSocket>());
    connection_->addConnectionCallbacks(*this);
    connection_->setReadSink(this);
    connection_->setConnectTimeout(pool_.limits_.connect_timeout);
    connection_->connect();
  }

  void send(Request request) {
    request_ = std::move(request);
    busy_ = true;
    timer_->enableTimer(pool_.limits_.reply_timeout);
    if (connected_) write(request_.frame);
  }

  void close() {
    if (connection_ && connection_->state() == network::ConnectionState::Open) {
      connection_->close(ConnectionCloseType::NoFlush);
    }
  }

  // network::ReadSink
  void onData(buffer::Buffer& data, bool) override {
    in_.move(data);
    for (;;) {
      uint8_t header_bytes[protocol::kProtoHeaderSize];
      if (!in_.copyOut(0, sizeof(header_bytes), header_bytes)) return;
      // Replies are bounded by the protocol, not by our request limit (a
      // read of a large record).
      auto header = protocol::decodeProtoHeader(header_bytes);
      if (!header) {
        close();
        return;
      }
      const size_t total = protocol::kProtoHeaderSize + header->size;
      if (in_.length() < total) return;
      if (hello_pending_) {
        in_.drain(total);  // the owner's "ok" to remora-proxy
        hello_pending_ = false;
        continue;
      }
      if (!busy_) {  // bytes nobody asked for: out of sync
        close();
        return;
      }
      const size_t at = reply_.size();
      reply_.resize(at + total);
      in_.copyOut(0, total, reply_.data() + at);
      in_.drain(total);
      if (request_.until_last &&
          !holdsLast(std::string_view(reply_).substr(at + protocol::kProtoHeaderSize))) {
        continue;  // more frames of the stream follow
      }
      std::string reply = std::move(reply_);
      reply_.clear();
      Request done = finish();
      pool_.context_.stats.proxied.inc();
      pool_.release(*this);  // may hand this upstream the next queued request
      done.done(std::move(reply));
      return;
    }
  }

  // network::ConnectionCallbacks
  void onEvent(ConnectionEvent event) override {
    if (event == ConnectionEvent::Connected) {
      connected_ = true;
      std::string hello;
      const size_t frame = protocol::beginFrame(hello);
      hello += std::string(kProxyHelloCommand) + "\n";
      protocol::endFrame(hello, frame, protocol::MessageType::kInfo);
      hello_pending_ = true;
      write(busy_ ? hello + request_.frame : hello);
      return;
    }
    if (closed_) return;
    closed_ = true;
    timer_->disableTimer();
    if (busy_) pool_.fail(finish(), protocol::ResultCode::kUnavailable);
    pool_.remove(*this);
  }

 private:
  void write(const std::string& bytes) {
    buffer::Buffer out;
    out.add(bytes);
    connection_->write(out, false);
  }

  Request finish() {
    busy_ = false;
    reply_.clear();
    timer_->disableTimer();
    return std::move(request_);
  }

  void onTimeout() {
    if (!busy_) return;
    // The reply may still come: this connection cannot be reused.
    pool_.fail(finish(), protocol::ResultCode::kTimeout);
    close();
  }

  ProxyPool& pool_;
  const uint32_t owner_;
  network::ClientConnectionPtr connection_;
  event::TimerPtr timer_;
  buffer::Buffer in_;
  Request request_;
  std::string reply_;  // frames of the reply so far
  bool busy_ = false;
  bool connected_ = false;
  bool hello_pending_ = false;
  bool closed_ = false;
};

ProxyPool::ProxyPool(event::Dispatcher& dispatcher, NodeContext& context, ProxyLimits limits)
    : dispatcher_(dispatcher), context_(context), limits_(limits) {
  if (!context_.config.static_cluster) return;
  for (const auto& node : context_.config.static_cluster->nodes) {
    Owner owner;
    auto address = network::Address::fromIp(node.host, node.port);
    if (address) owner.address = *address;
    owners_.push_back(std::move(owner));
  }
}

// The worker calls closeAll() on its thread first; what is left is closed
// without callbacks by the upstreams' destructors.
ProxyPool::~ProxyPool() { closing_ = true; }

void ProxyPool::forward(uint32_t owner, std::string frame, Done done, bool until_last) {
  Request request{std::move(frame), std::move(done), until_last};
  if (closing_ || owner >= owners_.size() || !owners_[owner].address) {
    fail(std::move(request), protocol::ResultCode::kUnavailable);
    return;
  }
  start(owner, std::move(request));
}

void ProxyPool::start(uint32_t owner, Request request) {
  Owner& o = owners_[owner];
  if (!o.idle.empty()) {
    Upstream* upstream = o.idle.back();
    o.idle.pop_back();
    upstream->send(std::move(request));
    return;
  }
  if (o.open >= limits_.max_conns_per_owner) {
    o.queued.push_back(std::move(request));
    return;
  }
  auto upstream = std::make_unique<Upstream>(*this, owner);
  Upstream* raw = upstream.get();
  upstreams_.emplace(raw, std::move(upstream));
  ++o.open;
  raw->send(std::move(request));
  raw->connect(*o.address);
}

void ProxyPool::release(Upstream& upstream) {
  Owner& o = owners_[upstream.owner()];
  if (!o.queued.empty()) {
    Request next = std::move(o.queued.front());
    o.queued.pop_front();
    upstream.send(std::move(next));
    return;
  }
  o.idle.push_back(&upstream);
}

void ProxyPool::remove(Upstream& upstream) {
  const uint32_t owner = upstream.owner();
  Owner& o = owners_[owner];
  std::erase(o.idle, &upstream);
  --o.open;
  auto it = upstreams_.find(&upstream);
  if (it != upstreams_.end()) {
    dispatcher_.deferredDelete(std::move(it->second));
    upstreams_.erase(it);
  }
  if (!o.queued.empty() && !closing_) {
    Request next = std::move(o.queued.front());
    o.queued.pop_front();
    start(owner, std::move(next));
  }
}

void ProxyPool::fail(Request request, protocol::ResultCode code) {
  context_.stats.proxy_errors.inc();
  // Never inside forward() or a connection callback: the session may be
  // in the middle of its own processing.
  dispatcher_.post([done = std::move(request.done), code] { done(errorReplyFrame(code)); });
}

void ProxyPool::closeAll() {
  closing_ = true;
  for (Owner& o : owners_) {
    while (!o.queued.empty()) {
      Request r = std::move(o.queued.front());
      o.queued.pop_front();
      fail(std::move(r), protocol::ResultCode::kUnavailable);
    }
  }
  std::vector<Upstream*> all;
  for (auto& [raw, owned] : upstreams_) all.push_back(raw);
  for (Upstream* u : all) u->close();
}

}  // namespace remora::kv::node
