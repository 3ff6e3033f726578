#include "tests/e2e/lib/pod_network.h"

#include <arpa/inet.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <random>
#include <sstream>

namespace remora::e2e {
namespace {

constexpr const char* kNamePrefix = "rmre2e-";

std::vector<std::string> listNamespaces() {
  std::vector<std::string> out;
  std::istringstream lines(runCommand({"ip", "netns", "list"}).output);
  std::string line;
  while (std::getline(lines, line)) {
    const std::string name = line.substr(0, line.find(' '));
    if (!name.empty()) {
      out.push_back(name);
    }
  }
  return out;
}

// Namespaces of earlier runs whose test process no longer exists (SIGKILLed by a timeout, so no
// destructor ran). The owner's PID is part of the name: rmre2e-<pid>-<random>-<pod>.
void removeAbandonedNamespaces() {
  for (const std::string& name : listNamespaces()) {
    if (name.rfind(kNamePrefix, 0) != 0) {
      continue;
    }
    const std::string rest = name.substr(std::string(kNamePrefix).size());
    const long pid = std::strtol(rest.c_str(), nullptr, 10);
    if (pid > 0 && kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) {
      runCommand({"ip", "netns", "del", name});
    }
  }
}

// The form inet_ntop (and so every SO_ORIGINAL_DST report) prints, e.g. "fd12:0:0::a" -> "fd12::a".
std::string canonicalIpv6(const std::string& address) {
  in6_addr parsed{};
  char text[INET6_ADDRSTRLEN] = {};
  if (inet_pton(AF_INET6, address.c_str(), &parsed) != 1 ||
      inet_ntop(AF_INET6, &parsed, text, sizeof(text)) == nullptr) {
    return address;
  }
  return text;
}

bool step(const std::vector<std::string>& argv, std::string* error) {
  const CommandResult result = runCommand(argv);
  if (result.exit_code == 0) {
    return true;
  }
  std::string command;
  for (const std::string& arg : argv) {
    command += (command.empty() ? "" : " ") + arg;
  }
  *error = command + " failed (" + std::to_string(result.exit_code) + "): " + result.output;
  return false;
}

} // namespace

PodNetwork::PodNetwork(std::string prefix, int subnet_a, int subnet_b, std::string ula_prefix)
    : prefix_(std::move(prefix)), router_(prefix_ + "-router"), subnet_a_(subnet_a),
      subnet_b_(subnet_b), ula_prefix_(std::move(ula_prefix)) {}

std::unique_ptr<PodNetwork> PodNetwork::create(std::string* error) {
  removeAbandonedNamespaces();
  std::random_device random;
  char tag[16];
  std::snprintf(tag, sizeof(tag), "%06x", random() & 0xffffff);
  char ula[32];
  std::snprintf(ula, sizeof(ula), "fd%02x:%x:%x:", random() & 0xff, random() & 0xffff,
                random() & 0xffff);
  // 10.100.0.0 - 10.249.255.0: private, and away from the 10.0/16 and 10.96/12 ranges that
  // clusters and the host commonly use. Collisions would not matter anyway: each run's
  // addresses only exist inside its own namespaces.
  std::unique_ptr<PodNetwork> network(new PodNetwork(
      std::string(kNamePrefix) + std::to_string(getpid()) + "-" + tag,
      100 + static_cast<int>(random() % 150), static_cast<int>(random() % 256), ula));

  const std::string& r = network->router_;
  const std::string gateway4 = "10." + std::to_string(network->subnet_a_) + "." +
                               std::to_string(network->subnet_b_) + ".1/24";
  const bool ok =
      step({"ip", "netns", "add", r}, error) &&
      step({"ip", "-n", r, "link", "set", "lo", "up"}, error) &&
      step({"ip", "-n", r, "link", "add", "br0", "type", "bridge"}, error) &&
      step({"ip", "-n", r, "addr", "add", gateway4, "dev", "br0"}, error) &&
      step({"ip", "-n", r, "addr", "add", network->ula_prefix_ + ":1/64", "dev", "br0", "nodad"},
           error) &&
      step({"ip", "-n", r, "link", "set", "br0", "up"}, error);
  if (!ok) {
    return nullptr; // the destructor removes whatever was made
  }
  return network;
}

PodNetwork::~PodNetwork() {
  processes_.clear(); // stops them while their namespaces still exist
  for (const auto& pod : pods_) {
    runCommand({"ip", "netns", "del", pod->netns});
  }
  runCommand({"ip", "netns", "del", router_});
}

const Pod* PodNetwork::addPod(const std::string& name, std::string* error) {
  const int index = static_cast<int>(pods_.size()) + 10;
  if (index > 210) {
    *error = "too many pods";
    return nullptr;
  }
  auto pod = std::make_unique<Pod>();
  pod->name = name;
  pod->netns = prefix_ + "-" + name;
  pod->ipv4 = "10." + std::to_string(subnet_a_) + "." + std::to_string(subnet_b_) + "." +
              std::to_string(index);
  char host[8];
  std::snprintf(host, sizeof(host), "%x", index);
  pod->ipv6 = canonicalIpv6(ula_prefix_ + ":" + host);
  // The host end of the veth pair is named after the pod's index inside the router namespace;
  // interface names are per namespace, so they cannot clash with another run's.
  const std::string host_end = "vp" + std::to_string(index);
  const std::string& n = pod->netns;
  pods_.push_back(std::move(pod)); // registered first so the destructor removes it on failure
  const Pod& p = *pods_.back();
  const bool ok =
      step({"ip", "netns", "add", n}, error) &&
      step({"ip", "-n", n, "link", "set", "lo", "up"}, error) &&
      step({"ip", "-n", router_, "link", "add", host_end, "type", "veth", "peer", "name", "eth0",
            "netns", n},
           error) &&
      step({"ip", "-n", router_, "link", "set", host_end, "master", "br0", "up"}, error) &&
      step({"ip", "-n", n, "addr", "add", p.ipv4 + "/24", "dev", "eth0"}, error) &&
      step({"ip", "-n", n, "addr", "add", p.ipv6 + "/64", "dev", "eth0", "nodad"}, error) &&
      step({"ip", "-n", n, "link", "set", "eth0", "up"}, error) &&
      step({"ip", "-n", n, "route", "add", "default", "via",
            "10." + std::to_string(subnet_a_) + "." + std::to_string(subnet_b_) + ".1"},
           error) &&
      step({"ip", "-n", n, "-6", "route", "add", "default", "via", ula_prefix_ + ":1"}, error);
  return ok ? &p : nullptr;
}

CommandResult PodNetwork::exec(const Pod& pod, const std::vector<std::string>& argv,
                               std::chrono::milliseconds timeout) {
  std::vector<std::string> full = {"ip", "netns", "exec", pod.netns};
  full.insert(full.end(), argv.begin(), argv.end());
  return runCommand(full, timeout);
}

PodProcess* PodNetwork::start(const Pod& pod, uid_t uid, gid_t gid,
                              const std::vector<std::string>& argv, std::string* error) {
  auto process = PodProcess::start(pod.netns, uid, gid, argv, error);
  if (!process) {
    return nullptr;
  }
  processes_.push_back(std::move(process));
  return processes_.back().get();
}

std::vector<std::string> PodNetwork::listOwnNamespaces() const {
  std::vector<std::string> own;
  for (const std::string& name : listNamespaces()) {
    if (name.rfind(prefix_ + "-", 0) == 0) {
      own.push_back(name);
    }
  }
  return own;
}

} // namespace remora::e2e
