#include "iptables/saved_rules.h"

#include <string>

namespace remora::iptables {
namespace {

bool isOwnedChain(std::string_view name) {
  return name.rfind(kChainPrefix, 0) == 0;
}

bool jumpsToOwnedChain(std::string_view spec) {
  for (std::string_view verb : {"-j ", "-g "}) {
    for (size_t at = spec.find(verb); at != std::string_view::npos; at = spec.find(verb, at + 1)) {
      if ((at == 0 || spec[at - 1] == ' ') && isOwnedChain(spec.substr(at + verb.size()))) {
        return true;
      }
    }
  }
  return false;
}

} // namespace

RuleSet parseSavedNat(std::string_view save_output) {
  RuleSet owned;
  bool in_nat = false;
  size_t start = 0;
  while (start < save_output.size()) {
    size_t end = save_output.find('\n', start);
    if (end == std::string_view::npos) {
      end = save_output.size();
    }
    std::string_view line = save_output.substr(start, end - start);
    start = end + 1;
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    if (line.empty() || line[0] == '#') {
      continue;
    }
    if (line[0] == '*') {
      in_nat = line == "*nat";
      continue;
    }
    if (!in_nat || line == "COMMIT") {
      continue;
    }
    if (line[0] == ':') {
      const std::string_view name = line.substr(1, line.find(' ') - 1);
      if (isOwnedChain(name)) {
        owned.chains.emplace_back(name);
      }
      continue;
    }
    if (line.rfind("-A ", 0) != 0) {
      continue;
    }
    const std::string_view rest = line.substr(3);
    const size_t space = rest.find(' ');
    const std::string_view chain = rest.substr(0, space);
    const std::string_view spec =
        space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
    if (isOwnedChain(chain)) {
      owned.rules.push_back({std::string(chain), std::string(spec)});
    } else if (jumpsToOwnedChain(spec)) {
      owned.jumps.push_back({std::string(chain), std::string(spec)});
    }
  }
  return owned;
}

} // namespace remora::iptables
