#pragma once

// Owns the current TlsContext of one listener or cluster and replaces it when
// its certificate, key or CA files change, without a restart: reload() reads
// and validates everything, builds a new context and swaps it in atomically.
// Handshakes started afterwards use the new context; open connections keep
// the one they started with. A reload that fails validation is refused,
// logged and counted, and the old credentials keep serving.
//
// Threads: current() may be called from any thread (an atomic shared_ptr
// load). reload(), refreshExpiryGauges() and watchedPaths() are meant for the
// main thread (the file watcher and the hourly stats timer); they are safe
// to call concurrently with current().

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <variant>
#include <vector>

#include "common/result.h"
#include "common/stats/store.h"
#include "common/tls/tls_context.h"
#include "common/tls/tls_context_config.h"
#include "common/tls/tls_stats.h"

namespace remora::tls {

class SessionTicketKeys;

class TlsCredentialsProvider {
 public:
  // The first load must succeed: a listener or cluster never starts without
  // usable credentials. Stats go under `scope` ("ssl.context_update", expiry
  // gauges "ssl.certificate.<name>.*").
  static Result<std::shared_ptr<TlsCredentialsProvider>> createServer(
      DownstreamTlsContextConfig config, stats::Scope scope);
  static Result<std::shared_ptr<TlsCredentialsProvider>> createClient(
      UpstreamTlsContextConfig config, stats::Scope scope);

  // The context for new handshakes; never null.
  std::shared_ptr<const TlsContext> current() const { return current_.load(); }

  // Re-reads every file and swaps in a new context if the material is valid.
  // On error the current context stays and the error says why.
  Status reload();

  // Recomputes the expiry gauges against `now` (call periodically).
  void refreshExpiryGauges(std::chrono::system_clock::time_point now =
                               std::chrono::system_clock::now());

  // Files to watch for changes (certificate chain, key, trusted CA).
  std::vector<std::string> watchedPaths() const;

  bool isServer() const { return std::holds_alternative<DownstreamTlsContextConfig>(config_); }
  const std::variant<DownstreamTlsContextConfig, UpstreamTlsContextConfig>& config() const {
    return config_;
  }

 private:
  TlsCredentialsProvider(std::variant<DownstreamTlsContextConfig, UpstreamTlsContextConfig> config,
                         stats::Scope scope);
  static Result<std::shared_ptr<TlsCredentialsProvider>> create(
      std::variant<DownstreamTlsContextConfig, UpstreamTlsContextConfig> config, stats::Scope scope);
  const CommonTlsContextConfig& common() const;
  Result<std::shared_ptr<const TlsContext>> build() const;

  const std::variant<DownstreamTlsContextConfig, UpstreamTlsContextConfig> config_;
  stats::Scope scope_;
  TlsCredentialStats stats_;
  std::shared_ptr<SessionTicketKeys> ticket_keys_;  // server only
  std::atomic<std::shared_ptr<const TlsContext>> current_;
  std::mutex reload_mutex_;  // serialises reload(); never taken by current()
};

using TlsCredentialsProviderSharedPtr = std::shared_ptr<TlsCredentialsProvider>;

}  // namespace remora::tls
