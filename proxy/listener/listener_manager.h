#pragma once

// The main thread's record of the live listeners. Binds sockets, decides what
// a reload changes, and sends each worker its new set of listeners.

#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/stats/store.h"
#include "proxy/listener/connection_handler.h"
#include "proxy/listener/listener_runtime.h"

namespace remora::listener {

class ListenerManager {
 public:
  ListenerManager(stats::Store& store, std::vector<ConnectionHandler*> handlers);

  // Makes `built` (validated, unique names and addresses) the live set.
  // A listener whose config is unchanged keeps running as it is (same
  // connections, same sockets); a changed one keeps its address's sockets
  // while its old version drains; removed ones stop accepting and drain.
  // Binding errors leave everything as it was.
  Status apply(std::vector<std::shared_ptr<ListenerRuntime>> built);
  // Stops accepting on every worker, then (on `main`, once every worker is
  // done) closes the listening sockets so new connections are refused.
  // Open connections carry on.
  void stopListeners(event::Dispatcher& main);
  const std::vector<ListenerRuntimeConstSharedPtr>& listeners() const { return live_; }
  // Envoy's /listeners text: "name::address".
  std::string dumpListeners() const;

 private:
  void publish();

  stats::Store& store_;
  std::vector<ConnectionHandler*> handlers_;
  std::vector<ListenerRuntimeConstSharedPtr> live_;
  stats::Counter& listener_added_;
  stats::Counter& listener_modified_;
  stats::Counter& listener_removed_;
  stats::Gauge& total_listeners_active_;
};

}  // namespace remora::listener
