#include "common/tls/certificate_authority.h"

#include <gtest/gtest.h>

#include <filesystem>

#include <openssl/x509v3.h>

#include "common/tls/certificate_utils.h"
#include "proxy/remoractl/ca_command.h"
#include "tests/common/tls/tls_test_pki.h"

namespace remora::tls {
namespace {

TEST(CertificateAuthorityTest, IssuesSpiffeCertificatesThatVerifyAgainstTheRoot) {
  auto ca = CertificateAuthority::create("cluster.local");
  ASSERT_TRUE(ca.ok());
  IssueOptions options;
  options.uri_sans = {"spiffe://cluster.local/ns/default/sa/web"};
  auto issued = ca->issue(options);
  ASSERT_TRUE(issued.ok()) << issued.error().message;
  X509* cert = issued->certificate.get();
  EXPECT_EQ(uriSans(cert), std::vector<std::string>{"spiffe://cluster.local/ns/default/sa/web"});
  EXPECT_TRUE(keyMatchesCertificate(cert, issued->key.get()));
  std::vector<X509Ptr> roots;
  X509_up_ref(ca->certificate());
  roots.emplace_back(ca->certificate());
  EXPECT_TRUE(verifyChain(cert, {}, roots).ok());
  // serverAuth + clientAuth, not a CA, EC P-256.
  EXPECT_NE(X509_get_extended_key_usage(cert) & XKU_SSL_SERVER, 0u);
  EXPECT_NE(X509_get_extended_key_usage(cert) & XKU_SSL_CLIENT, 0u);
  EXPECT_EQ(X509_check_ca(cert), 0);
  EXPECT_EQ(EVP_PKEY_get_base_id(issued->key.get()), EVP_PKEY_EC);
  EXPECT_EQ(X509_check_ca(ca->certificate()), 1);
  auto ttl = notAfter(cert) - std::chrono::system_clock::now();
  EXPECT_GT(ttl, std::chrono::hours(23));
  EXPECT_LE(ttl, std::chrono::hours(24));
}

TEST(CertificateAuthorityTest, ExpiredAndForeignCertificatesFailVerification) {
  auto ca = CertificateAuthority::create("cluster.local");
  auto other = CertificateAuthority::create("other.local");
  ASSERT_TRUE(ca.ok() && other.ok());
  std::vector<X509Ptr> roots;
  X509_up_ref(ca->certificate());
  roots.emplace_back(ca->certificate());
  IssueOptions expired;
  expired.uri_sans = {"spiffe://cluster.local/ns/a/sa/b"};
  expired.not_before = std::chrono::system_clock::now() - std::chrono::hours(48);
  expired.ttl = std::chrono::hours(24);
  auto e = ca->issue(expired);
  ASSERT_TRUE(e.ok());
  auto status = verifyChain(e->certificate.get(), {}, roots);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, X509_V_ERR_CERT_HAS_EXPIRED);
  IssueOptions valid;
  valid.uri_sans = expired.uri_sans;
  auto f = other->issue(valid);
  ASSERT_TRUE(f.ok());
  EXPECT_FALSE(verifyChain(f->certificate.get(), {}, roots).ok());
}

TEST(CertificateAuthorityTest, RefusesBadInput) {
  EXPECT_FALSE(CertificateAuthority::create("").ok());
  EXPECT_FALSE(CertificateAuthority::create("a/b").ok());
  auto ca = CertificateAuthority::create("cluster.local");
  ASSERT_TRUE(ca.ok());
  EXPECT_FALSE(ca->issue(IssueOptions{}).ok());
  auto other = CertificateAuthority::create("x.local");
  IssueOptions o;
  o.uri_sans = {"spiffe://x/ns/a/sa/b"};
  auto issued = ca->issue(o);
  ASSERT_TRUE(issued.ok());
  // A CA key that does not belong to the certificate is refused.
  EXPECT_FALSE(CertificateAuthority::fromPem(ca->certificatePem(), issued->key_pem).ok());
}

TEST(CertificateAuthorityTest, ParsesTtls) {
  EXPECT_EQ(*parseTtl("24h"), std::chrono::hours(24));
  EXPECT_EQ(*parseTtl("90d"), std::chrono::hours(24 * 90));
  EXPECT_EQ(*parseTtl("30m"), std::chrono::minutes(30));
  EXPECT_EQ(*parseTtl("3600"), std::chrono::seconds(3600));
  EXPECT_FALSE(parseTtl("").ok());
  EXPECT_FALSE(parseTtl("0h").ok());
  EXPECT_FALSE(parseTtl("1y").ok());
  EXPECT_FALSE(parseTtl("h").ok());
  EXPECT_FALSE(parseTtl("99999999999999999999d").ok());
}

TEST(RemoractlCaTest, InitAndIssueWriteFilesThatOpenSslVerifies) {
  test::TestPki scratch;  // only for its temp dir
  std::string ca_dir = (scratch.dir() / "ca").string();
  std::string out = (scratch.dir() / "web").string();
  ASSERT_EQ(remoractl::runCaCommand({"init", "--trust-domain", "cluster.local", "--out", ca_dir}), 0);
  ASSERT_EQ(remoractl::runCaCommand({"issue", "--ca-dir", ca_dir, "--spiffe",
                                     "spiffe://cluster.local/ns/default/sa/web", "--ttl", "24h",
                                     "--out", out}),
            0);
  EXPECT_EQ(std::filesystem::status(ca_dir + "/ca-key.pem").permissions() &
                std::filesystem::perms::others_read,
            std::filesystem::perms::none);
  auto chain = parseCertificatesPem(*readFile(out + "/cert-chain.pem"));
  auto key = parsePrivateKeyPem(*readFile(out + "/key.pem"));
  auto root = parseCertificatesPem(*readFile(out + "/root-cert.pem"));
  ASSERT_TRUE(chain.ok() && key.ok() && root.ok());
  EXPECT_TRUE(keyMatchesCertificate(chain->front().get(), key->get()));
  EXPECT_TRUE(verifyChain(chain->front().get(), {}, *root).ok());
  EXPECT_EQ(uriSans(chain->front().get()).at(0), "spiffe://cluster.local/ns/default/sa/web");
  EXPECT_EQ(uriSans(root->front().get()).at(0), "spiffe://cluster.local");
}

TEST(RemoractlCaTest, RejectsMissingAndUnknownFlags) {
  EXPECT_NE(remoractl::runCaCommand({"init", "--out", "/tmp/x"}), 0);
  EXPECT_NE(remoractl::runCaCommand({"issue", "--ca-dir", "/nonexistent", "--spiffe",
                                     "spiffe://td/ns/a/sa/b", "--out", "/tmp/x"}),
            0);
  EXPECT_NE(remoractl::runCaCommand({"issue", "--bogus", "1"}), 0);
  EXPECT_NE(remoractl::runCaCommand({"frobnicate"}), 0);
  EXPECT_NE(remoractl::runCaCommand({"issue", "--ca-dir", "/x", "--spiffe", "web", "--out", "/x"}), 0);
}

}  // namespace
}  // namespace remora::tls
