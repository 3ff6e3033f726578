#pragma once

// Asynchronous DNS resolution (libevent's evdns underneath), made by a
// Dispatcher and used on its thread.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/network/address.h"

namespace remora::network {

enum class DnsLookupFamily { V4Only, V6Only, Auto /* v4 and v6 */ };

class DnsResolver {
 public:
  virtual ~DnsResolver() = default;
  // Called once on the dispatcher's thread with every address found (ports
  // zero) and an empty error, or an empty list and the reason. Destroying the
  // returned handle cancels the query before the callback runs.
  using ResolveCb = std::function<void(std::vector<Address> addresses, std::string error)>;
  class Query {
   public:
    virtual ~Query() = default;
  };
  virtual std::unique_ptr<Query> resolve(const std::string& hostname, DnsLookupFamily family,
                                         ResolveCb callback) = 0;
};
using DnsResolverPtr = std::unique_ptr<DnsResolver>;

}  // namespace remora::network
