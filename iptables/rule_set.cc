#include "iptables/rule_set.h"

#include <algorithm>
#include <map>
#include <string>

namespace remora::iptables {
namespace {

class Builder {
public:
  void add(const char* chain, std::string spec) { set_.rules.push_back({chain, std::move(spec)}); }
  void jump(const char* chain, std::string spec) { set_.jumps.push_back({chain, std::move(spec)}); }
  RuleSet take() { return std::move(set_); }
  RuleSet& set() { return set_; }

private:
  RuleSet set_;
};

std::string port(uint16_t value) {
  return std::to_string(value);
}

std::vector<Cidr> ofFamily(const std::vector<Cidr>& cidrs, Family family) {
  std::vector<Cidr> out;
  std::copy_if(cidrs.begin(), cidrs.end(), std::back_inserter(out),
               [family](const Cidr& c) { return c.family() == family; });
  return out;
}

void renderInbound(const CaptureConfig& config, Family family, Builder& out) {
  // Interface-based rules live at the head of REMORA_INBOUND rather than directly in PREROUTING
  // (where istio-iptables puts them) so that every rule we add is reachable from our own chain
  // and --cleanup can find it without guessing which PREROUTING rules are ours.
  for (const std::string& nic : config.exclude_interfaces) {
    out.add(kInboundChain, "-i " + nic + " -j RETURN");
  }
  // Traffic from a VM's virtual interface is the VM's *outbound* traffic.
  for (const std::string& nic : config.kube_virt_interfaces) {
    if (config.outbound_all_cidrs) {
      out.add(kInboundChain, "-i " + nic + " -j " + kRedirectChain);
    } else {
      for (const Cidr& cidr : ofFamily(config.outbound_cidrs, family)) {
        out.add(kInboundChain, "-d " + cidr.toString() + " -i " + nic + " -j " + kRedirectChain);
      }
    }
  }
  for (const std::string& nic : config.kube_virt_interfaces) {
    out.add(kInboundChain, "-i " + nic + " -j RETURN");
  }
  out.add(kInboundChain,
          "-p tcp -m tcp --dport " + port(config.inbound_tunnel_port) + " -j RETURN");
  if (config.inbound_all_ports) {
    for (uint16_t excluded : config.inbound_exclude_ports) {
      out.add(kInboundChain, "-p tcp -m tcp --dport " + port(excluded) + " -j RETURN");
    }
    out.add(kInboundChain, std::string("-p tcp -j ") + kInRedirectChain);
  } else {
    for (uint16_t captured : config.inbound_ports) {
      out.add(kInboundChain, "-p tcp -m tcp --dport " + port(captured) + " -j " + kInRedirectChain);
    }
  }
}

void renderOwnerRules(const char* match, uint32_t id, const std::string& localhost,
                      bool keep_loopback_bypass, const CaptureConfig& config, Builder& out) {
  const std::string owner = "-m owner --" + std::string(match) + " " + std::to_string(id);
  const std::string not_owner = "-m owner ! --" + std::string(match) + " " + std::to_string(id);
  // The proxy calling a service address that resolves to this very pod leaves via lo; send it to
  // the inbound listener so inbound policy still applies (app -> proxy out -> proxy in -> app).
  out.add(kOutputChain, "! -d " + localhost + " -o lo -p tcp -m tcp ! --dport " +
                            port(config.inbound_tunnel_port) + " " + owner + " -j " +
                            kInRedirectChain);
  // Application-to-application traffic over loopback never goes through the proxy, unless the
  // user explicitly asked to capture a loopback range with -i.
  if (keep_loopback_bypass) {
    out.add(kOutputChain, "-o lo " + not_owner + " -j RETURN");
  }
  // Everything else the proxy sends must leave untouched, or it would loop back into itself.
  out.add(kOutputChain, owner + " -j RETURN");
}

void renderOutbound(const CaptureConfig& config, Family family, Builder& out) {
  const bool v4 = family == Family::V4;
  const std::string inbound_source = v4 ? "127.0.0.6/32" : "::6/128";
  const std::string localhost = v4 ? config.ipv4_loopback.toString() : "::1/128";
  const std::vector<Cidr> include = ofFamily(config.outbound_cidrs, family);
  const std::vector<Cidr> exclude = ofFamily(config.outbound_exclude_cidrs, family);
  const bool loopback_included =
      std::any_of(include.begin(), include.end(), [](const Cidr& c) { return c.isLoopback(); });

  for (const std::string& nic : config.exclude_interfaces) {
    out.add(kOutputChain, "-o " + nic + " -j RETURN");
  }
  for (uint16_t excluded : config.outbound_exclude_ports) {
    out.add(kOutputChain, "-p tcp -m tcp --dport " + port(excluded) + " -j RETURN");
    out.add(kOutputChain, "-p udp -m udp --dport " + port(excluded) + " -j RETURN");
  }
  // The inbound listener reaches the application from this source; without the RETURN the
  // proxy's own delivery would be captured again.
  out.add(kOutputChain, "-s " + inbound_source + " -o lo -j RETURN");
  for (uint32_t uid : config.proxy_uids) {
    renderOwnerRules("uid-owner", uid, localhost, !loopback_included, config, out);
  }
  for (uint32_t gid : config.proxy_gids) {
    renderOwnerRules("gid-owner", gid, localhost, !loopback_included, config, out);
  }
  out.add(kOutputChain, "-d " + localhost + " -j RETURN");
  for (const Cidr& cidr : exclude) {
    out.add(kOutputChain, "-d " + cidr.toString() + " -j RETURN");
  }
  for (uint16_t included : config.outbound_ports) {
    out.add(kOutputChain, "-p tcp -m tcp --dport " + port(included) + " -j " + kRedirectChain);
  }
  if (config.outbound_all_cidrs) {
    out.add(kOutputChain, std::string("-j ") + kRedirectChain);
  } else {
    for (const Cidr& cidr : include) {
      out.add(kOutputChain, "-d " + cidr.toString() + " -j " + kRedirectChain);
    }
  }
}

} // namespace

bool RuleSet::sameAs(const RuleSet& other) const {
  auto sorted = [](std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
  };
  auto byChain = [](const std::vector<Rule>& rules) {
    std::map<std::string, std::vector<std::string>> out;
    for (const Rule& r : rules) {
      out[r.chain].push_back(r.spec);
    }
    return out;
  };
  auto jumpList = [](const std::vector<Rule>& rules) {
    std::vector<std::string> out;
    for (const Rule& r : rules) {
      out.push_back(r.chain + " " + r.spec);
    }
    std::sort(out.begin(), out.end());
    return out;
  };
  return sorted(chains) == sorted(other.chains) && byChain(rules) == byChain(other.rules) &&
         jumpList(jumps) == jumpList(other.jumps);
}

RuleSet renderRuleSet(const CaptureConfig& config, Family family) {
  Builder out;
  out.set().chains = {kInboundChain, kRedirectChain, kInRedirectChain, kOutputChain};
  out.add(kRedirectChain, "-p tcp -j REDIRECT --to-ports " + port(config.outbound_port));
  out.add(kInRedirectChain, "-p tcp -j REDIRECT --to-ports " + port(config.inbound_capture_port));
  renderInbound(config, family, out);
  renderOutbound(config, family, out);

  const bool inbound_hooked = config.inbound_all_ports || !config.inbound_ports.empty() ||
                              !config.kube_virt_interfaces.empty();
  if (inbound_hooked) {
    out.jump("PREROUTING", std::string("-p tcp -j ") + kInboundChain);
  }
  out.jump("OUTPUT", std::string("-j ") + kOutputChain);
  return out.take();
}

} // namespace remora::iptables
