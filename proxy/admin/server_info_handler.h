#pragma once

// /server_info, /ready and Istio's /healthz/ready. The handlers keep a copy
// of `info` (its state callback included) and run on the admin thread.

#include "proxy/admin/admin.h"
#include "proxy/admin/server_info.h"

namespace remora::admin {

// JSON in Envoy's shape: version, state, uptime_current_epoch,
// uptime_all_epochs ("12s"), command_line_options.
AdminHandler makeServerInfoHandler(ServerInfo info);
// 200 and "LIVE\n" when live; 503 and the state's name otherwise (Envoy).
AdminHandler makeReadyHandler(ServerInfo info);

}  // namespace remora::admin
