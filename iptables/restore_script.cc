#include "iptables/restore_script.h"

#include <algorithm>

namespace remora::iptables {
namespace {

bool contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

void declare(const std::string& chain, std::string& out) {
  out += ":" + chain + " - [0:0]\n";
}

} // namespace

std::string renderInstallScript(const RuleSet& desired, const RuleSet& current) {
  std::string out = "*nat\n";
  std::vector<std::string> stale;
  for (const std::string& chain : current.chains) {
    if (!contains(desired.chains, chain)) {
      stale.push_back(chain);
    }
  }
  for (const std::string& chain : desired.chains) {
    declare(chain, out);
  }
  for (const std::string& chain : stale) {
    declare(chain, out);
  }
  for (const Rule& jump : current.jumps) {
    out += "-D " + jump.chain + " " + jump.spec + "\n";
  }
  for (const std::string& chain : stale) {
    out += "-X " + chain + "\n";
  }
  for (const Rule& rule : desired.rules) {
    out += "-A " + rule.chain + " " + rule.spec + "\n";
  }
  for (const Rule& jump : desired.jumps) {
    out += "-A " + jump.chain + " " + jump.spec + "\n";
  }
  out += "COMMIT\n";
  return out;
}

std::string renderCleanupScript(const RuleSet& current) {
  if (current.empty()) {
    return "";
  }
  std::string out = "*nat\n";
  for (const std::string& chain : current.chains) {
    declare(chain, out);
  }
  for (const Rule& jump : current.jumps) {
    out += "-D " + jump.chain + " " + jump.spec + "\n";
  }
  for (const std::string& chain : current.chains) {
    out += "-X " + chain + "\n";
  }
  out += "COMMIT\n";
  return out;
}

} // namespace remora::iptables
