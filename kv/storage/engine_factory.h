#pragma once

// Makes the storage engine a namespace's StorageConfig asks for. The engine
// is returned unstarted: the caller calls start() (the device engine's cold
// start) in its documented start-up order.

#include "common/result.h"
#include "kv/storage/clock.h"
#include "kv/storage/engine.h"
#include "kv/storage/storage_config.h"

namespace remora::kv::storage {

// `clock` defaults to the system clock.
Result<EnginePtr> createEngine(const StorageConfig& config, ClockPtr clock = nullptr);

}  // namespace remora::kv::storage
