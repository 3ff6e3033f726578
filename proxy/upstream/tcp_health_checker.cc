#include "proxy/upstream/tcp_health_checker.h"

#include "common/logging/logger.h"
#include "common/network/connection.h"

namespace remora::upstream {

namespace {
// A reply longer than this without the expected bytes is a failure anyway.
constexpr size_t kMaxReceiveBytes = 64 * 1024;
}  // namespace

std::string decodeHex(const std::string& hex) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return 0;
  };
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(nibble(hex[i]) << 4 | nibble(hex[i + 1])));
  }
  return out;
}

class TcpHealthChecker::Session : public network::ConnectionCallbacks, public network::ReadSink {
 public:
  Session(TcpHealthChecker& parent, HostImplConstSharedPtr host,
          std::chrono::milliseconds first_delay)
      : parent_(parent), host_(std::move(host)) {
    interval_timer_ = parent_.dispatcher_.createTimer([this] { startCheck(); });
    timeout_timer_ = parent_.dispatcher_.createTimer([this] { finish(false, "timeout"); });
    interval_timer_->enableTimer(first_delay);
  }

  ~Session() override {
    if (connection_ != nullptr) {
      // Our callbacks go away with us; the close must not reach them.
      connection_->removeConnectionCallbacks(*this);
      connection_->setReadSink(nullptr);
      connection_->close(network::ConnectionCloseType::NoFlush);
      parent_.dispatcher_.deferredDelete(std::move(connection_));
    }
  }

  void onEvent(network::ConnectionEvent event) override {
    if (event == network::ConnectionEvent::Connected) {
      if (parent_.receive_bytes_.empty()) {
        // A connect-only check, or a send-only one that needs no reply.
        if (!parent_.send_bytes_.empty()) write();
        finish(true, "");
        return;
      }
      if (!parent_.send_bytes_.empty()) write();
      return;
    }
    finish(false, event == network::ConnectionEvent::ConnectTimeout ? "connect timeout" : "closed");
  }

  void onData(buffer::Buffer& data, bool) override {
    received_ += data.toString();
    data.drain(data.length());
    size_t from = 0;
    for (const auto& expected : parent_.receive_bytes_) {
      size_t at = received_.find(expected, from);
      if (at == std::string::npos) {
        if (received_.size() > kMaxReceiveBytes) finish(false, "reply too long");
        return;
      }
      from = at + expected.size();
    }
    finish(true, "");
  }

 private:
  void write() {
    buffer::Buffer out;
    out.add(parent_.send_bytes_);
    connection_->write(out, false);
  }

  void startCheck() {
    parent_.info_->stats().health_check_attempt.inc();
    received_.clear();
    connection_ = parent_.dispatcher_.createClientConnection(
        host_->address(), nullptr, parent_.info_->transportSocketFactory().create({}));
    connection_->addConnectionCallbacks(*this);
    connection_->setReadSink(this);
    connection_->connect();
    timeout_timer_->enableTimer(parent_.config_.timeout);
  }

  void finish(bool success, const char* reason) {
    if (connection_ == nullptr) return;
    timeout_timer_->disableTimer();
    // The close raises LocalClose to us; with the connection handed off
    // first, that event finds nothing to finish.
    auto connection = std::move(connection_);
    connection->removeConnectionCallbacks(*this);
    connection->setReadSink(nullptr);
    connection->close(network::ConnectionCloseType::NoFlush);
    parent_.dispatcher_.deferredDelete(std::move(connection));
    handleResult(success, reason);
    interval_timer_->enableTimer(parent_.config_.interval);
  }

  void handleResult(bool success, const char* reason) {
    auto& stats = parent_.info_->stats();
    bool was_failed = host_->healthFlag(HealthFlag::FailedActiveHc);
    bool changed = false;
    if (success) {
      stats.health_check_success.inc();
      failures_ = 0;
      ++successes_;
      if (was_failed && (first_check_ || successes_ >= parent_.config_.healthy_threshold)) {
        host_->setHealthFlag(HealthFlag::FailedActiveHc, false);
        changed = true;
      }
    } else {
      stats.health_check_failure.inc();
      successes_ = 0;
      ++failures_;
      if (!was_failed && failures_ >= parent_.config_.unhealthy_threshold) {
        host_->setHealthFlag(HealthFlag::FailedActiveHc, true);
        changed = true;
      }
    }
    first_check_ = false;
    if (changed) {
      REMORA_LOG(info, logging::Component::Upstream, "cluster {}: host {} is now {}{}{}",
                 parent_.info_->name(), host_->address().toString(),
                 success ? "healthy" : "unhealthy", success ? "" : ": ", reason);
      parent_.on_health_changed_();
    }
  }

  TcpHealthChecker& parent_;
  const HostImplConstSharedPtr host_;
  event::TimerPtr interval_timer_;
  event::TimerPtr timeout_timer_;
  network::ClientConnectionPtr connection_;
  std::string received_;
  uint32_t successes_ = 0;
  uint32_t failures_ = 0;
  bool first_check_ = true;
};

TcpHealthChecker::TcpHealthChecker(event::Dispatcher& dispatcher,
                                   const config::HealthCheckConfig& config,
                                   ClusterInfoImplConstSharedPtr info,
                                   std::function<void()> on_health_changed)
    : dispatcher_(dispatcher),
      config_(config),
      send_bytes_(decodeHex(config.tcp.send_hex)),
      info_(std::move(info)),
      on_health_changed_(std::move(on_health_changed)),
      rng_(std::random_device{}()) {
  for (const auto& hex : config_.tcp.receive_hex) receive_bytes_.push_back(decodeHex(hex));
}

TcpHealthChecker::~TcpHealthChecker() = default;

void TcpHealthChecker::setHosts(const std::vector<HostImplConstSharedPtr>& hosts) {
  std::map<const HostImpl*, std::unique_ptr<Session>> next;
  for (const auto& host : hosts) {
    auto it = sessions_.find(host.get());
    if (it != sessions_.end()) {
      next.emplace(host.get(), std::move(it->second));
      continue;
    }
    auto jitter = config_.initial_jitter.count() > 0
                      ? std::chrono::milliseconds(rng_() % (config_.initial_jitter.count() + 1))
                      : std::chrono::milliseconds(0);
    next.emplace(host.get(), std::make_unique<Session>(*this, host, jitter));
  }
  sessions_ = std::move(next);
}

}  // namespace remora::upstream
