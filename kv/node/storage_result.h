#pragma once

// The one place where storage-engine errors become wire result codes.

#include "common/result.h"
#include "kv/protocol/result_code.h"
#include "kv/storage/storage_error.h"

namespace remora::kv::node {

inline protocol::ResultCode resultForStorageError(const Error& error) {
  switch (storage::storageErrorCode(error)) {
    case storage::StorageErrorCode::kDeviceFull: return protocol::ResultCode::kServerFull;
    case storage::StorageErrorCode::kRecordTooBig: return protocol::ResultCode::kRecordTooBig;
    // The set table is full: the server refuses the request as invalid.
    case storage::StorageErrorCode::kTooManySets: return protocol::ResultCode::kParameterError;
    default: break;  // I/O, corruption, shut down: a server error
  }
  return protocol::ResultCode::kServerError;
}

}  // namespace remora::kv::node
