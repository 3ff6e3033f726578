#pragma once

// The storage settings of one namespace, as Aerospike's `storage-engine`
// stanza names them. A plain struct: the YAML loader (kv/config) fills it and
// validates ranges; createEngine() re-checks what it depends on.

#include <cstdint>
#include <string>
#include <vector>

namespace remora::kv::storage {

enum class EngineKind { kMemory, kDevice };

struct DeviceConfig {
  // A raw block device (its size is used) or a regular file (created if
  // missing, sized to `filesize`).
  std::string path;
  uint64_t filesize = 0;  // bytes; required for files, ignored for block devices
};

struct StorageConfig {
  // The namespace's name; its hash is written into every block header so a
  // device of another namespace is refused at start.
  std::string namespace_name = "test";
  EngineKind kind = EngineKind::kMemory;
  std::vector<DeviceConfig> devices;
  // Power of two, 16 KiB .. 8 MiB (Aerospike allows up to 8 MiB).
  uint32_t write_block_size = 1u << 20;
  // Blocks whose live bytes fall below this percentage are defragmented.
  uint32_t defrag_lwm_pct = 50;
  // How often the defragmenter looks for work when not woken; 0 = no
  // background defragmentation (tests drive DeviceEngine::defragNow()).
  uint32_t defrag_sleep_ms = 1000;
  // Without commit_to_device, buffered writes reach the device within this.
  uint32_t flush_max_ms = 1000;
  // Acknowledge a write only once it is on the device (partial-block write
  // + fdatasync per write).
  bool commit_to_device = false;
  // Largest encoded record; 0 = the write block size minus its header.
  uint32_t max_record_size = 0;
  // How often the tomb raider may run (it reads every used block); 0 = never
  // in the background (DeviceEngine::runTombRaider() still works).
  uint32_t tomb_raider_period_ms = 60 * 60 * 1000;
};

}  // namespace remora::kv::storage
