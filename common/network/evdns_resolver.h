#pragma once

// Factory for the evdns-backed DnsResolver (used by LibeventDispatcher only).

#include <string>
#include <vector>

#include "common/network/dns_resolver.h"

struct event_base;

namespace remora::network {

DnsResolverPtr createEvdnsResolver(event_base* base, const std::vector<std::string>& nameservers);

}  // namespace remora::network
