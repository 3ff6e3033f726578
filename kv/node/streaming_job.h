#pragma once

// A multi-frame reply (batch, scan) produced a piece at a time, so a
// connection can stop producing while its client is not reading and one
// large request cannot hold the worker or unbounded memory. Runs on the
// worker thread that owns the connection.

#include <cstddef>
#include <memory>
#include <string>

namespace remora::kv::node {

class StreamingJob {
 public:
  virtual ~StreamingJob() = default;
  // Appends whole frames to `out`, stopping once about `budget` bytes were
  // added. Returns true after the frame holding the LAST record is appended;
  // it is not called again after that.
  virtual bool produce(std::string& out, size_t budget) = 0;
};

using StreamingJobPtr = std::unique_ptr<StreamingJob>;

}  // namespace remora::kv::node
