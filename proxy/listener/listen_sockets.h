#pragma once

// The listening sockets of one address: one per worker with SO_REUSEPORT (the
// kernel spreads connections), or one shared by all workers for exact
// balancing. Shared between versions of a listener, so a changed listener
// keeps accepting on the same sockets and no queued connection is lost.

#include <memory>
#include <vector>

#include "common/network/address.h"
#include "common/network/socket.h"
#include "common/result.h"

namespace remora::listener {

class ListenSockets {
 public:
  static Result<std::shared_ptr<ListenSockets>> create(const network::Address& address,
                                                       uint32_t workers, bool shared);
  network::SocketFd& socketFor(uint32_t worker_index);
  // The bound address (port 0 resolved to the real port).
  const network::Address& address() const { return address_; }
  const network::Address& requestedAddress() const { return requested_; }
  bool shared() const { return sockets_.size() == 1; }
  // Closes every socket, so the kernel refuses new connections. Only after
  // every worker has stopped watching them.
  void closeAll();

 private:
  network::Address requested_;
  network::Address address_;
  std::vector<network::SocketFd> sockets_;
};
using ListenSocketsSharedPtr = std::shared_ptr<ListenSockets>;

}  // namespace remora::listener
