#pragma once

// A worker thread: its own dispatcher and connection handler. Made and
// destroyed on the main thread; between start() and stop() only the worker
// thread touches its handler.

#include <memory>
#include <thread>

#include "common/event/dispatcher.h"
#include "proxy/listener/connection_handler.h"
#include "proxy/upstream/upstream.h"

namespace remora::server {

class Worker {
 public:
  // `index` is 0-based; the worker's stats shard is index + 1.
  Worker(uint32_t index, event::DispatcherPtr dispatcher, upstream::ClusterManager& clusters);
  ~Worker();

  void start();
  // Makes the loop return and joins the thread.
  void stop();

  event::Dispatcher& dispatcher() { return *dispatcher_; }
  listener::ConnectionHandler& handler() { return *handler_; }

 private:
  uint32_t index_;
  event::DispatcherPtr dispatcher_;
  std::unique_ptr<listener::ConnectionHandler> handler_;
  std::thread thread_;
};

}  // namespace remora::server
