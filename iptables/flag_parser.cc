#include "iptables/flag_parser.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <map>

namespace remora::iptables {
namespace {

using Setter = std::function<std::string(CaptureConfig&, const std::string&)>; // "" = ok

struct Flag {
  char short_name; // 0 when there is none
  std::string long_name;
  std::vector<std::string> envs; // first match wins
  bool boolean;
  Setter set;
  std::string help;
  std::vector<std::string> aliases = {};
};

std::vector<std::string> splitList(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) {
      comma = text.size();
    }
    std::string item = text.substr(start, comma - start);
    const size_t first = item.find_first_not_of(" \t");
    const size_t last = item.find_last_not_of(" \t");
    if (first != std::string::npos) {
      out.push_back(item.substr(first, last - first + 1));
    }
    start = comma + 1;
  }
  return out;
}

template <typename T> std::optional<T> parseNumber(const std::string& text, T min, T max) {
  T value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < min ||
      value > max) {
    return std::nullopt;
  }
  return value;
}

std::string setPort(uint16_t& out, const std::string& value) {
  const auto port = parseNumber<uint16_t>(value, 1, 65535);
  if (!port) {
    return "'" + value + "' is not a port (1-65535)";
  }
  out = *port;
  return "";
}

std::string setPortList(std::vector<uint16_t>& out, const std::string& value) {
  out.clear();
  for (const std::string& item : splitList(value)) {
    uint16_t port = 0;
    if (std::string error = setPort(port, item); !error.empty()) {
      return error;
    }
    out.push_back(port);
  }
  return "";
}

std::string setIdList(std::vector<uint32_t>& out, const std::string& value) {
  out.clear();
  for (const std::string& item : splitList(value)) {
    const auto id = parseNumber<uint32_t>(item, 0, 4294967294u);
    if (!id) {
      return "'" + item + "' is not a numeric id";
    }
    out.push_back(*id);
  }
  if (out.empty()) {
    return "at least one id is required";
  }
  return "";
}

std::string setCidrList(std::vector<Cidr>& out, bool* all, const std::string& value) {
  out.clear();
  if (all != nullptr) {
    *all = false;
  }
  for (const std::string& item : splitList(value)) {
    if (item == "*") {
      if (all == nullptr) {
        return "'*' is not allowed here";
      }
      *all = true;
      continue;
    }
    const auto cidr = Cidr::parse(item);
    if (!cidr) {
      return "'" + item + "' is not an IPv4 or IPv6 CIDR";
    }
    out.push_back(*cidr);
  }
  return "";
}

std::string setInterfaces(std::vector<std::string>& out, const std::string& value) {
  out = splitList(value);
  for (const std::string& name : out) {
    // IFNAMSIZ - 1; iptables also accepts a trailing '+' wildcard.
    if (name.size() > 15 || name.find_first_of(" /\"'") != std::string::npos) {
      return "'" + name + "' is not an interface name";
    }
  }
  return "";
}

std::optional<bool> parseBool(const std::string& value) {
  if (value.empty() || value == "true" || value == "1" || value == "yes") {
    return true;
  }
  if (value == "false" || value == "0" || value == "no") {
    return false;
  }
  return std::nullopt;
}

std::string setBool(bool& out, const std::string& value) {
  const auto parsed = parseBool(value);
  if (!parsed) {
    return "'" + value + "' is not true or false";
  }
  out = *parsed;
  return "";
}

std::string setMode(CaptureConfig& config, Mode mode, const std::string& value) {
  bool on = false;
  if (std::string error = setBool(on, value); !error.empty()) {
    return error;
  }
  if (on) {
    if (config.mode != Mode::Install && config.mode != mode) {
      return "--cleanup and --validate cannot be combined";
    }
    config.mode = mode;
  }
  return "";
}

