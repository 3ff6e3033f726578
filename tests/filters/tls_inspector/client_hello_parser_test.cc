#include "filters/listener/tls_inspector/client_hello_parser.h"

#include <gtest/gtest.h>

#include <openssl/ssl.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace remora::filters::tls_inspector {
namespace {

// A real ClientHello, as OpenSSL's client writes it.
std::string makeClientHello(const std::string& sni, const std::vector<std::string>& alpn,
                            int max_version = TLS1_3_VERSION) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  SSL_CTX_set_max_proto_version(ctx, max_version);
  SSL* ssl = SSL_new(ctx);
  BIO* rbio = BIO_new(BIO_s_mem());
  BIO* wbio = BIO_new(BIO_s_mem());
  SSL_set_bio(ssl, rbio, wbio);
  SSL_set_connect_state(ssl);
  if (!sni.empty()) SSL_set_tlsext_host_name(ssl, sni.c_str());
  std::string wire;
  for (const auto& p : alpn) {
    wire.push_back(static_cast<char>(p.size()));
    wire += p;
  }
  if (!wire.empty()) {
    SSL_set_alpn_protos(ssl, reinterpret_cast<const unsigned char*>(wire.data()),
                        static_cast<unsigned>(wire.size()));
  }
  SSL_do_handshake(ssl);  // writes the hello, then wants to read
  char* data = nullptr;
  long len = BIO_get_mem_data(wbio, &data);  // NOLINT
  std::string out(data, static_cast<size_t>(len));
  SSL_free(ssl);
  SSL_CTX_free(ctx);
  return out;
}

ClientHelloResult parse(const std::string& bytes, size_t cap = kDefaultMaxClientHelloSize) {
  return parseClientHello(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), cap);
}

// Re-frames a single-record hello into records of at most `chunk` bytes.
std::string fragment(const std::string& hello, size_t chunk) {
  std::string body = hello.substr(5);
  std::string out;
  for (size_t i = 0; i < body.size(); i += chunk) {
    std::string part = body.substr(i, chunk);
    out += hello.substr(0, 3);
    out.push_back(static_cast<char>(part.size() >> 8));
    out.push_back(static_cast<char>(part.size() & 0xff));
    out += part;
  }
  return out;
}

TEST(ClientHelloParserTest, ExtractsSniAlpnAndVersionFromARealHello) {
  std::string hello = makeClientHello("kv.default.svc.cluster.local", {"istio-peer-exchange", "istio"});
  auto r = parse(hello);
  ASSERT_EQ(r.status, ClientHelloStatus::Complete) << r.error;
  EXPECT_EQ(r.hello.server_name, "kv.default.svc.cluster.local");
  EXPECT_EQ(r.hello.alpn_protocols, (std::vector<std::string>{"istio-peer-exchange", "istio"}));
  EXPECT_EQ(r.hello.maxVersion(), 0x0304);
  EXPECT_STREQ(tlsVersionName(r.hello.maxVersion()), "TLSv1.3");
  EXPECT_EQ(r.hello.bytes_used, hello.size());
}

TEST(ClientHelloParserTest, HandlesHellosWithoutSniOrAlpnAndTls12Only) {
  auto r = parse(makeClientHello("", {}, TLS1_2_VERSION));
  ASSERT_EQ(r.status, ClientHelloStatus::Complete) << r.error;
  EXPECT_EQ(r.hello.server_name, "");
  EXPECT_TRUE(r.hello.alpn_protocols.empty());
  EXPECT_EQ(r.hello.maxVersion(), 0x0303);
}

TEST(ClientHelloParserTest, AsksForMoreDataAtEveryPrefix) {
  std::string hello = makeClientHello("a.example", {"h2"});
  for (size_t n = 0; n < hello.size(); ++n) {
    auto r = parse(hello.substr(0, n));
    ASSERT_EQ(r.status, ClientHelloStatus::NeedMoreData) << "at " << n << ": " << r.error;
  }
}

TEST(ClientHelloParserTest, ReassemblesAHelloSplitOverManyRecords) {
  std::string hello = makeClientHello("split.example", {"h2", "http/1.1"});
  std::string split = fragment(hello, 7);
  for (size_t n = 0; n < split.size(); n += 13) {
    ASSERT_EQ(parse(split.substr(0, n)).status, ClientHelloStatus::NeedMoreData) << n;
  }
  auto r = parse(split);
  ASSERT_EQ(r.status, ClientHelloStatus::Complete) << r.error;
  EXPECT_EQ(r.hello.server_name, "split.example");
  EXPECT_EQ(r.hello.alpn_protocols.size(), 2u);
}

