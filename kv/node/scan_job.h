#pragma once

// A partition scan (reference §10): the records of the requested partitions
// (all of them without a PID_ARRAY), optionally of one set, with all bins,
// selected bins or none, a partition at a time. A partition this node does
// not master gets a PARTITION_DONE row with result 11 so the client retries
// it elsewhere. Ends with a LAST record.

#include <cstdint>
#include <string>
#include <vector>

#include "kv/node/node_context.h"
#include "kv/node/streaming_job.h"
#include "kv/protocol/as_msg.h"
#include "kv/protocol/result_code.h"

namespace remora::kv::node {

class ScanJob : public StreamingJob {
 public:
  // Parses the request; check status() before use (kOk, or the code sent in
  // the LAST record).
  ScanJob(NodeContext& context, const protocol::AsMsg& request);

  protocol::ResultCode status() const { return status_; }
  bool produce(std::string& out, size_t budget) override;

 private:
  void scanPartition(uint16_t pid, std::string& out);

  NodeContext& context_;
  Namespace* ns_ = nullptr;
  std::string ns_name_;
  std::string set_;  // empty: the whole namespace
  std::vector<std::string> bin_names_;  // empty: all bins (unless no_bins_)
  bool no_bins_ = false;
  uint64_t max_records_ = 0;  // 0 = no limit
  uint64_t sent_ = 0;
  std::vector<uint16_t> pids_;
  size_t next_pid_ = 0;
  protocol::ResultCode status_ = protocol::ResultCode::kOk;
};

}  // namespace remora::kv::node
