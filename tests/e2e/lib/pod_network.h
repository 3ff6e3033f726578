#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "tests/e2e/lib/command.h"
#include "tests/e2e/lib/pod_process.h"

namespace remora::e2e {

// One "pod": a network namespace with lo, and eth0 attached to the run's bridge, carrying an
// IPv4 address from the run's 10.x.y.0/24 and an IPv6 ULA address from its fdxx::/64, with
// default routes via the bridge - what a bridge CNI plugin would give a Kubernetes pod.
struct Pod {
  std::string name;  // short name given to addPod ("app")
  std::string netns; // namespace name, usable with `ip netns exec`
  std::string ipv4;  // "10.213.7.11"
  std::string ipv6;  // "fd3a:91c2:7e55::11"
};

// A private network of pods for one test. Everything it makes carries a per-run prefix
// ("rmre2e-<pid>-<random>"): the bridge lives in its own "router" namespace, so nothing is
// added to the host's namespace and parallel runs cannot collide. The destructor stops every
// process started through it and deletes every namespace (the veth pairs go with them), also
// when the test failed half-way. Namespaces left behind by a run whose process has died
// (e.g. killed by a ctest timeout) are removed when the next PodNetwork is created.
class PodNetwork {
public:
  // Returns nullptr and sets `error` when the router namespace cannot be made.
  static std::unique_ptr<PodNetwork> create(std::string* error);
  ~PodNetwork();
  PodNetwork(const PodNetwork&) = delete;
  PodNetwork& operator=(const PodNetwork&) = delete;

  // Creates a pod. Returns nullptr and sets `error` on failure. At most 200 pods per network.
  const Pod* addPod(const std::string& name, std::string* error);

  // Runs a command inside the pod as root and waits for it (like `ip netns exec`).
  CommandResult exec(const Pod& pod, const std::vector<std::string>& argv,
                     std::chrono::milliseconds timeout = std::chrono::seconds(20));

  // Starts a long-running process in the pod as uid/gid (shell equivalent:
  // `ip netns exec NETNS setpriv --reuid=U --regid=G --clear-groups CMD`). The network keeps
  // the process and stops it at the latest in its destructor; the returned pointer is valid
  // until then. nullptr (and `error`) on failure.
  PodProcess* start(const Pod& pod, uid_t uid, gid_t gid, const std::vector<std::string>& argv,
                    std::string* error);

  const std::string& prefix() const { return prefix_; }
  // Namespace names currently present that carry this run's prefix.
  std::vector<std::string> listOwnNamespaces() const;

private:
  explicit PodNetwork(std::string prefix, int subnet_a, int subnet_b, std::string ula_prefix);

  std::string prefix_;
  std::string router_;
  int subnet_a_;
  int subnet_b_;
  std::string ula_prefix_; // "fd3a:91c2:7e55:" - pods get <ula_prefix>:<n>
  std::vector<std::unique_ptr<Pod>> pods_;
  std::vector<std::unique_ptr<PodProcess>> processes_;
};

} // namespace remora::e2e