TEST(ClientHelloParserTest, RecognisesPlaintextAfterOneOrTwoBytes) {
  EXPECT_EQ(parse("G").status, ClientHelloStatus::NotTls);
  EXPECT_EQ(parse("GET / HTTP/1.1\r\n").status, ClientHelloStatus::NotTls);
  EXPECT_EQ(parse(std::string("\x16\x01", 2)).status, ClientHelloStatus::NotTls);
  EXPECT_EQ(parse(std::string("\x80\x2e\x01", 3)).status, ClientHelloStatus::NotTls);  // SSLv2
  EXPECT_EQ(parse("").status, ClientHelloStatus::NeedMoreData);
  EXPECT_EQ(parse("\x16").status, ClientHelloStatus::NeedMoreData);
}

TEST(ClientHelloParserTest, RejectsMalformedHellos) {
  std::string hello = makeClientHello("x.example", {"h2"});
  // Not a ClientHello handshake message (ServerHello type).
  std::string wrong_type = hello;
  wrong_type[5] = 0x02;
  EXPECT_EQ(parse(wrong_type).status, ClientHelloStatus::Malformed);
  // A zero-length record.
  EXPECT_EQ(parse(std::string("\x16\x03\x01\x00\x00", 5)).status, ClientHelloStatus::Malformed);
  // A record longer than 2^14.
  EXPECT_EQ(parse(std::string("\x16\x03\x01\x48\x01", 5)).status, ClientHelloStatus::Malformed);
  // Inner lengths that overrun the message: corrupt the extensions length.
  std::string bad_ext = hello;
  size_t body = 9;
  size_t sid_len = static_cast<uint8_t>(bad_ext[body + 34]);
  size_t cs_off = body + 35 + sid_len;
  size_t cs_len = (static_cast<uint8_t>(bad_ext[cs_off]) << 8) | static_cast<uint8_t>(bad_ext[cs_off + 1]);
  size_t comp_off = cs_off + 2 + cs_len;
  size_t ext_off = comp_off + 1 + static_cast<uint8_t>(bad_ext[comp_off]);
  bad_ext[ext_off] = static_cast<char>(0xff);
  auto r = parse(bad_ext);
  EXPECT_EQ(r.status, ClientHelloStatus::Malformed);
  EXPECT_NE(r.error.find("extensions"), std::string::npos) << r.error;
  // Another record type between the fragments of a hello.
  std::string split = fragment(hello, 50);
  std::string interrupted = split.substr(0, 55) + std::string("\x17\x03\x03\x00\x01\x00", 6) + split.substr(55);
  EXPECT_EQ(parse(interrupted).status, ClientHelloStatus::Malformed);
}

TEST(ClientHelloParserTest, GivesUpOnHellosLargerThanTheCap) {
  std::string hello = makeClientHello("big.example", {"h2"});
  auto r = parse(hello, 64);
  EXPECT_EQ(r.status, ClientHelloStatus::TooLarge);
  // A header announcing 16 MiB is refused from its first 9 bytes.
  EXPECT_EQ(parse(std::string("\x16\x03\x01\x40\x00\x01\xff\xff\xff", 9)).status,
            ClientHelloStatus::TooLarge);
}

TEST(ClientHelloParserTest, RejectsServerNamesWithControlCharacters) {
  std::string hello = makeClientHello("abc.example", {});
  size_t at = hello.find("abc.example");
  ASSERT_NE(at, std::string::npos);
  hello[at + 1] = '\0';
  EXPECT_EQ(parse(hello).status, ClientHelloStatus::Malformed);
}

// The committed fuzz corpus holds hellos captured from `openssl s_client`.
TEST(ClientHelloParserTest, ParsesHellosCapturedFromOpenSslSClient) {
  const char* root = std::getenv("REMORA_SOURCE_DIR");
  ASSERT_NE(root, nullptr);
  auto read = [&](const std::string& name) {
    std::ifstream in(std::string(root) + "/tests/fuzz/tls/corpus/" + name, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  };
  auto r = parse(read("s_client_tls13_sni_alpn"));
  ASSERT_EQ(r.status, ClientHelloStatus::Complete) << r.error;
  EXPECT_EQ(r.hello.server_name, "kv.default.svc.cluster.local");
  EXPECT_EQ(r.hello.alpn_protocols, (std::vector<std::string>{"istio-peer-exchange", "istio"}));
  r = parse(read("s_client_tls12_only"));
  ASSERT_EQ(r.status, ClientHelloStatus::Complete) << r.error;
  EXPECT_EQ(r.hello.maxVersion(), 0x0303);
  EXPECT_EQ(r.hello.server_name, "web.example");
  r = parse(read("s_client_no_sni"));
  ASSERT_EQ(r.status, ClientHelloStatus::Complete) << r.error;
  EXPECT_EQ(r.hello.server_name, "");
  r = parse(read("fragmented_hello"));
  ASSERT_EQ(r.status, ClientHelloStatus::Complete) << r.error;
  EXPECT_EQ(r.hello.server_name, "kv.default.svc.cluster.local");
  EXPECT_EQ(parse(read("truncated_hello")).status, ClientHelloStatus::NeedMoreData);
  EXPECT_EQ(parse(read("plaintext_http")).status, ClientHelloStatus::NotTls);
}

}  // namespace
}  // namespace remora::filters::tls_inspector
