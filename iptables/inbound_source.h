#pragma once

#include "iptables/result.h"

namespace remora::iptables {

// Makes sure `::6/128` is an address of `lo`, what Istio's init does (`ip -6 addr add ::6/128
// dev lo`) when IPv6 capture is on: the sidecar's IPv6 inbound hop to the app binds source ::6,
// which the `-s ::6/128 -o lo -j RETURN` rule exempts from capture. Already present is success.
// Needs CAP_NET_ADMIN in the pod's network namespace. Never removed by --cleanup: the address
// is harmless, and another container may bind it.
Status ensureIpv6InboundSource();

}  // namespace remora::iptables
