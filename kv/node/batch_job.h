#pragma once

// A batch-index request (reference §9): every row executed as a
// single-record command, its reply tagged with the row's index, rows packed
// into frames and closed with a LAST record.

#include <string>

#include "kv/node/record_executor.h"
#include "kv/node/streaming_job.h"
#include "kv/protocol/batch_codec.h"

namespace remora::kv::node {

class BatchJob : public StreamingJob {
 public:
  // `body` is the whole as_msg body of the parent request; the job keeps it
  // because the decoded rows point into it. Check status() before use.
  BatchJob(NodeContext& context, std::string body, size_t max_rows);

  // kOk, or the code the whole batch fails with (sent in the LAST record).
  protocol::ResultCode status() const { return status_; }

  bool produce(std::string& out, size_t budget) override;

 private:
  RecordExecutor executor_;
  const std::string body_;
  protocol::BatchRequest request_;
  protocol::ResultCode status_ = protocol::ResultCode::kOk;
  size_t next_row_ = 0;
};

}  // namespace remora::kv::node
