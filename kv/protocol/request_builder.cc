#include "kv/protocol/request_builder.h"

#include "kv/protocol/as_msg_codec.h"

namespace remora::kv::protocol {

std::string_view RequestBuilder::keep(std::string_view data) {
  storage_.emplace_back(data);
  return storage_.back();
}

RequestBuilder& RequestBuilder::key(std::string_view ns, std::string_view set,
                                    const Digest& digest) {
  field(FieldType::kNamespace, ns);
  field(FieldType::kSet, set);
  return field(FieldType::kDigest,
               std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
}

RequestBuilder& RequestBuilder::field(FieldType type, std::string_view data) {
  msg_.fields.push_back(Field{type, keep(data)});
  return *this;
}

RequestBuilder& RequestBuilder::op(OpType op, ParticleType type, std::string_view name,
                                   std::string_view value) {
  msg_.ops.push_back(Op{op, type, 0, keep(name), keep(value)});
  return *this;
}

std::string RequestBuilder::body() const {
  std::string out;
  appendAsMsg(out, msg_);
  return out;
}

std::string RequestBuilder::frame() const { return encodeAsMsgFrame(msg_); }

}  // namespace remora::kv::protocol
