#include "kv/storage/block_scanner.h"

#include <cstring>

#include "kv/storage/block_format.h"

namespace remora::kv::storage {

BlockScanResult scanBlock(const uint8_t* block, uint32_t block_size, uint64_t block_seq,
                          const std::function<bool(const ScannedRecord&)>& visit) {
  BlockScanResult result;
  uint32_t off = kBlockHeaderSize;
  while (off + kRecordHeaderSize <= block_size) {
    bool framed = false;
    auto header = parseRecordHeader(block + off, block_size - off, &framed);
    if (!header) {
      if (!framed) {
        break;  // not a record: the end of the block's data
      }
      // The length passed its range check, so skipping by it stays inside
      // the block; the next record must still prove itself.
      uint32_t len;
      std::memcpy(&len, block + off + 8, sizeof(len));
      ++result.corrupt;
      off += alignRecord(len);
      continue;
    }
    if (header->block_seq != block_seq) {
      break;
    }
    ++result.records;
    if (!visit(ScannedRecord{off, *header})) {
      break;
    }
    off += alignRecord(header->total_len);
  }
  return result;
}

}  // namespace remora::kv::storage
