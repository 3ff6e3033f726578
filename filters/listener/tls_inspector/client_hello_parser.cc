#include "filters/listener/tls_inspector/client_hello_parser.h"

#include <algorithm>

namespace remora::filters::tls_inspector {
namespace {

constexpr uint8_t kRecordHandshake = 0x16;
constexpr uint8_t kHandshakeClientHello = 0x01;
constexpr size_t kRecordHeader = 5;
constexpr size_t kHandshakeHeader = 4;
// RFC 8446 5.1: a plaintext record carries at most 2^14 bytes.
constexpr size_t kMaxRecordPayload = 1 << 14;
constexpr uint16_t kExtServerName = 0;
constexpr uint16_t kExtAlpn = 16;
constexpr uint16_t kExtSupportedVersions = 43;

// RFC 8701: GREASE values look like 0x?a?a with equal bytes.
bool isGrease(uint16_t v) { return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff); }

// A bounds-checked cursor over the reassembled handshake message.
class Reader {
 public:
  Reader(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  bool u8(uint8_t& out) {
    if (left() < 1) return false;
    out = data_[pos_++];
    return true;
  }
  bool u16(uint16_t& out) {
    if (left() < 2) return false;
    out = static_cast<uint16_t>((data_[pos_] << 8) | data_[pos_ + 1]);
    pos_ += 2;
    return true;
  }
  bool bytes(size_t n, Reader& out) {
    if (left() < n) return false;
    out = Reader(data_ + pos_, n);
    pos_ += n;
    return true;
  }
  bool skip(size_t n) {
    if (left() < n) return false;
    pos_ += n;
    return true;
  }
  // A vector with a 1- or 2-byte length prefix.
  bool vec8(Reader& out) {
    uint8_t n;
    return u8(n) && bytes(n, out);
  }
  bool vec16(Reader& out) {
    uint16_t n;
    return u16(n) && bytes(n, out);
  }
  size_t left() const { return size_ - pos_; }
  const uint8_t* cur() const { return data_ + pos_; }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

ClientHelloResult fail(ClientHelloStatus status, std::string error) {
  ClientHelloResult r;
  r.status = status;
  r.error = std::move(error);
  return r;
}

bool parseServerName(Reader ext, std::string& out) {
  Reader list(nullptr, 0);
  if (!ext.vec16(list) || ext.left() != 0 || list.left() == 0) return false;
  while (list.left() > 0) {
    uint8_t type;
    Reader name(nullptr, 0);
    if (!list.u8(type) || !list.vec16(name)) return false;
    if (type != 0) continue;  // only host_name is defined
    if (name.left() == 0 || name.left() > 255 || !out.empty()) return false;
    for (size_t i = 0; i < name.left(); ++i) {
      uint8_t c = name.cur()[i];
      if (c <= 0x20 || c >= 0x7f) return false;  // no NUL, spaces or controls
    }
    out.assign(reinterpret_cast<const char*>(name.cur()), name.left());
  }
  return true;
}

bool parseAlpn(Reader ext, std::vector<std::string>& out) {
  Reader list(nullptr, 0);
  if (!ext.vec16(list) || ext.left() != 0 || list.left() == 0) return false;
  while (list.left() > 0) {
    Reader proto(nullptr, 0);
    if (!list.vec8(proto) || proto.left() == 0) return false;
    out.emplace_back(reinterpret_cast<const char*>(proto.cur()), proto.left());
  }
  return true;
}

bool parseSupportedVersions(Reader ext, std::vector<uint16_t>& out) {
  Reader list(nullptr, 0);
  if (!ext.vec8(list) || ext.left() != 0 || list.left() == 0 || list.left() % 2 != 0) {
    return false;
  }
  while (list.left() > 0) {
    uint16_t v = 0;
    list.u16(v);
    if (!isGrease(v)) out.push_back(v);
  }
  return true;
}

// Parses a complete ClientHello body (after the 4-byte handshake header).
bool parseBody(Reader body, ClientHello& hello, std::string& error) {
  Reader skipped(nullptr, 0);
  if (!body.u16(hello.legacy_version) || !body.skip(32)) return error = "truncated header", false;
  if (!body.vec8(skipped) || skipped.left() > 32) return error = "bad session id", false;
  if (!body.vec16(skipped) || skipped.left() < 2 || skipped.left() % 2 != 0) {
    return error = "bad cipher suites", false;
  }
  if (!body.vec8(skipped) || skipped.left() < 1) return error = "bad compression methods", false;
  if (body.left() == 0) return true;  // no extensions (TLS 1.2 and older)
  Reader exts(nullptr, 0);
  if (!body.vec16(exts) || body.left() != 0) return error = "bad extensions length", false;
  std::vector<uint16_t> seen_types;
  while (exts.left() > 0) {
    uint16_t type;
    Reader ext(nullptr, 0);
    if (!exts.u16(type) || !exts.vec16(ext)) return error = "truncated extension", false;
    // RFC 8446 4.2: an extension type appears at most once.
    if (std::find(seen_types.begin(), seen_types.end(), type) != seen_types.end()) {
      return error = "duplicate extension " + std::to_string(type), false;
    }
    seen_types.push_back(type);
    if (type == kExtServerName) {
      if (!parseServerName(ext, hello.server_name)) return error = "bad server_name", false;
    } else if (type == kExtAlpn) {
      if (!parseAlpn(ext, hello.alpn_protocols)) return error = "bad ALPN", false;
    } else if (type == kExtSupportedVersions) {
      if (!parseSupportedVersions(ext, hello.supported_versions)) {
        return error = "bad supported_versions", false;
      }
    }
  }
  return true;
}

}  // namespace

uint16_t ClientHello::maxVersion() const {
  if (supported_versions.empty()) return legacy_version;
  return *std::max_element(supported_versions.begin(), supported_versions.end());
}

const char* tlsVersionName(uint16_t version) {
  switch (version) {
    case 0x0300: return "SSLv3";
    case 0x0301: return "TLSv1";
    case 0x0302: return "TLSv1.1";
    case 0x0303: return "TLSv1.2";
    case 0x0304: return "TLSv1.3";
    default: return "unknown";
  }
}

ClientHelloResult parseClientHello(const uint8_t* data, size_t size, size_t max_hello_size) {
  // The first two bytes decide "TLS or not" as early as possible so that
  // plaintext protocols are never held back waiting for more bytes.
  if (size >= 1 && data[0] != kRecordHandshake) {
    return fail(ClientHelloStatus::NotTls, "first byte is not a TLS handshake record");
  }
  if (size >= 2 && data[1] != 0x03) {
    return fail(ClientHelloStatus::NotTls, "record version is not 3.x");
  }

  // Reassemble the handshake message from consecutive handshake records.
  // Only the first 4 + length bytes are ever copied, and length is capped.
  std::string message;
  size_t pos = 0;
  size_t needed = 0;  // full message length once the header is known
  while (true) {
    if (size - pos < kRecordHeader) return {};
    const uint8_t* rec = data + pos;
    if (rec[0] != kRecordHandshake) {
      return fail(ClientHelloStatus::Malformed, "ClientHello interrupted by another record type");
    }
    if (rec[1] != 0x03) return fail(ClientHelloStatus::Malformed, "bad record version");
    size_t len = static_cast<size_t>((rec[3] << 8) | rec[4]);
    if (len == 0 || len > kMaxRecordPayload) {
      return fail(ClientHelloStatus::Malformed, "bad record length " + std::to_string(len));
    }
    size_t available = std::min(len, size - pos - kRecordHeader);
    size_t want = needed == 0 ? available : std::min(available, needed - message.size());
    message.append(reinterpret_cast<const char*>(rec + kRecordHeader), want);
    if (needed == 0 && message.size() >= kHandshakeHeader) {
      auto m = reinterpret_cast<const uint8_t*>(message.data());
      if (m[0] != kHandshakeClientHello) {
        return fail(ClientHelloStatus::Malformed, "first handshake message is not a ClientHello");
      }
      needed = kHandshakeHeader + ((static_cast<size_t>(m[1]) << 16) | (m[2] << 8) | m[3]);
      if (needed > max_hello_size) {
        return fail(ClientHelloStatus::TooLarge,
                    "ClientHello of " + std::to_string(needed) + " bytes exceeds the cap of " +
                        std::to_string(max_hello_size));
      }
      if (message.size() > needed) {
        // Another handshake message shares the record: only the hello counts.
        message.resize(needed);
      }
    }
    if (available < len) {
      if (needed != 0 && message.size() >= needed) {
        // The hello ends inside this record; the rest of the record is not needed.
      } else {
        return {};  // the record is incomplete
      }
    }
    pos += kRecordHeader + len;
    if (needed != 0 && message.size() >= needed) break;
    if (pos - message.size() > max_hello_size) {
      return fail(ClientHelloStatus::TooLarge, "too many records before the ClientHello ends");
    }
  }

  ClientHelloResult result;
  std::string error;
  Reader body(reinterpret_cast<const uint8_t*>(message.data()) + kHandshakeHeader,
              needed - kHandshakeHeader);
  if (!parseBody(body, result.hello, error)) {
    return fail(ClientHelloStatus::Malformed, "malformed ClientHello: " + error);
  }
  result.hello.bytes_used = std::min(pos, size);
  result.status = ClientHelloStatus::Complete;
  return result;
}

}  // namespace remora::filters::tls_inspector
