#pragma once

// What is known about one downstream connection (or, later, one HTTP stream)
// for access logs and stats: timing, bytes, endpoints, Envoy response flags.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/network/address.h"
#include "common/network/connection.h"

namespace remora::filters {

// Envoy's response flags (source/common/stream_info/utility.h), as bits.
enum class ResponseFlag : uint32_t {
  NoHealthyUpstream = 1u << 0,            // UH
  UpstreamConnectionFailure = 1u << 1,    // UF
  UpstreamOverflow = 1u << 2,             // UO
  UpstreamRetryLimitExceeded = 1u << 3,   // URX
  NoRouteFound = 1u << 4,                 // NR
  NoClusterFound = 1u << 5,               // NC
  UpstreamRequestTimeout = 1u << 6,       // UT
  UpstreamConnectionTermination = 1u << 7,// UC
  DownstreamConnectionTermination = 1u << 8,  // DC
  StreamIdleTimeout = 1u << 9,            // SI
  UnauthorizedExternalService = 1u << 10, // UAEX
  DownstreamProtocolError = 1u << 11,     // DPE
  UpstreamProtocolError = 1u << 12,       // UPE
  DurationTimeout = 1u << 13,             // DT
  LocalReset = 1u << 14,                  // LR
};

// "UF,URX" in Envoy's order, or "-" when no flag is set.
std::string responseFlagsToString(uint32_t flags);

// The string_view members point into what outlives the stream: the listener's
// configuration (filter chain, cluster names), which the connection's
// listener runtime keeps alive, the downstream connection's ClientHello, and
// string literals. Copying names per connection cost a heap block each with
// Istio's long names.
struct StreamInfo {
  std::chrono::system_clock::time_point start_time = std::chrono::system_clock::now();
  std::chrono::steady_clock::time_point start_monotonic = std::chrono::steady_clock::now();
  uint64_t bytes_received = 0;  // from downstream
  uint64_t bytes_sent = 0;      // to downstream
  uint32_t response_flags = 0;
  uint64_t connection_id = 0;
  // The downstream connection's addresses and ClientHello (it outlives the
  // stream); its effectiveLocalAddress() is the local address after
  // original_dst restoration.
  const network::ConnectionInfo* downstream = nullptr;
  std::optional<network::Address> upstream_host;
  std::optional<network::Address> upstream_local_address;
  std::string_view upstream_cluster;
  std::string_view filter_chain_name;

  // Strings few connections have (TLS peers, failures, denials), allocated on
  // first write: a plaintext connection carries one pointer for all of them.
  struct Details {
    std::string downstream_peer_uri_san;
    std::string upstream_peer_uri_san;
    std::string upstream_transport_failure_reason;
    std::string connection_termination_details;
  };
  Details& details() {
    if (!details_) details_ = std::make_unique<Details>();
    return *details_;
  }
  const Details& details() const {
    static const Details kNone;
    return details_ ? *details_ : kNone;
  }

  void setFlag(ResponseFlag flag) { response_flags |= static_cast<uint32_t>(flag); }
  bool hasFlag(ResponseFlag flag) const { return (response_flags & static_cast<uint32_t>(flag)) != 0; }
  std::chrono::milliseconds duration() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                 start_monotonic);
  }

 private:
  std::unique_ptr<Details> details_;
};

}  // namespace remora::filters