// "2s", "500ms" or a bare number of seconds, as --probe-timeout accepts.
std::string setTimeout(int& out_ms, const std::string& value) {
  std::string digits = value;
  int scale = 1000;
  if (digits.size() > 2 && digits.ends_with("ms")) {
    digits.resize(digits.size() - 2);
    scale = 1;
  } else if (digits.size() > 1 && digits.back() == 's') {
    digits.pop_back();
  }
  const auto number = parseNumber<int>(digits, 1, 600000);
  if (!number || static_cast<long long>(*number) * scale > 600000) {
    return "'" + value + "' is not a duration like 2s or 500ms (at most 600s)";
  }
  out_ms = *number * scale;
  return "";
}

const std::vector<Flag>& flagTable() {
  static const std::vector<Flag> kFlags = {
      {'p',
       "envoy-port",
       {},
       false,
       [](CaptureConfig& c, const std::string& v) { return setPort(c.outbound_port, v); },
       "port outbound TCP is redirected to (default 15001)"},
      {'z',
       "inbound-capture-port",
       {"INBOUND_CAPTURE_PORT"},
       false,
       [](CaptureConfig& c, const std::string& v) { return setPort(c.inbound_capture_port, v); },
       "port inbound TCP is redirected to (default 15006)"},
      {'e',
       "inbound-tunnel-port",
       {"INBOUND_TUNNEL_PORT"},
       false,
       [](CaptureConfig& c, const std::string& v) { return setPort(c.inbound_tunnel_port, v); },
       "inbound port that is never captured (default 15008)"},
      {'u',
       "proxy-uid",
       {"PROXY_UID"},
       false,
       [](CaptureConfig& c, const std::string& v) { return setIdList(c.proxy_uids, v); },
       "comma list of UIDs whose traffic is never captured (default 1337)"},
      {'g',
       "proxy-gid",
       {"PROXY_GID"},
       false,
       [](CaptureConfig& c, const std::string& v) { return setIdList(c.proxy_gids, v); },
       "comma list of GIDs whose traffic is never captured (default: the -u list)"},
      {'m',
       "istio-inbound-interception-mode",
       {"ISTIO_INBOUND_INTERCEPTION_MODE"},
       false,
       [](CaptureConfig&, const std::string& v) -> std::string {
         if (v == "REDIRECT" || v.empty()) {
           return "";
         }
         if (v == "TPROXY") {
           return "TPROXY interception is not supported by remora-iptables; use REDIRECT";
         }
         return "'" + v + "' is not an interception mode (only REDIRECT is supported)";
       },
       "inbound interception mode; only REDIRECT is supported"},
      {'b',
       "istio-inbound-ports",
       {"ISTIO_INBOUND_PORTS"},
       false,
       [](CaptureConfig& c, const std::string& v) -> std::string {
         c.inbound_all_ports = false;
         c.inbound_ports.clear();
         const auto items = splitList(v);
         if (items.size() == 1 && items[0] == "*") {
           c.inbound_all_ports = true;
           return "";
         }
         return setPortList(c.inbound_ports, v);
       },
       "inbound ports to capture: '*' for all, a comma list, or empty for none (default)"},
      {'d',
       "istio-local-exclude-ports",
       {"ISTIO_LOCAL_EXCLUDE_PORTS"},
       false,
       [](CaptureConfig& c, const std::string& v) {
         return setPortList(c.inbound_exclude_ports, v);
       },
       "inbound ports never captured; only used with -b '*'"},
      {'i',
       "istio-service-cidr",
       {"ISTIO_SERVICE_CIDR"},
       false,
       [](CaptureConfig& c, const std::string& v) {
         return setCidrList(c.outbound_cidrs, &c.outbound_all_cidrs, v);
       },
       "outbound destinations to capture: '*' for all, a comma list of CIDRs, or empty for none"},
      {'x',
       "istio-service-exclude-cidr",
       {"ISTIO_SERVICE_EXCLUDE_CIDR"},
       false,
       [](CaptureConfig& c, const std::string& v) {
         return setCidrList(c.outbound_exclude_cidrs, nullptr, v);
       },
       "comma list of outbound CIDRs never captured"},
      {'q',
       "istio-outbound-ports",
       {"ISTIO_OUTBOUND_PORTS"},
       false,
       [](CaptureConfig& c, const std::string& v) { return setPortList(c.outbound_ports, v); },
       "comma list of outbound TCP ports always captured"},
      {'o',
       "istio-local-outbound-ports-exclude",
       {"ISTIO_LOCAL_OUTBOUND_PORTS_EXCLUDE"},
       false,
       [](CaptureConfig& c, const std::string& v) {
         return setPortList(c.outbound_exclude_ports, v);
       },
       "comma list of outbound ports (TCP and UDP) never captured"},
      {'k',
       "kube-virt-interfaces",
       {"KUBE_VIRT_INTERFACES"},
       false,
       [](CaptureConfig& c, const std::string& v) {
         return setInterfaces(c.kube_virt_interfaces, v);
       },
       "interfaces whose incoming traffic is treated as outbound (VMs, KubeVirt)"},
      {'c',
       "istio-exclude-interfaces",
       {"ISTIO_EXCLUDE_INTERFACES"},
       false,
       [](CaptureConfig& c, const std::string& v) {
         return setInterfaces(c.exclude_interfaces, v);
       },
       "interfaces never captured, in or out"},
      {'n',
       "dry-run",
       {"DRY_RUN"},
       true,
       [](CaptureConfig& c, const std::string& v) { return setBool(c.dry_run, v); },
       "print the iptables-restore input for each family; change nothing"},
      {0,
       "dual-stack",
       {"DUAL_STACK", "ISTIO_DUAL_STACK"},
       true,
       [](CaptureConfig& c, const std::string& v) { return setBool(c.dual_stack, v); },
       "install IPv6 rules too (automatic when the pod has a global IPv6 address)"},
      {0,
       "cleanup",
       {"CLEANUP_ONLY"},
       true,
       [](CaptureConfig& c, const std::string& v) { return setMode(c, Mode::Cleanup, v); },
       "remove every chain and jump remora-iptables added, and nothing else",
       {"cleanup-only"}},
      {0,
       "validate",
       {"RUN_VALIDATION"},
       true,
       [](CaptureConfig& c, const std::string& v) { return setMode(c, Mode::Validate, v); },
       "prove that redirection works; change nothing",
       {"run-validation"}},
      {0,
       "iptables-probe-port",
       {"IPTABLES_PROBE_PORT"},
       false,
       [](CaptureConfig& c, const std::string& v) { return setPort(c.probe_port, v); },
       "destination port --validate connects to (default 15002)"},
      {0,
       "probe-timeout",
       {"PROBE_TIMEOUT"},
       false,
       [](CaptureConfig& c, const std::string& v) { return setTimeout(c.probe_timeout_ms, v); },
       "how long --validate waits (default 2s)"},
      {0,
       "iptables-backend",
       {"IPTABLES_BACKEND", "FORCE_IPTABLES_BINARY"},
       false,
       [](CaptureConfig& c, const std::string& v) -> std::string {
         if (v == "auto" || v.empty()) {
           c.backend = BackendChoice::Auto;
         } else if (v == "legacy" || v == "iptables-legacy") {
           c.backend = BackendChoice::Legacy;
         } else if (v == "nft" || v == "iptables-nft") {
           c.backend = BackendChoice::Nft;
         } else {
           return "'" + v + "' is not auto, legacy or nft";
         }
         return "";
       },
       "auto (default), legacy or nft",
       {"force-iptables-binary"}},
      {0,
       "ipv4-loopback-cidr",
       {"ISTIO_OUTBOUND_IPV4_LOOPBACK_CIDR"},
       false,
       [](CaptureConfig& c, const std::string& v) -> std::string {
         const auto cidr = Cidr::parse(v);
         if (!cidr || cidr->family() != Family::V4) {
           return "'" + v + "' is not an IPv4 CIDR";
         }
         c.ipv4_loopback = *cidr;
         return "";
       },
       "what counts as localhost for IPv4 (default 127.0.0.1/32)"},
      {'h',
       "help",
       {},
       true,
       [](CaptureConfig& c, const std::string& v) { return setMode(c, Mode::Help, v); },
       "show this text"},
  };
  return kFlags;
}

