#pragma once

// The Dispatcher is the only gateway to the event loop (libevent underneath).
// Every timer, file event, signal, listener and connection is made by a
// dispatcher and belongs to it: it must be used and destroyed on the thread
// that runs that dispatcher. The only method any thread may call is post().

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"

struct event_base;

namespace remora::network {
class Address;
class SocketFd;
class Listener;
class ListenerCallbacks;
class ClientConnection;
class Connection;
class TransportSocket;
class DnsResolver;
using ListenerPtr = std::unique_ptr<Listener>;
using ClientConnectionPtr = std::unique_ptr<ClientConnection>;
using ConnectionPtr = std::unique_ptr<Connection>;
using TransportSocketPtr = std::unique_ptr<TransportSocket>;
using DnsResolverPtr = std::unique_ptr<DnsResolver>;
}  // namespace remora::network

namespace remora::event {

using MonotonicTime = std::chrono::steady_clock::time_point;

class Timer {
 public:
  virtual ~Timer() = default;
  // (Re)arms the timer; a pending arm is replaced.
  virtual void enableTimer(std::chrono::milliseconds delay) = 0;
  virtual void disableTimer() = 0;
  virtual bool enabled() const = 0;
};
using TimerPtr = std::unique_ptr<Timer>;
using TimerCb = std::function<void()>;

// Bit flags for FileEvent readiness.
struct FileReady {
  static constexpr uint32_t kRead = 0x1;
  static constexpr uint32_t kWrite = 0x2;
  static constexpr uint32_t kClosed = 0x4;
};

enum class FileTriggerType { Level, Edge };

// What a file event reports to: an interface rather than a std::function, so
// an event embedded in its owner (SocketEvent, libevent_events.h) costs one
// pointer for it.
class FileReadyHandler {
 public:
  virtual void onFileReady(uint32_t events) = 0;

 protected:
  ~FileReadyHandler() = default;
};

class FileEvent {
 public:
  virtual ~FileEvent() = default;
  // Replaces the set of events listened for (FileReady bits).
  virtual void setEnabled(uint32_t events) = 0;
  // Fires the callback with `events` on the next loop iteration.
  virtual void activate(uint32_t events) = 0;
};
using FileEventPtr = std::unique_ptr<FileEvent>;
using FileReadyCb = std::function<void(uint32_t events)>;

class SignalEvent {
 public:
  virtual ~SignalEvent() = default;
};
using SignalEventPtr = std::unique_ptr<SignalEvent>;

// Objects handed to deferredDelete() are destroyed at the end of the current
// loop iteration, after the callback that released them has returned.
class DeferredDeletable {
 public:
  virtual ~DeferredDeletable() = default;
};
using DeferredDeletablePtr = std::unique_ptr<DeferredDeletable>;

enum class RunType {
  Block,         // until exit() is called
  NonBlock,      // handle what is ready now, then return
  UntilNoEvents  // until nothing is left to wait for
};

class TimeoutList;

class Dispatcher {
 public:
  virtual ~Dispatcher() = default;

  virtual const std::string& name() const = 0;

  virtual TimerPtr createTimer(TimerCb cb) = 0;
  virtual FileEventPtr createFileEvent(int fd, FileReadyCb cb, FileTriggerType trigger,
                                       uint32_t events) = 0;
  virtual SignalEventPtr listenForSignal(int signal_number, std::function<void()> cb) = 0;
  // The dispatcher's one list of timeouts of `duration` (made on first use,
  // destroyed with the dispatcher): see timeout_list.h.
  virtual TimeoutList& timeoutList(std::chrono::milliseconds duration) = 0;

  // Accepts connections on `socket` (a bound, listening, non-blocking fd that
  // the caller keeps owning) and hands each to `callbacks`.
  virtual network::ListenerPtr createListener(network::SocketFd& socket,
                                              network::ListenerCallbacks& callbacks) = 0;
  // Wraps an accepted socket as a connection on this dispatcher. The first
  // form asks the kernel for the socket's addresses; the second takes them
  // from a caller that already knows them (accept() told the peer, the
  // listener its own address).
  virtual network::ConnectionPtr createServerConnection(network::SocketFd&& socket,
                                                        network::TransportSocketPtr transport) = 0;
  virtual network::ConnectionPtr createServerConnection(network::SocketFd&& socket,
                                                        const network::Address& local,
                                                        const network::Address& remote,
                                                        network::TransportSocketPtr transport) = 0;
  // Creates (but does not start) an outbound connection; call connect().
  virtual network::ClientConnectionPtr createClientConnection(
      const network::Address& remote, const network::Address* source,
      network::TransportSocketPtr transport) = 0;

  // An evdns resolver on this dispatcher. `nameservers` ("ip" or "ip:port")
  // replace /etc/resolv.conf when not empty.
  virtual network::DnsResolverPtr createDnsResolver(const std::vector<std::string>& nameservers) = 0;

  // The libevent base underneath, for event objects embedded in their owners
  // (SocketEvent in libevent_events.h).
  virtual event_base* eventBase() = 0;

  // Thread-safe: runs `cb` on this dispatcher's thread, in posting order.
  virtual void post(std::function<void()> cb) = 0;
  virtual void deferredDelete(DeferredDeletablePtr to_delete) = 0;

  virtual void run(RunType type) = 0;
  // Thread-safe: makes a Block run() return.
  virtual void exit() = 0;
  // True when called on the thread currently running this dispatcher.
  virtual bool isThreadSafe() const = 0;

  // Monotonic time cached at the start of the current loop iteration.
  virtual MonotonicTime approximateMonotonicTime() const = 0;
  virtual void updateApproximateMonotonicTime() = 0;
};

using DispatcherPtr = std::unique_ptr<Dispatcher>;

// Makes a libevent-backed dispatcher. The thread that calls run() becomes its
// owner.
DispatcherPtr createDispatcher(std::string name);

}  // namespace remora::event
