// The configuration corpus: every file under testdata/valid loads; every file
// under testdata/invalid is refused with the message its first line names
// ("# expect: ..."), through the same loader the server uses at start-up,
// on reload and in --mode validate.

#include "proxy/server/config_loader.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "filters/filter_registry.h"
#include "proxy/server/tls_transport_builder.h"

namespace remora::server {
namespace {

std::string corpusDir() {
  const char* root = std::getenv("REMORA_SOURCE_DIR");
  return std::string(root ? root : REMORA_TEST_SOURCE_DIR) + "/tests/proxy/server/testdata";
}

class ConfigLoaderTest : public ::testing::Test {
 protected:
  ConfigLoaderTest() {
    filters::registerBuiltinFilters(registry_);
    loader_ = std::make_unique<ConfigLoader>(registry_, context_, tls_.builder());
  }
  stats::Store store_{1};
  filters::access_log::LogFileManager files_;
  filters::FilterRegistry registry_;
  filters::FactoryContext context_{store_, files_, [](std::string_view) { return false; }};
  TlsTransportBuilder tls_{store_};
  std::unique_ptr<ConfigLoader> loader_;
};

TEST_F(ConfigLoaderTest, EveryValidCorpusFileLoads) {
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(corpusDir() + "/valid")) {
    config::ErrorList errors;
    auto loaded = loader_->load(entry.path().string(), errors);
    EXPECT_TRUE(loaded.has_value()) << entry.path() << ":\n" << errors.toString();
    ++files;
  }
  EXPECT_GE(files, 2);
}

TEST_F(ConfigLoaderTest, EveryInvalidCorpusFileIsRefusedWithItsExpectedMessage) {
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(corpusDir() + "/invalid")) {
    std::ifstream in(entry.path());
    std::string first;
    std::getline(in, first);
    ASSERT_EQ(first.rfind("# expect: ", 0), 0u) << entry.path() << " lacks an expect line";
    std::string expected = first.substr(10);
    config::ErrorList errors;
    auto loaded = loader_->load(entry.path().string(), errors);
    EXPECT_FALSE(loaded.has_value()) << entry.path();
    EXPECT_NE(errors.toString().find(expected), std::string::npos)
        << entry.path() << "\nexpected: " << expected << "\ngot:\n" << errors.toString();
    ++files;
  }
  EXPECT_GE(files, 10);
}

TEST_F(ConfigLoaderTest, ReportsEveryErrorOfAFileAtOnce) {
  std::string path = std::filesystem::temp_directory_path() / "remora-config-loader-many.yaml";
  std::ofstream(path) << "static_resources:\n"
                         "  listeners:\n"
                         "  - name: a\n"
                         "    address: {socket_address: {address: 127.0.0.1, port_value: 70000}}\n"
                         "    filter_chains:\n"
                         "    - filters: [{name: tcp_proxy, typed_config: {stat_prefix: a, cluster: x}}]\n"
                         "  clusters:\n"
                         "  - {name: c, typo: 1}\n";
  config::ErrorList errors;
  EXPECT_FALSE(loader_->load(path, errors).has_value());
  std::string all = errors.toString();
  EXPECT_NE(all.find("port_value: value 70000 out of range"), std::string::npos) << all;
  EXPECT_NE(all.find("unknown cluster 'x'"), std::string::npos) << all;
  EXPECT_NE(all.find("clusters[0].typo: unknown or unsupported field (line 8"), std::string::npos) << all;
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace remora::server
