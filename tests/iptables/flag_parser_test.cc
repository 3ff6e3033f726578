#include "iptables/flag_parser.h"

#include <map>

#include <gtest/gtest.h>

namespace remora::iptables {
namespace {

class FlagParserTest : public ::testing::Test {
protected:
  Result<CaptureConfig> parse(const std::vector<std::string>& args) {
    return parseFlags(args, [this](const std::string& name) -> std::optional<std::string> {
      const auto it = env_.find(name);
      return it == env_.end() ? std::nullopt : std::optional<std::string>(it->second);
    });
  }
  std::map<std::string, std::string> env_;
};

TEST_F(FlagParserTest, UsesIstioDefaults) {
  const auto config = parse({});
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(15001, config->outbound_port);
  EXPECT_EQ(15006, config->inbound_capture_port);
  EXPECT_EQ(15008, config->inbound_tunnel_port);
  EXPECT_EQ(std::vector<uint32_t>{1337}, config->proxy_uids);
  EXPECT_EQ(std::vector<uint32_t>{1337}, config->proxy_gids);
  EXPECT_FALSE(config->inbound_all_ports);
  EXPECT_FALSE(config->outbound_all_cidrs);
  EXPECT_EQ(Mode::Install, config->mode);
}

TEST_F(FlagParserTest, AcceptsShortLongAndInlineForms) {
  const auto config = parse({"-p", "16001", "--inbound-capture-port", "16006", "-e17008",
                             "--proxy-uid=1000,1001", "-b", "*", "-i=*", "--dry-run"});
  ASSERT_TRUE(config.ok()) << config.error();
  EXPECT_EQ(16001, config->outbound_port);
  EXPECT_EQ(16006, config->inbound_capture_port);
  EXPECT_EQ(17008, config->inbound_tunnel_port);
  EXPECT_EQ((std::vector<uint32_t>{1000, 1001}), config->proxy_uids);
  EXPECT_TRUE(config->inbound_all_ports);
  EXPECT_TRUE(config->outbound_all_cidrs);
  EXPECT_TRUE(config->dry_run);
}

TEST_F(FlagParserTest, DefaultsGidsToTheUidList) {
  const auto config = parse({"-u", "3,4"});
  ASSERT_TRUE(config.ok());
  EXPECT_EQ((std::vector<uint32_t>{3, 4}), config->proxy_gids);
  const auto explicit_gid = parse({"-u", "3,4", "-g", "9"});
  ASSERT_TRUE(explicit_gid.ok());
  EXPECT_EQ(std::vector<uint32_t>{9}, explicit_gid->proxy_gids);
}

TEST_F(FlagParserTest, ParsesListsKeepingOrderAndSkippingBlanks) {
  const auto config = parse({"-b", "32000, 31000,", "-q", "", "-x", "10.1.0.0/16,fd00::1", "-k",
                             "eth1,eth2", "-o", "22,80"});
  ASSERT_TRUE(config.ok()) << config.error();
  EXPECT_EQ((std::vector<uint16_t>{32000, 31000}), config->inbound_ports);
  EXPECT_TRUE(config->outbound_ports.empty());
  ASSERT_EQ(2u, config->outbound_exclude_cidrs.size());
  EXPECT_EQ("fd00::1/128", config->outbound_exclude_cidrs[1].toString());
  EXPECT_EQ((std::vector<std::string>{"eth1", "eth2"}), config->kube_virt_interfaces);
  EXPECT_EQ((std::vector<uint16_t>{22, 80}), config->outbound_exclude_ports);
}

TEST_F(FlagParserTest, TakesValuesFromTheEnvironmentWhenTheFlagIsAbsent) {
  env_ = {{"ISTIO_INBOUND_PORTS", "*"},
          {"ISTIO_SERVICE_CIDR", "10.0.0.0/8"},
          {"PROXY_UID", "1500"},
          {"ISTIO_DUAL_STACK", "true"},
          {"INBOUND_CAPTURE_PORT", "16006"},
          {"ISTIO_OUTBOUND_IPV4_LOOPBACK_CIDR", "127.0.0.1/8"}};
  const auto config = parse({});
  ASSERT_TRUE(config.ok()) << config.error();
  EXPECT_TRUE(config->inbound_all_ports);
  ASSERT_EQ(1u, config->outbound_cidrs.size());
  EXPECT_EQ(std::vector<uint32_t>{1500}, config->proxy_uids);
  EXPECT_EQ(std::vector<uint32_t>{1500}, config->proxy_gids);
  EXPECT_TRUE(config->dual_stack);
  EXPECT_EQ(16006, config->inbound_capture_port);
  EXPECT_EQ("127.0.0.0/8", config->ipv4_loopback.toString());
}

TEST_F(FlagParserTest, LetsTheCommandLineWinOverTheEnvironment) {
  env_ = {{"ISTIO_INBOUND_PORTS", "*"}, {"PROXY_UID", "1500"}};
  const auto config = parse({"-b", "8080", "-u", "1337"});
  ASSERT_TRUE(config.ok());
  EXPECT_FALSE(config->inbound_all_ports);
  EXPECT_EQ(std::vector<uint16_t>{8080}, config->inbound_ports);
  EXPECT_EQ(std::vector<uint32_t>{1337}, config->proxy_uids);
}

TEST_F(FlagParserTest, IgnoresEnvironmentForTheOutboundPortLikeIstio) {
  env_ = {{"ENVOY_PORT", "9999"}};
  const auto config = parse({});
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(15001, config->outbound_port);
}

TEST_F(FlagParserTest, ReportsEveryErrorTogether) {
  const auto config = parse({"-p", "0", "-z", "70000", "--bogus", "-x", "*", "-b", "80,x", "stray",
                             "-i", "10.0.0.0/33", "-u", "abc"});
  ASSERT_FALSE(config.ok());
  const std::string& error = config.error();
  for (const char* expected :
       {"unknown flag '--bogus'", "unexpected argument 'stray'", "-p/--envoy-port: '0'",
        "-z/--inbound-capture-port: '70000'", "-x/--istio-service-exclude-cidr: '*' is not allowed",
        "-b/--istio-inbound-ports: 'x'", "'10.0.0.0/33' is not an IPv4 or IPv6 CIDR",
        "-u/--proxy-uid: 'abc'"}) {
    EXPECT_NE(std::string::npos, error.find(expected)) << expected << "\nin:\n" << error;
  }
}

TEST_F(FlagParserTest, RejectsTproxyWithAClearMessage) {
  const auto config = parse({"-m", "TPROXY"});
  ASSERT_FALSE(config.ok());
  EXPECT_NE(std::string::npos, config.error().find("TPROXY interception is not supported"));
  EXPECT_FALSE(parse({"-m", "SOMETHING"}).ok());
  EXPECT_TRUE(parse({"-m", "REDIRECT"}).ok());
}

TEST_F(FlagParserTest, NamesTheEnvironmentVariableInErrors) {
  env_ = {{"ISTIO_LOCAL_EXCLUDE_PORTS", "abc"}};
  const auto config = parse({});
  ASSERT_FALSE(config.ok());
  EXPECT_NE(std::string::npos,
            config.error().find("environment variable ISTIO_LOCAL_EXCLUDE_PORTS: 'abc'"));
}

TEST_F(FlagParserTest, ComplainsAboutAMissingValue) {
  const auto config = parse({"-b"});
  ASSERT_FALSE(config.ok());
  EXPECT_NE(std::string::npos, config.error().find("-b/--istio-inbound-ports: needs a value"));
}

TEST_F(FlagParserTest, SelectsModesAndRefusesContradictoryOnes) {
  EXPECT_EQ(Mode::Cleanup, parse({"--cleanup"})->mode);
  EXPECT_EQ(Mode::Cleanup, parse({"--cleanup-only"})->mode);
  EXPECT_EQ(Mode::Validate, parse({"--validate"})->mode);
  EXPECT_EQ(Mode::Validate, parse({"--run-validation"})->mode);
  EXPECT_EQ(Mode::Help, parse({"-h"})->mode);
  EXPECT_FALSE(parse({"--cleanup", "--validate"}).ok());
}

TEST_F(FlagParserTest, ParsesProbeTimeoutsAndBackends) {
  EXPECT_EQ(500, parse({"--probe-timeout", "500ms"})->probe_timeout_ms);
  EXPECT_EQ(3000, parse({"--probe-timeout=3s"})->probe_timeout_ms);
  EXPECT_EQ(4000, parse({"--probe-timeout", "4"})->probe_timeout_ms);
  EXPECT_FALSE(parse({"--probe-timeout", "soon"}).ok());
  EXPECT_EQ(BackendChoice::Legacy, parse({"--iptables-backend", "legacy"})->backend);
  EXPECT_EQ(BackendChoice::Nft, parse({"--force-iptables-binary=iptables-nft"})->backend);
  EXPECT_FALSE(parse({"--iptables-backend", "ebtables"}).ok());
}

TEST_F(FlagParserTest, DocumentsEveryFlagInUsage) {
  const std::string text = usage();
  for (const char* flag : {"--envoy-port", "--istio-inbound-ports", "--dual-stack", "--cleanup",
                           "--validate", "--dry-run", "--istio-exclude-interfaces"}) {
    EXPECT_NE(std::string::npos, text.find(flag)) << flag;
  }
}

} // namespace
} // namespace remora::iptables
