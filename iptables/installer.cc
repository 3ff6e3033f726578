#include "iptables/installer.h"

#include <algorithm>

#include "iptables/restore_script.h"
#include "iptables/saved_rules.h"

namespace remora::iptables {
namespace {

constexpr const char* kPreflightChain = "REMORA_PREFLIGHT";

std::string firstLine(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
    text.pop_back();
  }
  const size_t newline = text.find('\n');
  return newline == std::string::npos ? text : text.substr(0, newline) + " ...";
}

std::string natHint(Family family) {
  return family == Family::V4
             ? "the kernel needs nat support for IPv4 (modules iptable_nat/nf_nat, or "
               "nft_chain_nat "
               "for the nft back end)"
             : "the kernel needs nat support for IPv6 (modules ip6table_nat/nf_nat, or "
               "nft_chain_nat for the nft back end)";
}

} // namespace

Result<RuleSet> Installer::readOwned(Family family) {
  const std::string save = backend_.save(family);
  const auto result = runner_.run({save, "-t", "nat"});
  if (!result.ok()) {
    return Result<RuleSet>::failure(save + ": " + result.error());
  }
  if (result->exit_code != 0) {
    return Result<RuleSet>::failure(save + " -t nat failed: " + firstLine(result->err));
  }
  return parseSavedNat(result->out);
}

Status Installer::restore(Family family, const std::string& script) {
  const std::string restore = backend_.restore(family);
  const auto result = runner_.run({restore, "--noflush"}, script);
  if (!result.ok()) {
    return Status::failure(restore + ": " + result.error());
  }
  if (result->exit_code != 0) {
    return Status::failure(restore + " --noflush failed: " + firstLine(result->err));
  }
  return okStatus();
}

std::string Installer::preflight(Family family) {
  const std::string prefix = std::string(familyName(family)) + ": ";
  for (const std::string& tool : {backend_.save(family), backend_.restore(family)}) {
    if (!runner_.exists(tool)) {
      return prefix + tool + " not found" +
             (family == Family::V6 ? " (IPv6 capture needs the ip6tables tools)" : "") +
             "; install the iptables package";
    }
  }
  if (const auto owned = readOwned(family); !owned.ok()) {
    return prefix + "cannot read the nat table (" + owned.error() + "); " + natHint(family);
  }
  // Each feature is tried in its own transaction on a scratch chain that nothing jumps to, so
  // the probe affects no traffic and the error can name exactly what is missing (istio#44118:
  // a bare "unable to initialize table 'nat'" half-way through an install).
  std::string problems;
  const std::string chain = std::string(":") + kPreflightChain + " - [0:0]\n";
  const struct {
    const char* rule;
    const char* missing;
  } kProbes[] = {
      {"-m owner --uid-owner 1337 -j RETURN",
       "the 'owner' match is unavailable (kernel module xt_owner)"},
      {"-p tcp -j REDIRECT --to-ports 15001",
       "the REDIRECT target is unavailable (kernel module xt_REDIRECT, or nft_redir)"},
  };
  for (const auto& probe : kProbes) {
    const Status status = restore(family, "*nat\n" + chain + "-A " + kPreflightChain + " " +
                                              probe.rule + "\nCOMMIT\n");
    if (!status.ok()) {
      problems +=
          (problems.empty() ? "" : "\n") + prefix + probe.missing + " [" + status.error() + "]";
    }
  }
  const Status removed = restore(family, "*nat\n" + chain + "-X " + kPreflightChain + "\nCOMMIT\n");
  if (!removed.ok() && problems.empty()) {
    problems =
        prefix + "cannot remove the preflight chain " + kPreflightChain + ": " + removed.error();
  }
  return problems;
}

