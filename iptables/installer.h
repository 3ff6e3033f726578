#pragma once

#include <ostream>
#include <utility>
#include <vector>

#include "iptables/backend.h"
#include "iptables/capture_config.h"
#include "iptables/command_runner.h"
#include "iptables/result.h"
#include "iptables/rule_set.h"

namespace remora::iptables {

// What install() did, for the caller's summary and for tests.
enum class InstallOutcome { AlreadyInstalled, Applied };

// Installs, replaces or removes the capture rules through one back end. Single-threaded; writes
// progress to `log`. Never touches chains or rules it does not own (see saved_rules.h).
class Installer {
public:
  Installer(CommandRunner& runner, Backend backend, std::ostream& log)
      : runner_(runner), backend_(std::move(backend)), log_(log) {}

  // Makes every family in `families` hold exactly the rules `config` renders, and removes our
  // rules from a family not listed (an earlier --dual-stack run). Each family is compared with
  // its current state first and left alone when it already matches, so a re-run changes nothing
  // and a partial earlier run (v4 done, v6 missing) is completed. Before the first change a
  // preflight checks every family's tools and kernel support; on a preflight failure nothing
  // is changed and the error lists every missing piece.
  Result<InstallOutcome> install(const CaptureConfig& config, const std::vector<Family>& families);

  // Removes every chain and jump we own in both families (where the tools exist). Idempotent.
  Status cleanup();

private:
  Result<RuleSet> readOwned(Family family);
  // Empty string when `family` supports everything the rules use; otherwise why not.
  std::string preflight(Family family);
  Status restore(Family family, const std::string& script);

  CommandRunner& runner_;
  Backend backend_;
  std::ostream& log_;
};

} // namespace remora::iptables
