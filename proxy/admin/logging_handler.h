#pragma once

// /logging: shows and changes the per-component log levels
// (common/logging/logger.h), as Envoy's /logging does.
//
//   GET  /logging                      lists "  <component>: <level>"
//   POST /logging?level=debug          every component
//   POST /logging?upstream=trace&admin=warning   the named components
//
// Levels: trace, debug, info, warning (warn), error, critical, off. A request
// naming an unknown component or level changes nothing and gets 400. Changes
// need POST; a GET that names levels gets 405. Register it with
// mutates_state = false so that the plain GET listing works.

#include "proxy/admin/admin.h"

namespace remora::admin {

AdminHandler makeLoggingHandler();

}  // namespace remora::admin
