#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "iptables/capture_config.h"
#include "iptables/result.h"

namespace remora::iptables {

// Looks up an environment variable; nullopt when unset. Injected so tests need no setenv().
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

// The process environment.
EnvLookup processEnv();

// Parses istio-iptables style flags (args excludes argv[0]). Every flag except -p may also come
// from an environment variable named after its long form, upper-cased with '-' -> '_'
// (ISTIO_INBOUND_PORTS, PROXY_UID, ...); the variable is used when the flag is absent from the
// command line, so an explicit flag wins. All problems are reported together, one per line.
Result<CaptureConfig> parseFlags(const std::vector<std::string>& args, const EnvLookup& env);

// The --help text.
std::string usage();

} // namespace remora::iptables