const Flag* findLong(const std::string& name) {
  for (const Flag& flag : flagTable()) {
    if (flag.long_name == name) {
      return &flag;
    }
    for (const std::string& alias : flag.aliases) {
      if (alias == name) {
        return &flag;
      }
    }
  }
  return nullptr;
}

const Flag* findShort(char name) {
  for (const Flag& flag : flagTable()) {
    if (flag.short_name == name) {
      return &flag;
    }
  }
  return nullptr;
}

std::string describe(const Flag& flag) {
  std::string out;
  if (flag.short_name != 0) {
    out += "-" + std::string(1, flag.short_name) + "/";
  }
  return out + "--" + flag.long_name;
}

} // namespace

EnvLookup processEnv() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) {
      return std::nullopt;
    }
    return std::string(value);
  };
}

Result<CaptureConfig> parseFlags(const std::vector<std::string>& args, const EnvLookup& env) {
  std::vector<std::string> errors;
  std::map<const Flag*, std::string> given;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    const Flag* flag = nullptr;
    std::optional<std::string> inline_value;
    if (arg.rfind("--", 0) == 0 && arg.size() > 2) {
      const size_t eq = arg.find('=');
      flag = findLong(arg.substr(2, eq == std::string::npos ? std::string::npos : eq - 2));
      if (eq != std::string::npos) {
        inline_value = arg.substr(eq + 1);
      }
    } else if (arg.size() >= 2 && arg[0] == '-' && arg[1] != '-') {
      flag = findShort(arg[1]);
      if (arg.size() > 2) {
        inline_value = arg.substr(arg[2] == '=' ? 3 : 2);
      }
    } else {
      errors.push_back("unexpected argument '" + arg + "'");
      continue;
    }
    if (flag == nullptr) {
      errors.push_back("unknown flag '" + arg + "'");
      continue;
    }
    if (inline_value) {
      given[flag] = *inline_value;
    } else if (flag->boolean) {
      given[flag] = "true";
    } else if (i + 1 < args.size()) {
      given[flag] = args[++i];
    } else {
      errors.push_back(describe(*flag) + ": needs a value");
    }
  }

  CaptureConfig config;
  bool gid_set = false;
  for (const Flag& flag : flagTable()) {
    std::optional<std::string> value;
    std::string source = describe(flag);
    if (auto it = given.find(&flag); it != given.end()) {
      value = it->second;
    } else {
      for (const std::string& name : flag.envs) {
        if ((value = env(name))) {
          source = "environment variable " + name;
          break;
        }
      }
    }
    if (!value) {
      continue;
    }
    gid_set = gid_set || flag.long_name == "proxy-gid";
    if (std::string error = flag.set(config, *value); !error.empty()) {
      errors.push_back(source + ": " + error);
    }
  }
  // Like istio-iptables, -g defaults to the -u list.
  if (!gid_set) {
    config.proxy_gids = config.proxy_uids;
  }
  if (!errors.empty()) {
    std::string message;
    for (const std::string& error : errors) {
      message += (message.empty() ? "" : "\n") + error;
    }
    return Result<CaptureConfig>::failure(message);
  }
  return config;
}

std::string usage() {
  std::string out =
      "usage: remora-iptables [flags]\n"
      "Installs (default), removes (--cleanup) or checks (--validate) the nat-table rules that\n"
      "send a pod's TCP traffic through the Remora sidecar. Flags follow istio-iptables.\n\n";
  for (const Flag& flag : flagTable()) {
    std::string line = "  " + describe(flag) + (flag.boolean ? "" : " VALUE");
    line.resize(std::max<size_t>(line.size() + 1, 50), ' ');
    out += line + flag.help;
    if (!flag.envs.empty()) {
      out += " [env " + flag.envs[0] + "]";
    }
    out += "\n";
  }
  return out;
}

} // namespace remora::iptables
