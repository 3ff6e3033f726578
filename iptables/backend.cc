#include "iptables/backend.h"

#include <algorithm>

#include "iptables/rule_set.h"

namespace remora::iptables {
namespace {

struct RuleCount {
  int rules = -1;    // -1 if the back end's tools are missing
  bool ours = false; // holds chains of an earlier remora-iptables run
};

// Rules (all tables, both families) a back end holds in this network namespace.
RuleCount countRules(const std::string& suffix, CommandRunner& runner) {
  RuleCount count;
  for (const char* base : {"iptables", "ip6tables"}) {
    const std::string save = std::string(base) + suffix + "-save";
    if (!runner.exists(save)) {
      continue;
    }
    const auto result = runner.run({save});
    if (!result.ok() || result->exit_code != 0) {
      continue;
    }
    count.rules = std::max(count.rules, 0);
    const std::string& text = result->out;
    count.ours = count.ours || text.find(std::string(":") + kChainPrefix) != std::string::npos;
    for (size_t at = 0; (at = text.find("-A ", at)) != std::string::npos; at += 3) {
      if (at == 0 || text[at - 1] == '\n') {
        ++count.rules;
      }
    }
  }
  return count;
}

std::string systemVersion(CommandRunner& runner) {
  const auto result = runner.run({"iptables", "-V"});
  if (!result.ok() || result->exit_code != 0) {
    return "unknown version";
  }
  std::string version = result->out;
  while (!version.empty() && (version.back() == '\n' || version.back() == ' ')) {
    version.pop_back();
  }
  return version;
}

} // namespace

Result<Backend> chooseBackend(BackendChoice choice, CommandRunner& runner) {
  if (choice != BackendChoice::Auto) {
    const bool legacy = choice == BackendChoice::Legacy;
    Backend backend{legacy ? "legacy" : "nft", legacy ? "-legacy" : "-nft",
                    "forced by --iptables-backend"};
    if (!runner.exists(backend.restore(Family::V4))) {
      return Result<Backend>::failure(backend.restore(Family::V4) +
                                      " not found; install the iptables package");
    }
    return backend;
  }
  const RuleCount legacy = countRules("-legacy", runner);
  const RuleCount nft = countRules("-nft", runner);
  const std::string counts = " (" + std::to_string(std::max(legacy.rules, 0)) + " legacy, " +
                             std::to_string(std::max(nft.rules, 0)) + " nft rules present)";
  // Our own earlier rules decide first: installing into the other back end would leave two
  // active copies, both redirecting.
  if (legacy.ours != nft.ours) {
    return Backend{legacy.ours ? "legacy" : "nft", legacy.ours ? "-legacy" : "-nft",
                   "it holds the rules of an earlier remora-iptables run" + counts};
  }
  if (legacy.rules > 0 || nft.rules > 0) {
    const bool use_legacy = legacy.rules > nft.rules;
    return Backend{use_legacy ? "legacy" : "nft", use_legacy ? "-legacy" : "-nft",
                   std::string("this network namespace already uses ") +
                       (use_legacy ? "iptables-legacy" : "iptables-nft") + counts};
  }
  if (!runner.exists("iptables-restore")) {
    return Result<Backend>::failure(
        "iptables-restore not found in PATH; install the iptables package");
  }
  return Backend{"system", "",
                 "no rules present in either back end; using the system iptables (" +
                     systemVersion(runner) + ")"};
}

} // namespace remora::iptables
