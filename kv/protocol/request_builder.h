#pragma once

// Builds request frames (client side, and tests of the server). Owns the
// bytes its fields and ops point at, so it can be filled from temporaries.
//
//   std::string frame = RequestBuilder()
//       .info2(info2::kWrite)
//       .key("test", "demo", digest)
//       .op(OpType::kWrite, ParticleType::kInteger, "i", encodeInteger(42))
//       .frame();

#include <deque>
#include <string>
#include <string_view>

#include "kv/protocol/as_msg.h"
#include "kv/protocol/digest.h"

namespace remora::kv::protocol {

class RequestBuilder {
 public:
  RequestBuilder& info1(uint8_t v) { msg_.header.info1 |= v; return *this; }
  RequestBuilder& info2(uint8_t v) { msg_.header.info2 |= v; return *this; }
  RequestBuilder& info3(uint8_t v) { msg_.header.info3 |= v; return *this; }
  RequestBuilder& generation(uint32_t v) { msg_.header.generation = v; return *this; }
  RequestBuilder& recordTtl(uint32_t v) { msg_.header.record_ttl = v; return *this; }
  RequestBuilder& timeoutMs(uint32_t v) { msg_.header.transaction_ttl = v; return *this; }

  // NAMESPACE, SET (always, empty when there is none) and DIGEST, as the
  // official client orders them.
  RequestBuilder& key(std::string_view ns, std::string_view set, const Digest& digest);
  RequestBuilder& field(FieldType type, std::string_view data);
  RequestBuilder& op(OpType op, ParticleType type, std::string_view name, std::string_view value);
  RequestBuilder& readBin(std::string_view name) {
    return op(OpType::kRead, ParticleType::kNull, name, "");
  }

  const AsMsg& message() const { return msg_; }
  // The body (as_msg) and the whole type-3 frame.
  std::string body() const;
  std::string frame() const;

 private:
  std::string_view keep(std::string_view data);

  AsMsg msg_;
  std::deque<std::string> storage_;
};

}  // namespace remora::kv::protocol
