#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "iptables/cidr.h"

namespace remora::iptables {

enum class Mode { Install, Cleanup, Validate, Help };
enum class BackendChoice { Auto, Legacy, Nft };

// Everything remora-iptables was asked to do, parsed and validated (see flag_parser.h). The
// rule renderer is a pure function of this struct.
struct CaptureConfig {
  Mode mode = Mode::Install;
  uint16_t outbound_port = 15001;        // -p: REMORA_REDIRECT target
  uint16_t inbound_capture_port = 15006; // -z: REMORA_IN_REDIRECT target
  uint16_t inbound_tunnel_port = 15008;  // -e: never captured inbound (HBONE)
  std::vector<uint32_t> proxy_uids{1337};
  std::vector<uint32_t> proxy_gids{1337};

  // -b: "*" captures every inbound TCP port; a list captures only those; empty captures none.
  bool inbound_all_ports = false;
  std::vector<uint16_t> inbound_ports;
  std::vector<uint16_t> inbound_exclude_ports; // -d, only used with -b '*'

  // -i: "*" captures every outbound destination; CIDRs capture only those; empty captures none.
  bool outbound_all_cidrs = false;
  std::vector<Cidr> outbound_cidrs;
  std::vector<Cidr> outbound_exclude_cidrs;      // -x
  std::vector<uint16_t> outbound_ports;          // -q
  std::vector<uint16_t> outbound_exclude_ports;  // -o
  std::vector<std::string> kube_virt_interfaces; // -k
  std::vector<std::string> exclude_interfaces;   // -c

  // What counts as "localhost" for the IPv4 localhost RETURN and the hairpin rule.
  Cidr ipv4_loopback = *Cidr::parse("127.0.0.1/32");

  bool dry_run = false;
  bool dual_stack = false;
  BackendChoice backend = BackendChoice::Auto;
  uint16_t probe_port = 15002; // --iptables-probe-port, destination port of --validate
  int probe_timeout_ms = 2000; // --probe-timeout
};

} // namespace remora::iptables
