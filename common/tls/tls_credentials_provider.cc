#include "common/tls/tls_credentials_provider.h"

#include "common/logging/logger.h"
#include "common/tls/certificate_utils.h"
#include "common/tls/session_ticket_keys.h"

namespace remora::tls {

using logging::Component;

TlsCredentialsProvider::TlsCredentialsProvider(
    std::variant<DownstreamTlsContextConfig, UpstreamTlsContextConfig> config, stats::Scope scope)
    : config_(std::move(config)), scope_(std::move(scope)), stats_(scope_) {
  if (isServer()) ticket_keys_ = std::make_shared<SessionTicketKeys>();
}

const CommonTlsContextConfig& TlsCredentialsProvider::common() const {
  return std::visit([](const auto& c) -> const CommonTlsContextConfig& { return c.common_tls_context; },
                    config_);
}

Result<std::shared_ptr<const TlsContext>> TlsCredentialsProvider::build() const {
  auto credentials = loadTlsCredentials(common(), std::chrono::system_clock::now());
  if (!credentials) return credentials.error();
  if (const auto* server = std::get_if<DownstreamTlsContextConfig>(&config_)) {
    return TlsContext::createServer(*server, std::move(*credentials), ticket_keys_);
  }
  return TlsContext::createClient(std::get<UpstreamTlsContextConfig>(config_),
                                  std::move(*credentials));
}

Result<std::shared_ptr<TlsCredentialsProvider>> TlsCredentialsProvider::create(
    std::variant<DownstreamTlsContextConfig, UpstreamTlsContextConfig> config, stats::Scope scope) {
  std::shared_ptr<TlsCredentialsProvider> provider(
      new TlsCredentialsProvider(std::move(config), std::move(scope)));
  auto ctx = provider->build();
  if (!ctx) return ctx.error();
  provider->current_.store(std::move(*ctx));
  provider->refreshExpiryGauges();
  return provider;
}

Result<std::shared_ptr<TlsCredentialsProvider>> TlsCredentialsProvider::createServer(
    DownstreamTlsContextConfig config, stats::Scope scope) {
  return create(std::move(config), std::move(scope));
}

Result<std::shared_ptr<TlsCredentialsProvider>> TlsCredentialsProvider::createClient(
    UpstreamTlsContextConfig config, stats::Scope scope) {
  return create(std::move(config), std::move(scope));
}

Status TlsCredentialsProvider::reload() {
  std::lock_guard<std::mutex> lock(reload_mutex_);
  auto ctx = build();
  if (!ctx) {
    stats_.reload_failure.inc();
    REMORA_LOG(err, Component::Tls,
               "{}: refusing new TLS credentials, keeping serial {}: {}", scope_.prefix(),
               current()->certificateSerial(), ctx.error().message);
    return ctx.error();
  }
  std::string old_serial = current()->certificateSerial();
  current_.store(std::move(*ctx));
  stats_.reload_success.inc();
  REMORA_LOG(info, Component::Tls, "{}: TLS credentials rotated (serial {} -> {})",
             scope_.prefix(), old_serial, current()->certificateSerial());
  refreshExpiryGauges();
  return okStatus();
}

void TlsCredentialsProvider::refreshExpiryGauges(std::chrono::system_clock::time_point now) {
  auto ctx = current();
  int64_t first = INT64_MAX;
  for (const CertificateInfo& cert : ctx->certificates()) {
    auto seconds = std::chrono::duration_cast<std::chrono::seconds>(
                       cert.not_after.time_since_epoch())
                       .count();
    auto left = std::chrono::duration_cast<std::chrono::seconds>(cert.not_after - now).count();
    int64_t days = left >= 0 ? left / 86400 : -((-left + 86399) / 86400);
    stats::Scope cert_scope = scope_.child("ssl.certificate." + cert.name);
    cert_scope.gauge("expiration_unix_time_seconds").set(seconds);
    cert_scope.gauge("days_until_expiry").set(days);
    first = std::min(first, days);
  }
  stats_.days_until_first_cert_expiring.set(first == INT64_MAX ? 0 : first);
}

std::vector<std::string> TlsCredentialsProvider::watchedPaths() const {
  return tls::watchedPaths(common());
}

}  // namespace remora::tls
