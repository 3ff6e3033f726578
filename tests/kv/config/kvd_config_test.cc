#include "kv/config/kvd_config.h"

#include <gtest/gtest.h>

#include "kv/config/kvd_config_loader.h"

namespace remora::kv::config {
namespace {

NamespaceConfig deviceNamespace(const std::string& name) {
  NamespaceConfig ns;
  ns.name = name;
  ns.storage.namespace_name = name;
  ns.storage.kind = storage::EngineKind::kDevice;
  ns.storage.devices = {storage::DeviceConfig{"/tmp/" + name + ".dat", 64ull << 20}};
  return ns;
}

TEST(KvdConfigTest, ServiceThreadsDefaultToOnePerCpuForMemoryNamespaces) {
  const KvdConfig c = defaultKvdConfig();
  EXPECT_EQ(serviceThreadsFor(c, 2), 2u);
  EXPECT_EQ(serviceThreadsFor(c, 16), 16u);
  EXPECT_EQ(serviceThreadsFor(c, 0), 1u);  // unknown CPU count
}

TEST(KvdConfigTest, ServiceThreadsDefaultToFivePerCpuWhenAnyNamespaceIsOnADevice) {
  KvdConfig c = defaultKvdConfig();  // "test" in memory
  c.namespaces.push_back(deviceNamespace("disk"));
  EXPECT_EQ(serviceThreadsFor(c, 2), 10u);
  EXPECT_EQ(serviceThreadsFor(c, 0), 5u);
  EXPECT_EQ(serviceThreadsFor(c, 100), kMaxServiceThreads);  // capped like the config key
}

TEST(KvdConfigTest, ConfiguredServiceThreadsOverrideTheDefaultRule) {
  KvdConfig c = defaultKvdConfig();
  c.namespaces.push_back(deviceNamespace("disk"));
  c.service_threads = 3;
  EXPECT_EQ(serviceThreadsFor(c, 2), 3u);
}

TEST(KvdConfigTest, ServiceThreadsOfALoadedDeviceConfigFollowTheRule) {
  auto c = loadKvdConfigString(R"(
namespaces:
  - name: disk
    storage-engine:
      type: device
      devices:
        - path: /tmp/disk.dat
          filesize: 64M
)");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->service_threads, 0u);  // unset: derived at start-up
  EXPECT_EQ(serviceThreadsFor(*c, 4), 20u);
}

}  // namespace
}  // namespace remora::kv::config
