// remora-iptables: the init-container program that captures a pod's TCP traffic for the
// Remora sidecar. See docs/iptables.md.
#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

#include "iptables/backend.h"
#include "iptables/command_runner.h"
#include "iptables/flag_parser.h"
#include "iptables/inbound_source.h"
#include "iptables/installer.h"
#include "iptables/pod_addresses.h"
#include "iptables/restore_script.h"
#include "iptables/rule_set.h"
#include "iptables/validator.h"

namespace {

using namespace remora::iptables;

constexpr int kExitUsage = 2;
// Same code istio-iptables' validation uses, so existing repair tooling recognises it.
constexpr int kExitValidationFailed = 126;

std::vector<Family> families(const CaptureConfig& config, std::ostream& log) {
  std::vector<Family> out{Family::V4};
  if (config.dual_stack) {
    out.push_back(Family::V6);
  } else if (const auto address = firstPodAddress(Family::V6)) {
    log << "IPv6 enabled: the pod has the global IPv6 address " << *address << "\n";
    out.push_back(Family::V6);
  }
  return out;
}

int run(const CaptureConfig& config) {
  std::ostream& log = std::cout;
  if (config.mode == Mode::Help) {
    std::cout << usage();
    return 0;
  }
  if (config.dry_run && config.mode == Mode::Install) {
    // Pure rendering: no iptables binary is called. Lines starting with '#' are comments to
    // iptables-restore, so each block can be piped to it as is.
    for (Family family : families(config, std::cerr)) {
      std::cout << "# " << (family == Family::V4 ? "iptables" : "ip6tables")
                << "-restore --noflush\n"
                << renderInstallScript(renderRuleSet(config, family));
    }
    return 0;
  }
  if (config.mode == Mode::Validate) {
    const Status status = validateCapture(config, families(config, log), log);
    if (!status.ok()) {
      std::cerr << "remora-iptables: validation failed:\n" << status.error() << "\n";
      return kExitValidationFailed;
    }
    return 0;
  }

  ProcessRunner runner;
  const auto backend = chooseBackend(config.backend, runner);
  if (!backend.ok()) {
    std::cerr << "remora-iptables: " << backend.error() << "\n";
    return 1;
  }
  log << "backend: " << backend->name << " (" << backend->reason << ")\n";
  Installer installer(runner, *backend, log);
  if (config.mode == Mode::Cleanup) {
    if (config.dry_run) {
      log << "--dry-run with --cleanup: nothing changed\n";
      return 0;
    }
    const Status status = installer.cleanup();
    if (!status.ok()) {
      std::cerr << "remora-iptables: cleanup failed: " << status.error() << "\n";
      return 1;
    }
    return 0;
  }
  const std::vector<Family> wanted = families(config, log);
  const auto outcome = installer.install(config, wanted);
  if (!outcome.ok()) {
    std::cerr << "remora-iptables: " << outcome.error() << "\n";
    return 1;
  }
  if (std::find(wanted.begin(), wanted.end(), Family::V6) != wanted.end()) {
    if (const Status status = ensureIpv6InboundSource(); !status.ok()) {
      std::cerr << "remora-iptables: v6: " << status.error() << "\n";
      return 1;
    }
  }
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  const auto config = parseFlags(args, processEnv());
  if (!config.ok()) {
    std::cerr << "remora-iptables: invalid flags:\n"
              << config.error() << "\nrun 'remora-iptables --help' for the list of flags\n";
    return kExitUsage;
  }
  return run(*config);
}
