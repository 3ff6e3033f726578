#pragma once

// A multi-frame reply (batch, scan) produced a piece at a time, so a
// connection can stop producing while its client is not reading and one
// large request cannot hold the worker or unbounded memory. A job may also
// need replies from other nodes (batch rows for partitions another node of a
// static cluster masters): the session sends its forwards through the
// worker's ProxyPool and delivers each reply back. Runs on the worker thread
// that owns the connection.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace remora::kv::node {

// A request relayed to another node of a static cluster (ProxyPool).
struct ForwardRequest {
  uint32_t owner = 0;  // index into the static cluster's nodes
  std::string frame;   // the request as one type-3 frame
  // The reply is a stream of frames ending with a LAST record (a batch),
  // not one frame.
  bool until_last = false;
};

class StreamingJob {
 public:
  virtual ~StreamingJob() = default;
  // Appends whole frames to `out`, stopping once about `budget` bytes were
  // added. Returns true after the frame holding the LAST record is appended;
  // it is not called again after that.
  virtual bool produce(std::string& out, size_t budget) = 0;

  // The requests this job needs answered by other nodes; the session takes
  // them once, right after the job is created.
  virtual std::vector<ForwardRequest> takeForwards() { return {}; }
  // The reply (whole frames) to forward number `forward` of takeForwards().
  virtual void deliver(size_t /*forward*/, std::string /*reply*/) {}
  // produce() can add nothing until another reply is delivered.
  virtual bool waiting() const { return false; }
};

using StreamingJobPtr = std::unique_ptr<StreamingJob>;

}  // namespace remora::kv::node
