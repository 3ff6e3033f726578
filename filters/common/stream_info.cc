#include "filters/common/stream_info.h"

#include <array>
#include <utility>

namespace remora::filters {

std::string responseFlagsToString(uint32_t flags) {
  static constexpr std::array<std::pair<ResponseFlag, const char*>, 15> kNames = {{
      {ResponseFlag::LocalReset, "LR"},
      {ResponseFlag::UpstreamConnectionFailure, "UF"},
      {ResponseFlag::UpstreamConnectionTermination, "UC"},
      {ResponseFlag::UpstreamOverflow, "UO"},
      {ResponseFlag::NoRouteFound, "NR"},
      {ResponseFlag::NoHealthyUpstream, "UH"},
      {ResponseFlag::UpstreamRequestTimeout, "UT"},
      {ResponseFlag::UpstreamRetryLimitExceeded, "URX"},
      {ResponseFlag::StreamIdleTimeout, "SI"},
      {ResponseFlag::DownstreamConnectionTermination, "DC"},
      {ResponseFlag::UnauthorizedExternalService, "UAEX"},
      {ResponseFlag::NoClusterFound, "NC"},
      {ResponseFlag::DownstreamProtocolError, "DPE"},
      {ResponseFlag::UpstreamProtocolError, "UPE"},
      {ResponseFlag::DurationTimeout, "DT"},
  }};
  std::string out;
  for (const auto& [flag, name] : kNames) {
    if (flags & static_cast<uint32_t>(flag)) {
      if (!out.empty()) out += ",";
      out += name;
    }
  }
  return out.empty() ? "-" : out;
}

}  // namespace remora::filters
