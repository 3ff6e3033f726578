#include "common/tls/tls_credentials_provider.h"

#include <gtest/gtest.h>

#include <fstream>

#include "common/tls/certificate_utils.h"
#include "tests/common/tls/tls_test_pki.h"

namespace remora::tls {
namespace {

constexpr char kKv[] = "spiffe://cluster.local/ns/default/sa/kv";

class TlsCredentialsProviderTest : public ::testing::Test {
 protected:
  TlsCredentialsProviderTest() : scope_(store_, "listener.in.") { dir_ = pki_.issue("kv", kKv); }

  TlsCredentialsProviderSharedPtr server() {
    auto p = TlsCredentialsProvider::createServer(pki_.serverConfig(dir_), scope_);
    EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().message);
    return p.ok() ? *p : nullptr;
  }
  void write(const std::filesystem::path& path, const std::string& text) {
    std::ofstream(path, std::ios::trunc) << text;
  }

  test::TestPki pki_;
  stats::Store store_{1};
  stats::Scope scope_;
  std::filesystem::path dir_;
};

TEST_F(TlsCredentialsProviderTest, ListsTheFilesToWatch) {
  auto p = server();
  ASSERT_TRUE(p);
  auto paths = p->watchedPaths();
  EXPECT_EQ(paths, (std::vector<std::string>{(dir_ / kCertChainFile).string(),
                                             (dir_ / kKeyFile).string(), pki_.rootCertPath()}));
}

TEST_F(TlsCredentialsProviderTest, PublishesExpiryGaugesPerCertificate) {
  auto p = server();
  ASSERT_TRUE(p);
  // The leaf lives 24 h (minus skew): 0 whole days left; the root 10 years.
  EXPECT_EQ(store_.gauge("listener.in.ssl.certificate.cert_chain.days_until_expiry").value(), 0);
  EXPECT_GT(store_.gauge("listener.in.ssl.certificate.root_cert.days_until_expiry").value(), 3600);
  EXPECT_EQ(store_.gauge("listener.in.ssl.days_until_first_cert_expiring").value(), 0);
  EXPECT_GT(store_.gauge("listener.in.ssl.certificate.cert_chain.expiration_unix_time_seconds").value(),
            0);
  p->refreshExpiryGauges(std::chrono::system_clock::now() + std::chrono::hours(72));
  EXPECT_EQ(store_.gauge("listener.in.ssl.certificate.cert_chain.days_until_expiry").value(), -3);
}

TEST_F(TlsCredentialsProviderTest, FirstLoadFailsOnMissingOrInvalidFiles) {
  auto config = pki_.serverConfig(dir_);
  config.common_tls_context.tls_certificates[0].private_key.filename = "/nonexistent/key.pem";
  auto p = TlsCredentialsProvider::createServer(config, scope_);
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.error().message.find("/nonexistent/key.pem"), std::string::npos);
}

TEST_F(TlsCredentialsProviderTest, RefusesEachKindOfBadRotationAndKeepsServing) {
  auto p = server();
  ASSERT_TRUE(p);
  auto original = p->current();
  std::string serial = original->certificateSerial();
  auto chain = dir_ / kCertChainFile;
  auto key = dir_ / kKeyFile;
  std::string good_chain = *readFile(chain.string());
  std::string good_key = *readFile(key.string());
  struct Case {
    const char* what;
    std::function<void()> damage;
    const char* message;
  };
  std::vector<Case> cases = {
      {"truncated certificate", [&] { write(chain, good_chain.substr(0, 100)); }, "certificate_chain"},
      {"garbage key", [&] { write(key, "not a key"); }, "private_key"},
      {"key of another certificate",
       [&] { write(key, *readFile((pki_.issue("other", kKv) / kKeyFile).string())); },
       "does not match"},
      {"certificate from another CA",
       [&] {
         auto foreign = pki_.issue("foreign", kKv, &pki_.foreignCa());
         write(chain, *readFile((foreign / kCertChainFile).string()));
         write(key, *readFile((foreign / kKeyFile).string()));
       },
       "does not verify"},
      {"expired certificate",
       [&] {
         auto expired = pki_.issue("expired", kKv, nullptr, true);
         write(chain, *readFile((expired / kCertChainFile).string()));
         write(key, *readFile((expired / kKeyFile).string()));
       },
       "expired"},
  };
  uint64_t failures = 0;
  for (const auto& c : cases) {
    c.damage();
    auto status = p->reload();
    ASSERT_FALSE(status.ok()) << c.what;
    EXPECT_NE(status.error().message.find(c.message), std::string::npos)
        << c.what << ": " << status.error().message;
    EXPECT_EQ(p->current(), original) << c.what;
    EXPECT_EQ(store_.counter("listener.in.ssl.context_update_error").value(), ++failures);
    write(chain, good_chain);
    write(key, good_key);
  }
  EXPECT_EQ(p->current()->certificateSerial(), serial);
  ASSERT_TRUE(p->reload().ok());
  EXPECT_NE(p->current(), original);
  EXPECT_EQ(store_.counter("listener.in.ssl.context_update").value(), 1u);
}

TEST_F(TlsCredentialsProviderTest, RefusesUnknownCipherSuitesAndInvertedVersions) {
  auto config = pki_.serverConfig(dir_);
  config.common_tls_context.tls_params.cipher_suites = {"ECDHE-RSA-AES128-GCM-SHA256", "NOT-A-CIPHER"};
  auto p = TlsCredentialsProvider::createServer(config, scope_);
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.error().message.find("NOT-A-CIPHER"), std::string::npos);
  config = pki_.serverConfig(dir_);
  config.common_tls_context.tls_params.minimum_protocol_version = TlsVersion::Tls1_3;
  config.common_tls_context.tls_params.maximum_protocol_version = TlsVersion::Tls1_2;
  EXPECT_FALSE(TlsCredentialsProvider::createServer(config, scope_).ok());
}

}  // namespace
}  // namespace remora::tls
