#pragma once

// Watches files (the configuration, certificates) for changes with inotify
// and calls back (debounced) on the main thread. Watches the directory, so editors that
// write a temp file and rename it, and Kubernetes ConfigMaps that swap a
// "..data" symlink, are seen as well as in-place writes.

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "common/event/dispatcher.h"
#include "common/network/socket.h"

namespace remora::server {

class ConfigWatcher {
 public:
  ConfigWatcher(event::Dispatcher& dispatcher, const std::vector<std::string>& paths,
                std::function<void()> on_change);
  ~ConfigWatcher();
  bool active() const { return fd_.valid(); }

 private:
  void onReadable();

  event::Dispatcher& dispatcher_;
  std::set<std::string> file_names_;
  std::function<void()> on_change_;
  network::SocketFd fd_;  // the inotify descriptor
  event::FileEventPtr event_;
  event::TimerPtr debounce_;
};

}  // namespace remora::server
