#include "proxy/server/worker.h"

#include <pthread.h>

#include <string>

#include "common/stats/stats.h"

namespace remora::server {

Worker::Worker(uint32_t index, event::DispatcherPtr dispatcher, upstream::ClusterManager& clusters)
    : index_(index),
      dispatcher_(std::move(dispatcher)),
      handler_(std::make_unique<listener::ConnectionHandler>(*dispatcher_, index, clusters)) {}

Worker::~Worker() {
  stop();
  // The handler's events belong to the dispatcher: release them first.
  handler_.reset();
  dispatcher_.reset();
}

void Worker::start() {
  thread_ = std::thread([this] {
    std::string name = "wrk:" + std::to_string(index_);
    pthread_setname_np(pthread_self(), name.c_str());
    stats::setThreadShard(index_ + 1);
    dispatcher_->run(event::RunType::Block);
    // Connections still open at exit are closed here, on their own thread.
    handler_->closeAllConnections();
    dispatcher_->run(event::RunType::NonBlock);
  });
}

void Worker::stop() {
  if (!thread_.joinable()) return;
  dispatcher_->exit();
  thread_.join();
}

}  // namespace remora::server
