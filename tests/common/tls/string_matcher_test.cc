#include "common/tls/string_matcher.h"

#include <gtest/gtest.h>

#include "common/stats/store.h"
#include "common/tls/certificate_authority.h"
#include "common/tls/tls_context.h"
#include "common/tls/tls_credentials.h"

namespace remora::tls {
namespace {

TEST(StringMatcherTest, MatchesEachKindAsEnvoyDoes) {
  struct Case {
    StringMatcher matcher;
    const char* input;
    bool expected;
  };
  const Case cases[] = {
      {StringMatcher::exact("spiffe://cluster.local/ns/a/sa/b"), "spiffe://cluster.local/ns/a/sa/b", true},
      {StringMatcher::exact("spiffe://cluster.local/ns/a/sa/b"), "spiffe://cluster.local/ns/a/sa/bc", false},
      {StringMatcher::exact(""), "", true},
      {StringMatcher::prefix("spiffe://cluster.local/"), "spiffe://cluster.local/ns/a/sa/b", true},
      {StringMatcher::prefix("spiffe://cluster.local/"), "spiffe://cluster.locale/ns/a", false},
      {StringMatcher::suffix("/sa/web"), "spiffe://td/ns/x/sa/web", true},
      {StringMatcher::suffix("/sa/web"), "spiffe://td/ns/x/sa/web2", false},
      {StringMatcher::contains("/ns/prod/"), "spiffe://td/ns/prod/sa/x", true},
      {StringMatcher::contains("/ns/prod/"), "spiffe://td/ns/production/sa/x", false},
      {StringMatcher(StringMatcher::Kind::Prefix, "SPIFFE://Cluster.local/", true),
       "spiffe://cluster.LOCAL/ns", true},
      {StringMatcher(StringMatcher::Kind::Exact, "abc", false), "ABC", false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(c.matcher.match(c.input), c.expected) << c.matcher.describe() << " vs " << c.input;
  }
}

class SanMatchTest : public ::testing::Test {
 protected:
  // A client context with the given SAN matchers, to call matchesSubjectAltNames.
  std::shared_ptr<const TlsContext> contextWith(std::vector<SanMatcher> matchers) {
    UpstreamTlsContextConfig config;
    config.common_tls_context.validation_context.match_typed_subject_alt_names =
        std::move(matchers);
    auto ctx = TlsContext::createClient(config, TlsCredentials{});
    EXPECT_TRUE(ctx.ok());
    return *ctx;
  }
  X509Ptr cert(std::vector<std::string> uris, std::vector<std::string> dns = {}) {
    IssueOptions options;
    options.uri_sans = std::move(uris);
    options.dns_sans = std::move(dns);
    options.common_name = "x";
    auto issued = ca_->issue(options);
    EXPECT_TRUE(issued.ok());
    return std::move(issued->certificate);
  }
  Result<CertificateAuthority> ca_ = CertificateAuthority::create("cluster.local");
};

TEST_F(SanMatchTest, NoMatchersAcceptAnyCertificate) {
  EXPECT_TRUE(contextWith({})->matchesSubjectAltNames(cert({"spiffe://x/ns/a/sa/b"}).get()));
}

TEST_F(SanMatchTest, UriMatchersLookAtEveryUriSanButNotAtDnsSans) {
  auto ctx = contextWith({{SanMatcher::SanType::Uri, StringMatcher::exact("spiffe://td/ns/a/sa/b")}});
  EXPECT_TRUE(ctx->matchesSubjectAltNames(cert({"spiffe://td/ns/x/sa/y", "spiffe://td/ns/a/sa/b"}).get()));
  EXPECT_FALSE(ctx->matchesSubjectAltNames(cert({"spiffe://td/ns/a/sa/bb"}).get()));
  EXPECT_FALSE(ctx->matchesSubjectAltNames(cert({}, {"spiffe://td/ns/a/sa/b"}).get()));
}

TEST_F(SanMatchTest, AnyOfSeveralMatchersIsEnough) {
  auto ctx = contextWith({{SanMatcher::SanType::Uri, StringMatcher::prefix("spiffe://td/ns/prod/")},
                          {SanMatcher::SanType::Dns, StringMatcher::suffix(".svc.cluster.local")}});
  EXPECT_TRUE(ctx->matchesSubjectAltNames(cert({"spiffe://td/ns/prod/sa/x"}).get()));
  EXPECT_TRUE(ctx->matchesSubjectAltNames(cert({"spiffe://td/ns/dev/sa/x"}, {"kv.default.svc.cluster.local"}).get()));
  EXPECT_FALSE(ctx->matchesSubjectAltNames(cert({"spiffe://td/ns/dev/sa/x"}, {"kv.example.com"}).get()));
}

}  // namespace
}  // namespace remora::tls
