#pragma once

// Envoy's access-log format strings: literal text with %OPERATOR% commands,
// resolved against a StreamInfo. Parsed once at config time.

#include <string>
#include <vector>

#include "common/result.h"
#include "filters/common/stream_info.h"

namespace remora::filters::access_log {

// Envoy's default format (for TCP, the HTTP fields print "-").
extern const char* const kDefaultFormat;

class Formatter {
 public:
  // Fails on an unknown or malformed %OPERATOR%.
  static Result<Formatter> parse(const std::string& format);
  std::string format(const StreamInfo& info) const;
  // True if the format prints %UPSTREAM_LOCAL_ADDRESS%, which costs a
  // system call per connection to know.
  bool usesUpstreamLocalAddress() const;

 private:
  enum class Op {
    Literal, StartTime, Duration, BytesReceived, BytesSent, ResponseFlags, ResponseCode,
    UpstreamHost, UpstreamCluster, UpstreamLocalAddress, DownstreamRemoteAddress,
    DownstreamRemoteAddressWithoutPort, DownstreamLocalAddress, DownstreamLocalAddressWithoutPort,
    DownstreamDirectLocalAddress, RequestedServerName, DownstreamPeerUriSan, UpstreamPeerUriSan,
    UpstreamTransportFailureReason, ConnectionTerminationDetails, ConnectionId, FilterChainName,
    Protocol, Dash
  };
  struct Piece {
    Op op;
    std::string text;
  };
  std::vector<Piece> pieces_;
};

}  // namespace remora::filters::access_log
