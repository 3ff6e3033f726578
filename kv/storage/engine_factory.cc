#include "kv/storage/engine_factory.h"

#include "kv/storage/device_engine.h"
#include "kv/storage/memory_engine.h"

namespace remora::kv::storage {

Result<EnginePtr> createEngine(const StorageConfig& config, ClockPtr clock) {
  if (clock == nullptr) {
    clock = std::make_shared<SystemClock>();
  }
  switch (config.kind) {
    case EngineKind::kMemory:
      if (config.write_block_size < 1024) {
        return makeError("write-block-size too small");
      }
      return EnginePtr(std::make_unique<MemoryEngine>(config, std::move(clock)));
    case EngineKind::kDevice:
      if (config.devices.empty()) {
        return makeError("storage-engine device needs at least one device");
      }
      return EnginePtr(std::make_unique<DeviceEngine>(config, std::move(clock)));
  }
  return makeError("unknown storage engine kind");
}

}  // namespace remora::kv::storage
