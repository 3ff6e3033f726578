#include "common/network/evdns_resolver.h"

#include <event2/dns.h>
#include <event2/util.h>
#include <netdb.h>

#include "common/assert.h"
#include "common/logging/logger.h"

namespace remora::network {

namespace {

class EvdnsResolver;

// One getaddrinfo request. Cancelling it makes evdns call back with
// EVUTIL_EAI_CANCEL, so the request object frees itself in the callback.
struct PendingRequest {
  DnsResolver::ResolveCb callback;
  evdns_getaddrinfo_request* request = nullptr;
  bool cancelled = false;
  bool finished = false;
};

class EvdnsQuery : public DnsResolver::Query {
 public:
  explicit EvdnsQuery(PendingRequest* pending) : pending_(pending) {}
  ~EvdnsQuery() override {
    if (pending_ == nullptr) return;
    if (pending_->finished) {
      delete pending_;
      return;
    }
    pending_->cancelled = true;
    if (pending_->request != nullptr) evdns_getaddrinfo_cancel(pending_->request);
  }
  void release() { pending_ = nullptr; }

 private:
  PendingRequest* pending_;
};

class EvdnsResolver : public DnsResolver {
 public:
  EvdnsResolver(event_base* base, const std::vector<std::string>& nameservers) {
    int flags = nameservers.empty() ? EVDNS_BASE_INITIALIZE_NAMESERVERS : 0;
    dns_ = evdns_base_new(base, flags | EVDNS_BASE_DISABLE_WHEN_INACTIVE);
    if (dns_ == nullptr) {
      // No resolv.conf (a minimal container): start empty; lookups then fail clearly.
      dns_ = evdns_base_new(base, EVDNS_BASE_DISABLE_WHEN_INACTIVE);
    }
    REMORA_RELEASE_ASSERT(dns_ != nullptr, "evdns_base_new failed");
    for (const auto& server : nameservers) {
      if (evdns_base_nameserver_ip_add(dns_, server.c_str()) != 0) {
        REMORA_LOG(err, logging::Component::Upstream, "bad DNS nameserver '{}'", server);
      }
    }
  }
  ~EvdnsResolver() override { evdns_base_free(dns_, 1); }

  std::unique_ptr<Query> resolve(const std::string& hostname, DnsLookupFamily family,
                                 ResolveCb callback) override {
    auto* pending = new PendingRequest{std::move(callback)};
    evutil_addrinfo hints{};
    hints.ai_family = family == DnsLookupFamily::V4Only   ? AF_INET
                      : family == DnsLookupFamily::V6Only ? AF_INET6
                                                          : AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = EVUTIL_AI_ADDRCONFIG;
    auto query = std::make_unique<EvdnsQuery>(pending);
    // evdns may answer synchronously (literal IPs, hosts file) before returning.
    evdns_getaddrinfo_request* request =
        evdns_getaddrinfo(dns_, hostname.c_str(), nullptr, &hints, &EvdnsResolver::onResult, pending);
    if (pending->finished) return query;
    pending->request = request;
    return query;
  }

 private:
  static void onResult(int result, evutil_addrinfo* res, void* arg) {
    auto* pending = static_cast<PendingRequest*>(arg);
    pending->finished = true;
    pending->request = nullptr;
    if (pending->cancelled) {
      if (res != nullptr) evutil_freeaddrinfo(res);
      delete pending;
      return;
    }
    std::vector<Address> addresses;
    std::string error;
    if (result == 0) {
      for (auto* ai = res; ai != nullptr; ai = ai->ai_next) {
        Address a = Address::fromSockaddr(ai->ai_addr, static_cast<socklen_t>(ai->ai_addrlen));
        if (a.valid()) addresses.push_back(a.withPort(0));
      }
    } else {
      error = evutil_gai_strerror(result);
    }
    if (res != nullptr) evutil_freeaddrinfo(res);
    // The query handle still owns `pending` and frees it when destroyed.
    auto callback = std::move(pending->callback);
    callback(std::move(addresses), std::move(error));
  }

  evdns_base* dns_;
};

}  // namespace

DnsResolverPtr createEvdnsResolver(event_base* base, const std::vector<std::string>& nameservers) {
  return std::make_unique<EvdnsResolver>(base, nameservers);
}

}  // namespace remora::network
