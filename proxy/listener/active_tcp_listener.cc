#include "proxy/listener/active_tcp_listener.h"

#include <sys/socket.h>

#include <cerrno>

#include "common/logging/logger.h"
#include "proxy/listener/connection_handler.h"

namespace remora::listener {

ActiveTcpSocket::ActiveTcpSocket(ActiveTcpListener& listener, network::SocketFd&& socket,
                                 network::ConnectionInfo addresses, bool handed_off)
    : listener_(listener),
      socket_(std::move(socket)),
      info_(std::move(addresses)),
      handed_off_(handed_off) {
  listener_.runtime()->stats().downstream_pre_cx_active.inc();
}

ActiveTcpSocket::~ActiveTcpSocket() { listener_.runtime()->stats().downstream_pre_cx_active.dec(); }

void ActiveTcpSocket::start() {
  for (const auto& factory : listener_.runtime()->listenerFilters()) filters_.push_back(factory());
  const auto& config = listener_.runtime()->config();
  if (!filters_.empty()) {
    timer_ = listener_.handler().dispatcher().createTimer([this] { onTimeout(); });
    timer_->enableTimer(config.listener_filters_timeout);
  }
  continueFilterChain();
}

void ActiveTcpSocket::continueFilterChain() {
  while (next_filter_ < filters_.size()) {
    auto& filter = *filters_[next_filter_];
    auto status = filter.onAccept(*this);
    if (status == filters::ListenerFilterStatus::Close) {
      finish(true);
      return;
    }
    if (status == filters::ListenerFilterStatus::StopIteration && filter.maxReadBytes() > 0) {
      // Edge-triggered: the peeked bytes stay in the socket, so only new
      // bytes should wake us.
      peek_event_ = listener_.handler().dispatcher().createFileEvent(
          socket_.fd(), [this](uint32_t) { onReadable(); }, event::FileTriggerType::Edge,
          event::FileReady::kRead);
      peek_event_->activate(event::FileReady::kRead);
      return;
    }
    ++next_filter_;
  }
  finish(false);
}

void ActiveTcpSocket::onReadable() {
  auto& filter = *filters_[next_filter_];
  size_t max = filter.maxReadBytes();
  std::vector<uint8_t> bytes(max);
  ssize_t n = ::recv(socket_.fd(), bytes.data(), max, MSG_PEEK);
  if (n < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
    finish(true);
    return;
  }
  bool end = n == 0 || static_cast<size_t>(n) >= max;
  auto status = filter.onData(bytes.data(), static_cast<size_t>(n), end);
  if (status == filters::ListenerFilterStatus::Close ||
      (status == filters::ListenerFilterStatus::StopIteration && end)) {
    finish(true);
    return;
  }
  if (status == filters::ListenerFilterStatus::StopIteration) return;
  peek_event_.reset();
  ++next_filter_;
  continueFilterChain();
}

void ActiveTcpSocket::onTimeout() {
  listener_.runtime()->stats().downstream_pre_cx_timeout.inc();
  if (listener_.runtime()->config().continue_on_listener_filters_timeout) {
    peek_event_.reset();
    ++next_filter_;
    continueFilterChain();
    return;
  }
  finish(true);
}

void ActiveTcpSocket::finish(bool close) {
  if (done_) return;
  done_ = true;
  if (timer_) timer_->disableTimer();
  peek_event_.reset();
  if (!close) {
    listener_.onSocketReady(std::move(socket_), std::move(info_), handed_off_);
  }
  socket_.close();
  listener_.removeSocket(*this);
}

ActiveConnection::ActiveConnection(ActiveTcpListener& listener, network::ConnectionPtr connection,
                                   const FilterChain& chain)
    : listener_(listener),
      runtime_(listener.runtime()),
      worker_index_(listener.handler().workerIndex()),
      connection_(std::move(connection)),
      filter_manager_(*connection_, listener.handler().clusterManager(), stream_info_) {
  const auto& info = connection_->info();
  stream_info_.connection_id = connection_->id();
  stream_info_.downstream = &info;
  stream_info_.filter_chain_name = chain.name;
  for (const auto& factory : chain.factories) factory(filter_manager_);
  connection_->addConnectionCallbacks(*this);
  auto& stats = runtime_->stats();
  stats.downstream_cx_total.inc();
  stats.downstream_cx_active.inc();
  listener_.handler().onConnectionOpened();
  if (auto* balancer = runtime_->balancer()) balancer->add(listener_.handler().workerIndex());
  if (const auto* worker = runtime_->workerStats(worker_index_)) {
    worker->downstream_cx_total->inc();
    worker->downstream_cx_active->inc();
  }
}

ActiveConnection::~ActiveConnection() {
  if (auto* balancer = runtime_->balancer()) balancer->release(worker_index_);
  if (const auto* worker = runtime_->workerStats(worker_index_)) worker->downstream_cx_active->dec();
  // The filters go before the connection they reference (member order).
}

void ActiveConnection::onTransportReady() {
  if (const auto* peer = connection_->transportSocket().peerSecurity()) {
    stream_info_.details().downstream_peer_uri_san = peer->uri_san;
  }
}

void ActiveConnection::onEvent(network::ConnectionEvent event) {
  if (event == network::ConnectionEvent::Connected) {
    if (handshake_timer_) handshake_timer_->disableTimer();
    onTransportReady();
    REMORA_LOG(debug, logging::Component::Connection, "[C{}] transport connected, starting filters",
               connection_->id());
    filter_manager_.startFilters();
    return;
  }
  if (handshake_timer_) handshake_timer_->disableTimer();
  filter_manager_.onConnectionClosed();
  auto& stats = runtime_->stats();
  stats.downstream_cx_active.dec();
  stats.downstream_cx_destroy.inc();
  stats.downstream_cx_length_ms.record(static_cast<uint64_t>(stream_info_.duration().count()));
  listener_.handler().onConnectionClosed();
  listener_.removeConnection(*this);
}

ActiveTcpListener::ActiveTcpListener(ConnectionHandler& handler, ListenerRuntimeConstSharedPtr runtime)
    : handler_(handler), runtime_(std::move(runtime)) {
  if (runtime_->sockets() && runtime_->sockets()->socketFor(handler_.workerIndex()).valid()) {
    listener_ = handler_.dispatcher().createListener(
        runtime_->sockets()->socketFor(handler_.workerIndex()), *this);
  }
}

ActiveTcpListener::~ActiveTcpListener() {
  listener_.reset();
  closeAllConnections();
}

network::Address ActiveTcpListener::acceptedLocalAddress(const network::SocketFd& socket) const {
  if (runtime_->sockets() && !runtime_->sockets()->address().isAnyAddress()) {
    return runtime_->sockets()->address();
  }
  auto local = network::localAddress(socket.fd());
  return local ? *local : network::Address();
}

void ActiveTcpListener::onAccept(network::SocketFd&& socket, const network::Address& peer) {
  network::ConnectionInfo addresses;
  addresses.local_address = acceptedLocalAddress(socket);
  addresses.remote_address = peer;
  if (auto* balancer = runtime_->balancer()) {
    uint32_t target = balancer->pick();
    ConnectionHandler* other = handler_.peer(target);
    if (other != nullptr && other != &handler_) {
      int fd = socket.release();
      uint64_t tag = runtime_->tag();
      other->dispatcher().post([other, tag, fd, addresses = std::move(addresses)]() mutable {
        network::SocketFd owned(fd);
        if (auto* listener = other->findListenerByTag(tag)) {
          listener->acceptBalanced(std::move(owned), std::move(addresses));
        }
      });
      return;
    }
  }
  acceptBalanced(std::move(socket), std::move(addresses));
}

void ActiveTcpListener::acceptBalanced(network::SocketFd&& socket, network::ConnectionInfo addresses) {
  runListenerFilters(std::move(socket), std::move(addresses), false);
}

void ActiveTcpListener::runListenerFilters(network::SocketFd&& socket,
                                           network::ConnectionInfo addresses, bool handed_off) {
  // Without listener filters there is nothing to wait for: no pre-connection
  // object, no allocation, straight to the filter chain.
  if (runtime_->listenerFilters().empty()) {
    onSocketReady(std::move(socket), std::move(addresses), handed_off);
    return;
  }
  auto active =
      std::make_unique<ActiveTcpSocket>(*this, std::move(socket), std::move(addresses), handed_off);
  ActiveTcpSocket& ref = *active;
  sockets_.push_back(std::move(active));
  ref.start();
}

void ActiveTcpListener::acceptHandedOff(network::SocketFd&& socket,
                                        const network::ConnectionInfo& info) {
  // Only the addresses travel: the target listener's own filters inspect
  // the socket afresh.
  network::ConnectionInfo addresses;
  addresses.local_address = info.local_address;
  addresses.remote_address = info.remote_address;
  addresses.original_destination = info.original_destination;
  addresses.start_time = info.start_time;
  runListenerFilters(std::move(socket), std::move(addresses), true);
}

void ActiveTcpListener::onSocketReady(network::SocketFd&& fd, network::ConnectionInfo info,
                                      bool handed_off) {
  if (runtime_->config().use_original_dst && info.original_destination && !handed_off) {
    ActiveTcpListener* target = handler_.findListenerForAddress(*info.original_destination);
    if (target != nullptr && target != this) {
      target->acceptHandedOff(std::move(fd), info);
      return;
    }
  }
  newConnection(std::move(fd), std::move(info));
}

void ActiveTcpListener::newConnection(network::SocketFd&& fd, network::ConnectionInfo info) {
  const FilterChain* chain = runtime_->findFilterChain(info);
  if (chain == nullptr) {
    runtime_->stats().no_filter_chain_match.inc();
    REMORA_LOG(debug, logging::Component::Connection, "listener {}: no filter chain for {} -> {}",
               runtime_->name(), info.remote_address.toString(),
               info.effectiveLocalAddress().toString());
    return;  // fd closes here
  }
  auto connection = handler_.dispatcher().createServerConnection(
      std::move(fd), info.local_address, info.remote_address,
      chain->transport_socket_factory->create({}));
  // The addresses were given to createServerConnection; the rest is the
  // listener filters' findings.
  auto& conn_info = connection->info();
  conn_info.original_destination = info.original_destination;
  conn_info.client_hello = info.client_hello;
  conn_info.transport_protocol = info.transport_protocol;
  connection->setBufferLimits(runtime_->config().per_connection_buffer_limit_bytes);
  auto active = std::make_unique<ActiveConnection>(*this, std::move(connection), *chain);
  ActiveConnection& ref = *active;
  linkConnection(std::move(active));
  if (ref.filter_manager_.empty()) {
    ref.connection().close(network::ConnectionCloseType::NoFlush);
    return;
  }
  // A secure transport may already have finished its handshake while the
  // connection was being made (the peer's flight was waiting in the socket);
  // only one still handshaking makes the filters wait.
  bool secure = chain->transport_socket_factory->implementsSecureTransport();
  bool handshaking = secure && ref.connection().transportSocket().peerSecurity() == nullptr;
  if (secure && !handshaking) ref.onTransportReady();
  REMORA_LOG(debug, logging::Component::Connection, "[C{}] new connection on chain '{}' ({})",
             ref.connection().id(), chain->name,
             handshaking ? "waiting for the handshake" : secure ? "handshake done" : "plaintext");
  if (handshaking) {
    ActiveConnection* target = &ref;
    ref.handshake_timer_ = handler_.dispatcher().createTimer([this, target] {
      runtime_->stats().downstream_cx_transport_socket_connect_timeout.inc();
      target->connection().close(network::ConnectionCloseType::NoFlush);
    });
    ref.handshake_timer_->enableTimer(runtime_->config().listener_filters_timeout);
  }
  ref.filter_manager_.initialize(handshaking);
}

void ActiveTcpListener::stopAccepting() { listener_.reset(); }

void ActiveTcpListener::closeAllConnections() {
  while (connections_ != nullptr) {
    // Closing raises the event that moves the connection out of the list.
    ActiveConnection& front = *connections_;
    if (front.connection().state() != network::ConnectionState::Closed) {
      front.connection().close(network::ConnectionCloseType::NoFlush);
    } else {
      unlinkConnection(front);  // destroyed here
    }
  }
  sockets_.clear();
}

void ActiveTcpListener::removeSocket(ActiveTcpSocket& socket) {
  for (auto it = sockets_.begin(); it != sockets_.end(); ++it) {
    if (it->get() == &socket) {
      handler_.dispatcher().deferredDelete(std::move(*it));
      sockets_.erase(it);
      break;
    }
  }
  if (connectionCount() == 0) handler_.onListenerEmpty(*this);
}

void ActiveTcpListener::removeConnection(ActiveConnection& connection) {
  handler_.dispatcher().deferredDelete(unlinkConnection(connection));
  if (connectionCount() == 0) handler_.onListenerEmpty(*this);
}

void ActiveTcpListener::linkConnection(std::unique_ptr<ActiveConnection> connection) {
  ActiveConnection* c = connection.release();
  c->next_ = connections_;
  if (connections_ != nullptr) connections_->prev_ = c;
  connections_ = c;
  ++connection_count_;
}

std::unique_ptr<ActiveConnection> ActiveTcpListener::unlinkConnection(ActiveConnection& c) {
  (c.prev_ != nullptr ? c.prev_->next_ : connections_) = c.next_;
  if (c.next_ != nullptr) c.next_->prev_ = c.prev_;
  c.prev_ = c.next_ = nullptr;
  --connection_count_;
  return std::unique_ptr<ActiveConnection>(&c);
}

}  // namespace remora::listener
