#include "proxy/admin/server_info.h"

namespace remora::admin {

std::string_view serverStateName(ServerState state) {
  switch (state) {
    case ServerState::PreInitializing:
      return "PRE_INITIALIZING";
    case ServerState::Initializing:
      return "INITIALIZING";
    case ServerState::Live:
      return "LIVE";
    case ServerState::Draining:
      return "DRAINING";
  }
  return "UNKNOWN";
}

}  // namespace remora::admin
