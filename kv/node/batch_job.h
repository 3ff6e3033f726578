#pragma once

// A batch-index request (reference §9): every row executed as a
// single-record command, its reply tagged with the row's index, rows packed
// into frames and closed with a LAST record. In a static cluster the rows
// whose partitions another node masters go to that node as one batch
// request per owner (misroutes are routine, reference §6.3); the owners'
// rows join the local ones in this one stream, which ends only when every
// owner has answered. An owner that fails or leaves rows out gives those
// rows its error (11 when unreachable, 9 on timeout).

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "kv/node/record_executor.h"
#include "kv/node/streaming_job.h"
#include "kv/protocol/batch_codec.h"

namespace remora::kv::node {

class BatchJob : public StreamingJob {
 public:
  // The static cluster's master of a partition when it is another node.
  using OwnerElsewhere = std::function<std::optional<uint32_t>(uint32_t partition)>;

  // `body` is the whole as_msg body of the parent request; the job keeps it
  // because the decoded rows point into it. Check status() before use.
  // Without `owner_elsewhere` (a lone node, or a request that already took
  // its proxy hop) every row runs here.
  BatchJob(NodeContext& context, std::string body, size_t max_rows,
           const OwnerElsewhere& owner_elsewhere = {});

  // kOk, or the code the whole batch fails with (sent in the LAST record).
  protocol::ResultCode status() const { return status_; }

  bool produce(std::string& out, size_t budget) override;
  std::vector<ForwardRequest> takeForwards() override;
  void deliver(size_t forward, std::string reply) override;
  bool waiting() const override;

 private:
  // The rows one other node answers.
  struct Remote {
    uint32_t owner = 0;
    std::string frame;                      // the batch request of its rows
    std::unordered_set<uint32_t> expected;  // row indexes not answered yet
    bool delivered = false;
    std::string reply;                      // the owner's frames
    std::vector<std::string_view> records;  // row records in `reply`
    size_t next = 0;
    std::string missing;  // error rows for indexes the owner left out
  };

  void split(const protocol::AsMsg& parent, const OwnerElsewhere& owner_elsewhere);
  // Appends delivered remote rows while within budget; false if any remain.
  bool appendRemoteRows(std::string& out, size_t start_size, size_t budget);

  RecordExecutor executor_;
  const std::string body_;
  protocol::BatchRequest request_;
  protocol::ResultCode status_ = protocol::ResultCode::kOk;
  std::vector<size_t> local_rows_;  // positions in request_.rows run here
  size_t next_row_ = 0;             // next position in local_rows_
  std::vector<Remote> remotes_;
  size_t undelivered_ = 0;
};

}  // namespace remora::kv::node
