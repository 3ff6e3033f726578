#include "filters/common/access_log/formatter.h"

#include <cstdio>
#include <ctime>
#include <map>

namespace remora::filters::access_log {

const char* const kDefaultFormat =
    "[%START_TIME%] \"%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%\" "
    "%RESPONSE_CODE% %RESPONSE_FLAGS% %BYTES_RECEIVED% %BYTES_SENT% %DURATION% "
    "%RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% \"%REQ(X-FORWARDED-FOR)%\" \"%REQ(USER-AGENT)%\" "
    "\"%REQ(X-REQUEST-ID)%\" \"%REQ(:AUTHORITY)%\" \"%UPSTREAM_HOST%\"\n";

namespace {
std::string iso8601(std::chrono::system_clock::time_point t) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  size_t n = std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof(buf) - n, ".%03lldZ", static_cast<long long>(ms % 1000));
  return buf;
}

std::string_view orDash(std::string_view s) { return s.empty() ? "-" : s; }
}  // namespace

Result<Formatter> Formatter::parse(const std::string& format) {
  static const std::map<std::string, Op> kOps = {
      {"START_TIME", Op::StartTime},
      {"DURATION", Op::Duration},
      {"BYTES_RECEIVED", Op::BytesReceived},
      {"BYTES_SENT", Op::BytesSent},
      {"RESPONSE_FLAGS", Op::ResponseFlags},
      {"RESPONSE_CODE", Op::ResponseCode},
      {"UPSTREAM_HOST", Op::UpstreamHost},
      {"UPSTREAM_CLUSTER", Op::UpstreamCluster},
      {"UPSTREAM_LOCAL_ADDRESS", Op::UpstreamLocalAddress},
      {"DOWNSTREAM_REMOTE_ADDRESS", Op::DownstreamRemoteAddress},
      {"DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT", Op::DownstreamRemoteAddressWithoutPort},
      {"DOWNSTREAM_LOCAL_ADDRESS", Op::DownstreamLocalAddress},
      {"DOWNSTREAM_LOCAL_ADDRESS_WITHOUT_PORT", Op::DownstreamLocalAddressWithoutPort},
      {"DOWNSTREAM_DIRECT_LOCAL_ADDRESS", Op::DownstreamDirectLocalAddress},
      {"REQUESTED_SERVER_NAME", Op::RequestedServerName},
      {"DOWNSTREAM_PEER_URI_SAN", Op::DownstreamPeerUriSan},
      {"UPSTREAM_PEER_URI_SAN", Op::UpstreamPeerUriSan},
      {"UPSTREAM_TRANSPORT_FAILURE_REASON", Op::UpstreamTransportFailureReason},
      {"CONNECTION_TERMINATION_DETAILS", Op::ConnectionTerminationDetails},
      {"CONNECTION_ID", Op::ConnectionId},
      {"FILTER_CHAIN_NAME", Op::FilterChainName},
      {"PROTOCOL", Op::Protocol},
  };
  Formatter formatter;
  std::string literal;
  size_t i = 0;
  while (i < format.size()) {
    char c = format[i];
    if (c != '%') {
      literal += c;
      ++i;
      continue;
    }
    if (i + 1 < format.size() && format[i + 1] == '%') {
      literal += '%';
      i += 2;
      continue;
    }
    size_t end = format.find('%', i + 1);
    if (end == std::string::npos) {
      return makeError("unterminated %COMMAND% at offset " + std::to_string(i));
    }
    std::string command = format.substr(i + 1, end - i - 1);
    if (!literal.empty()) {
      formatter.pieces_.push_back({Op::Literal, literal});
      literal.clear();
    }
    auto it = kOps.find(command);
    if (it != kOps.end()) {
      formatter.pieces_.push_back({it->second, {}});
    } else if (command.rfind("REQ(", 0) == 0 || command.rfind("RESP(", 0) == 0 ||
               command.rfind("TRAILER(", 0) == 0) {
      // HTTP-only commands print "-" on a TCP connection.
      formatter.pieces_.push_back({Op::Dash, {}});
    } else {
      return makeError("unknown access log command %" + command + "%");
    }
    i = end + 1;
  }
  if (!literal.empty()) formatter.pieces_.push_back({Op::Literal, literal});
  return formatter;
}

bool Formatter::usesUpstreamLocalAddress() const {
  for (const Piece& piece : pieces_) {
    if (piece.op == Op::UpstreamLocalAddress) return true;
  }
  return false;
}

std::string Formatter::format(const StreamInfo& s) const {
  std::string out;
  const network::ConnectionInfo* d = s.downstream;
  for (const auto& p : pieces_) {
    switch (p.op) {
      case Op::Literal: out += p.text; break;
      case Op::Dash: out += "-"; break;
      case Op::StartTime: out += iso8601(s.start_time); break;
      case Op::Duration: out += std::to_string(s.duration().count()); break;
      case Op::BytesReceived: out += std::to_string(s.bytes_received); break;
      case Op::BytesSent: out += std::to_string(s.bytes_sent); break;
      case Op::ResponseFlags: out += responseFlagsToString(s.response_flags); break;
      case Op::ResponseCode: out += "0"; break;
      case Op::Protocol: out += "-"; break;
      case Op::UpstreamHost: out += s.upstream_host ? s.upstream_host->toString() : "-"; break;
      case Op::UpstreamCluster: out += orDash(s.upstream_cluster); break;
      case Op::UpstreamLocalAddress:
        out += s.upstream_local_address ? s.upstream_local_address->toString() : "-";
        break;
      case Op::DownstreamRemoteAddress:
        out += d != nullptr ? d->remote_address.toString() : "-";
        break;
      case Op::DownstreamRemoteAddressWithoutPort:
        out += d != nullptr ? d->remote_address.ip() : "-";
        break;
      case Op::DownstreamLocalAddress:
        out += d != nullptr ? d->effectiveLocalAddress().toString() : "-";
        break;
      case Op::DownstreamLocalAddressWithoutPort:
        out += d != nullptr ? d->effectiveLocalAddress().ip() : "-";
        break;
      case Op::DownstreamDirectLocalAddress:
        out += d != nullptr ? d->local_address.toString() : "-";
        break;
      case Op::RequestedServerName:
        out += orDash(d != nullptr ? d->requestedServerName() : std::string_view());
        break;
      case Op::DownstreamPeerUriSan: out += orDash(s.details().downstream_peer_uri_san); break;
      case Op::UpstreamPeerUriSan: out += orDash(s.details().upstream_peer_uri_san); break;
      case Op::UpstreamTransportFailureReason: out += orDash(s.details().upstream_transport_failure_reason); break;
      case Op::ConnectionTerminationDetails: out += orDash(s.details().connection_termination_details); break;
      case Op::ConnectionId: out += std::to_string(s.connection_id); break;
      case Op::FilterChainName: out += orDash(s.filter_chain_name); break;
    }
  }
  return out;
}

}  // namespace remora::filters::access_log
