// remora-kv: a small command-line client for remora-kvd (or any Aerospike
// server).
//
//   remora-kv put    -h HOST:PORT -n NS -s SET -k KEY name=value ... [--bytes] [--ttl S]
//   remora-kv get    -h HOST:PORT -n NS -s SET -k KEY [bin ...]
//   remora-kv exists -h HOST:PORT -n NS -s SET -k KEY
//   remora-kv delete -h HOST:PORT -n NS -s SET -k KEY
//   remora-kv scan   -h HOST:PORT -n NS [-s SET]
//   remora-kv info   -h HOST:PORT [command ...]
//
// Keys are strings unless --int-key. Values: 42 → integer, 1.5 → double,
// anything else (or quoted) → string; --bytes reads them as hex blobs.
// Exit status: 0 success, 2 record not found, 1 any other error.

#include <csignal>
#include <cstdio>
#include <string>

#include "kv/client/client.h"
#include "kv/protocol/info_codec.h"
#include "kv/tools/cli_args.h"

namespace {

using namespace remora;
using namespace remora::kv;

void usage() {
  std::fprintf(stderr,
               "usage: remora-kv get|put|delete|exists|scan|info [-h host:port] [-n ns] [-s set]\n"
               "                 [-k key] [--int-key] [--bytes] [--ttl S] [--timeout MS]\n"
               "                 [name=value ...] [bin ...] [info-command ...]\n");
}

void printRecord(const client::Record& r) {
  std::printf("generation=%u ttl=%lld\n", r.generation, static_cast<long long>(r.ttl));
  for (const auto& [name, v] : r.bins) std::printf("  %s = %s\n", name.c_str(), v.toString().c_str());
}

int fail(const Error& e) {
  std::fprintf(stderr, "error %d: %s\n", e.code, e.message.c_str());
  return e.code == 2 ? 2 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  // A peer that resets while we write costs EPIPE on that socket, not the process.
  std::signal(SIGPIPE, SIG_IGN);
  auto args = tools::parseCliArgs(argc, argv);
  if (!args) {
    std::fprintf(stderr, "remora-kv: %s\n", args.error().message.c_str());
    usage();
    return 1;
  }
  client::ClientConfig config;
  config.seeds = {args->host};
  config.tend_interval_ms = 1000;
  auto c = client::Client::connect(config);
  if (!c) return fail(c.error());
  client::Client& kv = **c;

  if (args->command == "info") {
    std::string commands;
    for (const auto& cmd : args->info_commands) commands += cmd + "\n";
    auto reply = kv.info(commands);
    if (!reply) return fail(reply.error());
    std::fputs(reply->c_str(), stdout);
    return 0;
  }
  if (args->command == "scan") {
    client::ScanPolicy policy;
    uint64_t n = 0;
    auto st = kv.scan(policy, args->ns, args->set, [&](const client::Key& key, const client::Record& r) {
      ++n;
      std::printf("%s %s ", protocol::digestToHex(key.digest).c_str(),
                  key.user_key.isNull() ? "" : key.user_key.toString().c_str());
      printRecord(r);
      return true;
    });
    if (!st) return fail(st.error());
    std::printf("%llu records\n", static_cast<unsigned long long>(n));
    return 0;
  }

  client::Value user_key = args->key_is_int ? tools::inferValue(args->key) : client::Value(args->key);
  if (args->key_is_int && !user_key.isInt()) {
    std::fprintf(stderr, "remora-kv: --int-key needs an integer key\n");
    return 1;
  }
  auto key = client::Key::make(args->ns, args->set, user_key);
  if (!key) return fail(key.error());
  client::ReadPolicy read;
  read.total_timeout_ms = args->timeout_ms;
  client::WritePolicy write;
  write.total_timeout_ms = args->timeout_ms;
  write.ttl = args->ttl;
  write.send_key = true;

  if (args->command == "put") {
    client::Bins bins;
    for (const auto& b : args->bins) {
      const size_t eq = b.find('=');
      const std::string name = b.substr(0, eq), text = b.substr(eq + 1);
      if (args->bytes) {
        auto v = tools::hexBytes(text);
        if (!v) return fail(v.error());
        bins[name] = *v;
      } else {
        bins[name] = tools::inferValue(text);
      }
    }
    auto st = kv.put(write, *key, bins);
    if (!st) return fail(st.error());
    std::printf("ok\n");
    return 0;
  }
  if (args->command == "get") {
    auto r = kv.get(read, *key, args->bins);
    if (!r) return fail(r.error());
    printRecord(*r);
    return 0;
  }
  if (args->command == "exists") {
    auto r = kv.exists(read, *key);
    if (!r) return fail(r.error());
    std::printf("%s\n", *r ? "true" : "false");
    return *r ? 0 : 2;
  }
  auto r = kv.remove(write, *key);  // delete
  if (!r) return fail(r.error());
  std::printf("%s\n", *r ? "deleted" : "not found");
  return *r ? 0 : 2;
}
