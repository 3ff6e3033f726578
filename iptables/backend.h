#pragma once

#include <string>

#include "iptables/capture_config.h"
#include "iptables/cidr.h"
#include "iptables/command_runner.h"
#include "iptables/result.h"

namespace remora::iptables {

// Which iptables binaries to drive. The legacy (x_tables) and nft back ends keep separate rule
// sets in the kernel; a pod must use the one its other software already uses, or our rules and
// theirs would be evaluated in an order nobody chose.
struct Backend {
  std::string name;   // "legacy", "nft" or "system"
  std::string suffix; // "-legacy", "-nft" or "" (the distribution's default alternative)
  std::string reason; // why it was chosen, for the log

  std::string save(Family family) const { return tool(family, "-save"); }
  std::string restore(Family family) const { return tool(family, "-restore"); }

private:
  std::string tool(Family family, const char* what) const {
    return std::string(family == Family::V4 ? "iptables" : "ip6tables") + suffix + what;
  }
};

// Picks the back end: the forced one if `choice` says so; otherwise the one that already holds
// rules in this network namespace (legacy vs nft, counted from their -save output); otherwise
// the system's `iptables`. Only reads state.
Result<Backend> chooseBackend(BackendChoice choice, CommandRunner& runner);

} // namespace remora::iptables
