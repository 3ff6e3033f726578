#pragma once

// A pure parser for the first bytes of a TLS connection: it recognises a
// ClientHello (possibly split over several TLS records) and extracts what
// filter-chain matching needs (SNI, offered ALPN, offered TLS versions)
// without consuming or modifying anything. The tls_inspector listener filter
// calls it each time more bytes have been peeked, until the status is final.
//
// Bounded: never reads past `size`, never allocates more than the strings it
// returns, and gives up with TooLarge once the hello would exceed
// `max_hello_size`. Pure function; any thread.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace remora::filters::tls_inspector {

enum class ClientHelloStatus {
  Complete,      // a full, well-formed ClientHello: the fields below are set
  NeedMoreData,  // consistent so far; peek more bytes and call again
  NotTls,        // the bytes cannot be the start of a TLS connection
  Malformed,     // starts like TLS but violates the record/handshake syntax
  TooLarge,      // the ClientHello is larger than the cap
};

struct ClientHello {
  std::string server_name;                  // SNI host_name ("" if absent)
  std::vector<std::string> alpn_protocols;  // in the client's order
  uint16_t legacy_version = 0;              // ClientHello.legacy_version (0x0303)
  std::vector<uint16_t> supported_versions; // from the extension, GREASE removed
  // Bytes from the start of the stream to the end of the hello's last record.
  size_t bytes_used = 0;

  // The highest version offered: from supported_versions, else legacy_version.
  uint16_t maxVersion() const;
};

struct ClientHelloResult {
  ClientHelloStatus status = ClientHelloStatus::NeedMoreData;
  ClientHello hello;   // valid when status == Complete
  std::string error;   // why, when NotTls, Malformed or TooLarge
};

// Envoy's tls_inspector default cap.
inline constexpr size_t kDefaultMaxClientHelloSize = 64 * 1024;

ClientHelloResult parseClientHello(const uint8_t* data, size_t size,
                                   size_t max_hello_size = kDefaultMaxClientHelloSize);

// "TLSv1.2", "TLSv1.3", ... ("unknown" otherwise).
const char* tlsVersionName(uint16_t version);

}  // namespace remora::filters::tls_inspector
