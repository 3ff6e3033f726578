#pragma once

// A remora-kvd node, with its life cycle written in one place (Aerospike's
// as.c):
//
//   init()     validate the config, derive the node id, create and start each
//              namespace's storage engine (a device engine's cold start), bind
//              the service socket. Nothing is served yet.
//   start()    start the workers, accept on the service port, arm the expiry
//              sweepers.
//   run()      run the main loop until requestStop() or SIGTERM/SIGINT.
//   drain()    stop accepting, let each connection finish its request in
//              progress and close, up to a deadline.
//   shutdown() stop the workers, then shut every engine down (flush what is
//              buffered, close devices).
//
// All of these run on the main thread, in this order; requestStop() may be
// called from any thread.

#include <chrono>
#include <functional>
#include <memory>
#include <vector>

#include "common/event/dispatcher.h"
#include "common/network/listener.h"
#include "common/network/socket.h"
#include "common/result.h"
#include "common/stats/store.h"
#include "kv/config/kvd_config.h"
#include "kv/node/client_session.h"
#include "kv/node/connection_tracker.h"
#include "kv/node/expiry_sweeper.h"
#include "kv/node/node_context.h"
#include "kv/node/node_stats.h"
#include "kv/node/worker.h"
#include "kv/storage/clock.h"
#include "kv/storage/engine.h"
#include "kv/storage/storage_config.h"

namespace remora::kv::node {

// Makes a namespace's engine (the storage library's factory in production,
// a fake in tests).
using EngineFactory = std::function<Result<storage::EnginePtr>(const storage::StorageConfig&,
                                                               storage::ClockPtr)>;

class Node : public network::ListenerCallbacks {
 public:
  Node(config::KvdConfig config, EngineFactory engine_factory,
       storage::ClockPtr clock = std::make_shared<storage::SystemClock>());
  ~Node() override;

  Status init();
  Status start();
  void run();
  void requestStop();
  // Returns true if every connection closed before the deadline.
  bool drain(std::chrono::milliseconds deadline);
  Status shutdown();

  // The bound service port (useful with port 0). Valid after init().
  uint16_t servicePort() const { return service_port_; }
  NodeContext& context() { return *context_; }
  stats::Store& statsStore() { return store_; }
  // Sweeps every namespace now (tests; the timer does it in production).
  uint64_t sweepExpiredNow();

  // network::ListenerCallbacks
  void onAccept(network::SocketFd&& socket, const network::Address& peer) override;

 private:
  uint32_t workerCount() const;

  config::KvdConfig config_;
  EngineFactory engine_factory_;
  storage::ClockPtr clock_;
  stats::Store store_;
  NodeStats stats_;
  std::unique_ptr<NodeContext> context_;
  ConnectionTracker tracker_;
  event::DispatcherPtr main_dispatcher_;
  network::SocketFd listen_socket_;
  network::ListenerPtr listener_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<std::unique_ptr<ExpirySweeper>> sweepers_;
  std::vector<event::SignalEventPtr> signals_;
  uint16_t service_port_ = 0;
  size_t next_worker_ = 0;
  bool started_ = false;
  bool engines_started_ = false;
};

}  // namespace remora::kv::node
