#pragma once

// Builds the Error values of the storage engines: Error::code carries a
// StorageErrorCode so callers map it to a wire result code in one place.

#include <string>

#include "common/result.h"
#include "kv/storage/engine.h"

namespace remora::kv::storage {

inline Error storageError(StorageErrorCode code, std::string message) {
  return makeError(std::move(message), static_cast<int>(code));
}

inline StorageErrorCode storageErrorCode(const Error& error) {
  return static_cast<StorageErrorCode>(error.code);
}

}  // namespace remora::kv::storage
