#pragma once

// `remoractl ca init|issue|show`: a certificate authority for a SPIFFE trust
// domain, for the demo, the tests and users without cert-manager. Writes
// files in Istio's layout (ca-cert.pem, ca-key.pem, root-cert.pem;
// cert-chain.pem, key.pem). Uses common/tls/certificate_authority.h.

#include <string>
#include <vector>

namespace remora::remoractl {

// Runs `remoractl ca ARGS...` (args after "ca"); returns the exit code and
// prints results to stdout, errors to stderr.
int runCaCommand(const std::vector<std::string>& args);

}  // namespace remora::remoractl