Result<InstallOutcome> Installer::install(const CaptureConfig& config,
                                          const std::vector<Family>& families) {
  using R = Result<InstallOutcome>;
  struct Plan {
    Family family;
    RuleSet desired;
    RuleSet current;
  };
  std::vector<Plan> plans;
  for (Family family : {Family::V4, Family::V6}) {
    const bool wanted = std::find(families.begin(), families.end(), family) != families.end();
    if (!wanted) {
      // An earlier --dual-stack run may have left IPv6 rules; the new flags replace them.
      if (runner_.exists(backend_.save(family))) {
        if (const auto owned = readOwned(family); owned.ok() && !owned->empty()) {
          plans.push_back({family, RuleSet{}, *owned});
        }
      }
      continue;
    }
    RuleSet desired = renderRuleSet(config, family);
    const auto owned =
        runner_.exists(backend_.save(family)) ? readOwned(family) : Result<RuleSet>(RuleSet{});
    const RuleSet current = owned.ok() ? *owned : RuleSet{};
    if (owned.ok() && current.sameAs(desired)) {
      log_ << familyName(family) << ": rules already installed, nothing to do\n";
      continue;
    }
    plans.push_back({family, std::move(desired), current});
  }
  if (plans.empty()) {
    log_ << "already installed, nothing to do\n";
    return InstallOutcome::AlreadyInstalled;
  }

  std::string problems;
  for (const Plan& plan : plans) {
    if (plan.desired.empty()) {
      continue; // removal only uses what the kernel already accepted
    }
    if (std::string problem = preflight(plan.family); !problem.empty()) {
      problems += (problems.empty() ? "" : "\n") + problem;
    }
  }
  if (!problems.empty()) {
    return R::failure("preflight failed, nothing was changed:\n" + problems);
  }

  for (const Plan& plan : plans) {
    const std::string script = plan.desired.empty()
                                   ? renderCleanupScript(plan.current)
                                   : renderInstallScript(plan.desired, plan.current);
    if (const Status status = restore(plan.family, script); !status.ok()) {
      return R::failure(std::string(familyName(plan.family)) + ": " + status.error());
    }
    const char* verb = plan.desired.empty()   ? "removed rules that are no longer wanted"
                       : plan.current.empty() ? "installed"
                                              : "replaced the previous rules";
    log_ << familyName(plan.family) << ": " << verb;
    if (!plan.desired.empty()) {
      log_ << " (" << plan.desired.rules.size() + plan.desired.jumps.size() << " rules)";
    }
    log_ << "\n";
    // Read back: if the kernel prints the rules differently from how we render them, re-runs
    // would keep re-applying; say so instead of failing silently.
    if (const auto after = readOwned(plan.family); after.ok() && !after->sameAs(plan.desired)) {
      log_ << familyName(plan.family)
           << ": warning: iptables-save shows the rules in a different form than rendered; a "
              "re-run will re-apply them\n";
    }
  }
  return InstallOutcome::Applied;
}

Status Installer::cleanup() {
  bool removed_any = false;
  for (Family family : {Family::V4, Family::V6}) {
    if (!runner_.exists(backend_.save(family))) {
      log_ << familyName(family) << ": " << backend_.save(family) << " not found, skipped\n";
      continue;
    }
    const auto owned = readOwned(family);
    if (!owned.ok()) {
      if (family == Family::V6) {
        log_ << "v6: skipped: " << owned.error() << "\n";
        continue;
      }
      return Status::failure(owned.error());
    }
    const std::string script = renderCleanupScript(*owned);
    if (script.empty()) {
      log_ << familyName(family) << ": no Remora rules present\n";
      continue;
    }
    if (const Status status = restore(family, script); !status.ok()) {
      return Status::failure(std::string(familyName(family)) + ": " + status.error());
    }
    removed_any = true;
    log_ << familyName(family) << ": removed " << owned->chains.size() << " chains and "
         << owned->jumps.size() << " jump rules\n";
  }
  if (!removed_any) {
    log_ << "nothing to clean up\n";
  }
  return okStatus();
}

} // namespace remora::iptables
