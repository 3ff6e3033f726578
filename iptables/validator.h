#pragma once

#include <ostream>
#include <vector>

#include "iptables/capture_config.h"
#include "iptables/cidr.h"
#include "iptables/result.h"

namespace remora::iptables {

// --validate: proves that the rules in this network namespace really redirect. For each family
// it listens on the inbound capture port (-z), connects as the proxy UID/GID (first of -u/-g;
// via setfsuid when running as root) to a probe address on --iptables-probe-port that leaves
// through lo, and expects the hairpin rule to deliver that connection to the listener with
// SO_ORIGINAL_DST equal to the probe address. The whole check is bounded by probe_timeout_ms.
// Returns an error that says what was observed (refused, timed out, wrong original destination).
Status validateCapture(const CaptureConfig& config, const std::vector<Family>& families,
                       std::ostream& log);

} // namespace remora::iptables
