#include "proxy/server/config_watcher.h"

#include <sys/inotify.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>

#include "common/logging/logger.h"

namespace remora::server {

namespace {
// Several events arrive for one save; reload once after they settle.
constexpr std::chrono::milliseconds kDebounce{100};
}  // namespace

ConfigWatcher::ConfigWatcher(event::Dispatcher& dispatcher, const std::vector<std::string>& paths,
                             std::function<void()> on_change)
    : dispatcher_(dispatcher), on_change_(std::move(on_change)) {
  int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) {
    REMORA_LOG(warn, logging::Component::Config, "inotify unavailable ({}); reload with SIGHUP", std::strerror(errno));
    return;
  }
  fd_ = network::SocketFd(fd);
  std::set<std::string> dirs;
  for (const auto& path : paths) {
    std::filesystem::path p(path);
    file_names_.insert(p.filename().string());
    dirs.insert(p.has_parent_path() ? p.parent_path().string() : ".");
  }
  for (const auto& dir : dirs) {
    if (inotify_add_watch(fd, dir.c_str(), IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE) < 0) {
      REMORA_LOG(warn, logging::Component::Config, "cannot watch {} ({}); reload with SIGHUP", dir,
                 std::strerror(errno));
    }
  }
  debounce_ = dispatcher_.createTimer([this] { on_change_(); });
  event_ = dispatcher_.createFileEvent(fd, [this](uint32_t) { onReadable(); },
                                       event::FileTriggerType::Level, event::FileReady::kRead);
}

ConfigWatcher::~ConfigWatcher() = default;

void ConfigWatcher::onReadable() {
  alignas(inotify_event) char buf[4096];
  bool relevant = false;
  for (;;) {
    ssize_t n = ::read(fd_.fd(), buf, sizeof(buf));
    if (n <= 0) break;
    for (char* p = buf; p < buf + n;) {
      auto* ev = reinterpret_cast<inotify_event*>(p);
      std::string name = ev->len > 0 ? std::string(ev->name) : std::string();
      if (file_names_.count(name) != 0 || name == "..data") relevant = true;
      p += sizeof(inotify_event) + ev->len;
    }
  }
  if (relevant) debounce_->enableTimer(kDebounce);
}

}  // namespace remora::server
