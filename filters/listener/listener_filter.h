#pragma once

// Listener filters run on an accepted socket before a filter chain is chosen
// (original_dst, tls_inspector). They may read the socket's first bytes
// without consuming them (MSG_PEEK) and record what they learn in the
// connection's info, which filter-chain matching then uses.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>

#include "common/network/connection.h"

namespace remora::filters {

enum class ListenerFilterStatus { Continue, StopIteration, Close };

class ListenerFilterCallbacks {
 public:
  virtual ~ListenerFilterCallbacks() = default;
  virtual int fd() const = 0;
  virtual network::ConnectionInfo& info() = 0;
};

class ListenerFilter {
 public:
  virtual ~ListenerFilter() = default;
  // Called first. StopIteration means: call onData with peeked bytes.
  virtual ListenerFilterStatus onAccept(ListenerFilterCallbacks& callbacks) = 0;
  // At most this many bytes are peeked for onData (0: never).
  virtual size_t maxReadBytes() const { return 0; }
  // The socket's first bytes (not consumed). `end_of_data` when the peer
  // closed or the cap was reached. StopIteration waits for more.
  virtual ListenerFilterStatus onData(const uint8_t* data, size_t size, bool end_of_data) {
    (void)data;
    (void)size;
    (void)end_of_data;
    return ListenerFilterStatus::Continue;
  }
};
using ListenerFilterPtr = std::unique_ptr<ListenerFilter>;
using ListenerFilterFactoryCb = std::function<ListenerFilterPtr()>;

}  // namespace remora::filters
