#include "proxy/remoractl/ca_command.h"

#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>

#include "common/tls/certificate_authority.h"
#include "common/tls/certificate_utils.h"

namespace remora::remoractl {
namespace {

constexpr char kUsage[] =
    "usage:\n"
    "  remoractl ca init  --trust-domain DOMAIN --out DIR [--ttl 87600h]\n"
    "  remoractl ca issue --ca-dir DIR --spiffe spiffe://DOMAIN/ns/NS/sa/SA --out DIR\n"
    "                     [--ttl 24h] [--dns NAME]...\n"
    "  remoractl ca show  --cert FILE\n";

struct Flags {
  std::map<std::string, std::vector<std::string>> values;
  std::string error;

  std::optional<std::string> get(const std::string& name) const {
    auto it = values.find(name);
    if (it == values.end() || it->second.empty()) return std::nullopt;
    return it->second.back();
  }
};

Flags parseFlags(const std::vector<std::string>& args, size_t start,
                 const std::vector<std::string>& allowed) {
  Flags flags;
  for (size_t i = start; i < args.size(); ++i) {
    std::string arg = args[i];
    if (arg.rfind("--", 0) != 0) {
      flags.error = "unexpected argument '" + arg + "'";
      return flags;
    }
    std::string name = arg.substr(2);
    std::string value;
    size_t eq = name.find('=');
    if (eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      flags.error = "--" + name + " needs a value";
      return flags;
    }
    bool known = false;
    for (const auto& a : allowed) known = known || a == name;
    if (!known) {
      flags.error = "unknown flag --" + name;
      return flags;
    }
    flags.values[name].push_back(value);
  }
  return flags;
}

int fail(const std::string& message) {
  std::fprintf(stderr, "remoractl: %s\n", message.c_str());
  return 1;
}

Status ensureDir(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return makeError(dir + ": " + ec.message(), ec.value());
  return okStatus();
}

int caInit(const Flags& flags) {
  auto domain = flags.get("trust-domain");
  auto out = flags.get("out");
  if (!domain || !out) return fail("ca init needs --trust-domain and --out\n" + std::string(kUsage));
  std::chrono::seconds ttl = std::chrono::hours(24 * 3650);
  if (auto t = flags.get("ttl")) {
    auto parsed = tls::parseTtl(*t);
    if (!parsed) return fail(parsed.error().message);
    ttl = *parsed;
  }
  if (auto s = ensureDir(*out); !s) return fail(s.error().message);
  auto ca = tls::CertificateAuthority::create(*domain, ttl);
  if (!ca) return fail(ca.error().message);
  if (auto s = ca->save(*out); !s) return fail(s.error().message);
  std::printf("root CA for trust domain %s (serial %s) written to %s/{%s,%s,%s}\n", domain->c_str(),
              tls::serialHex(ca->certificate()).c_str(), out->c_str(), tls::kCaCertFile,
              tls::kCaKeyFile, tls::kRootCertFile);
  return 0;
}

int caIssue(const Flags& flags) {
  auto ca_dir = flags.get("ca-dir");
  auto spiffe = flags.get("spiffe");
  auto out = flags.get("out");
  if (!ca_dir || !spiffe || !out) {
    return fail("ca issue needs --ca-dir, --spiffe and --out\n" + std::string(kUsage));
  }
  if (spiffe->rfind("spiffe://", 0) != 0 || spiffe->size() <= 9) {
    return fail("--spiffe must look like spiffe://DOMAIN/ns/NS/sa/SA");
  }
  auto ca = tls::CertificateAuthority::load(*ca_dir);
  if (!ca) return fail("loading the CA: " + ca.error().message);
  tls::IssueOptions options;
  options.uri_sans.push_back(*spiffe);
  auto dns = flags.values.find("dns");
  if (dns != flags.values.end()) options.dns_sans = dns->second;
  if (auto t = flags.get("ttl")) {
    auto parsed = tls::parseTtl(*t);
    if (!parsed) return fail(parsed.error().message);
    options.ttl = *parsed;
  }
  auto issued = ca->issue(options);
  if (!issued) return fail(issued.error().message);
  if (auto s = ensureDir(*out); !s) return fail(s.error().message);
  if (auto s = tls::saveIssued(*out, *issued, *ca); !s) return fail(s.error().message);
  std::printf("certificate for %s (serial %s) written to %s/{%s,%s,%s}\n", spiffe->c_str(),
              tls::serialHex(issued->certificate.get()).c_str(), out->c_str(),
              tls::kCertChainFile, tls::kKeyFile, tls::kRootCertFile);
  return 0;
}

int caShow(const Flags& flags) {
  auto path = flags.get("cert");
  if (!path) return fail("ca show needs --cert FILE");
  auto pem = tls::readFile(*path);
  if (!pem) return fail(pem.error().message);
  auto certs = tls::parseCertificatesPem(*pem);
  if (!certs) return fail(*path + ": " + certs.error().message);
  auto now = std::chrono::system_clock::now();
  for (const auto& cert : *certs) {
    std::printf("subject: %s\nserial: %s\ndays until expiry: %lld\n",
                tls::subjectString(cert.get()).c_str(), tls::serialHex(cert.get()).c_str(),
                static_cast<long long>(tls::daysUntilExpiry(cert.get(), now)));  // NOLINT
    for (const auto& uri : tls::uriSans(cert.get())) std::printf("uri san: %s\n", uri.c_str());
  }
  return 0;
}

}  // namespace

int runCaCommand(const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    std::fputs(kUsage, args.empty() ? stderr : stdout);
    return args.empty() ? 2 : 0;
  }
  const std::string& verb = args[0];
  Flags flags;
  if (verb == "init") {
    flags = parseFlags(args, 1, {"trust-domain", "out", "ttl"});
  } else if (verb == "issue") {
    flags = parseFlags(args, 1, {"ca-dir", "spiffe", "out", "ttl", "dns"});
  } else if (verb == "show") {
    flags = parseFlags(args, 1, {"cert"});
  } else {
    return fail("unknown command 'ca " + verb + "'\n" + kUsage);
  }
  if (!flags.error.empty()) return fail(flags.error + "\n" + kUsage);
  if (verb == "init") return caInit(flags);
  if (verb == "issue") return caIssue(flags);
  return caShow(flags);
}

}  // namespace remora::remoractl
