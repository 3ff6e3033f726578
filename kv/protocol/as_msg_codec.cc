#include "kv/protocol/as_msg_codec.h"

#include "kv/protocol/byte_order.h"
#include "kv/protocol/proto_header.h"
#include "kv/protocol/result_code.h"

namespace remora::kv::protocol {

namespace {

Error malformed(std::string what) {
  return makeError("malformed as_msg: " + std::move(what), toWire(ResultCode::kParameterError));
}

}  // namespace

Result<AsMsg> decodeAsMsg(std::string_view body, size_t* consumed) {
  const auto* p = reinterpret_cast<const uint8_t*>(body.data());
  const size_t len = body.size();
  if (len < kAsMsgHeaderSize) return malformed("truncated header");
  if (p[0] != kAsMsgHeaderSize) return malformed("header_sz " + std::to_string(p[0]));

  AsMsg msg;
  msg.header.info1 = p[1];
  msg.header.info2 = p[2];
  msg.header.info3 = p[3];
  msg.header.info4 = p[4];
  msg.header.result_code = p[5];
  msg.header.generation = loadBe32(p + 6);
  msg.header.record_ttl = loadBe32(p + 10);
  msg.header.transaction_ttl = loadBe32(p + 14);
  const uint16_t n_fields = loadBe16(p + 18);
  const uint16_t n_ops = loadBe16(p + 20);

  size_t pos = kAsMsgHeaderSize;
  // Each field needs at least 5 bytes and each op 8, so the counts are bounded
  // by the bytes present before anything is reserved.
  if (static_cast<size_t>(n_fields) * 5 + static_cast<size_t>(n_ops) * 8 > len - pos) {
    return malformed("field/op counts exceed the message");
  }
  msg.fields.reserve(n_fields);
  for (uint16_t i = 0; i < n_fields; ++i) {
    if (len - pos < 5) return malformed("truncated field header");
    const uint32_t size = loadBe32(p + pos);
    if (size < 1) return malformed("field size 0");
    if (size > len - pos - 4) return malformed("field overruns the message");
    Field f{static_cast<FieldType>(p[pos + 4]),
            std::string_view(body.data() + pos + 5, size - 1)};
    msg.fields.push_back(f);
    pos += 4 + size;
  }
  msg.ops.reserve(n_ops);
  for (uint16_t i = 0; i < n_ops; ++i) {
    if (len - pos < 8) return malformed("truncated op header");
    const uint32_t size = loadBe32(p + pos);
    if (size < 4) return malformed("op size below 4");
    if (size > len - pos - 4) return malformed("op overruns the message");
    const uint8_t name_len = p[pos + 7];
    if (name_len > size - 4) return malformed("bin name overruns the op");
    Op op;
    op.op = static_cast<OpType>(p[pos + 4]);
    op.particle_type = static_cast<ParticleType>(p[pos + 5]);
    op.flags = p[pos + 6];
    op.name = std::string_view(body.data() + pos + 8, name_len);
    op.value = std::string_view(body.data() + pos + 8 + name_len, size - 4 - name_len);
    msg.ops.push_back(op);
    pos += 4 + size;
  }
  if (consumed != nullptr) {
    *consumed = pos;
  } else if (pos != len) {
    return malformed(std::to_string(len - pos) + " trailing bytes");
  }
  return msg;
}

void appendAsMsgHeader(std::string& out, const AsMsgHeader& h, uint16_t n_fields,
                       uint16_t n_ops) {
  uint8_t b[kAsMsgHeaderSize];
  b[0] = kAsMsgHeaderSize;
  b[1] = h.info1;
  b[2] = h.info2;
  b[3] = h.info3;
  b[4] = h.info4;
  b[5] = h.result_code;
  storeBe32(b + 6, h.generation);
  storeBe32(b + 10, h.record_ttl);
  storeBe32(b + 14, h.transaction_ttl);
  storeBe16(b + 18, n_fields);
  storeBe16(b + 20, n_ops);
  out.append(reinterpret_cast<const char*>(b), sizeof(b));
}

void appendField(std::string& out, FieldType type, std::string_view data) {
  appendBe32(out, static_cast<uint32_t>(data.size() + 1));
  appendU8(out, static_cast<uint8_t>(type));
  out.append(data);
}

void appendOp(std::string& out, const Op& op) {
  appendBe32(out, static_cast<uint32_t>(4 + op.name.size() + op.value.size()));
  appendU8(out, static_cast<uint8_t>(op.op));
  appendU8(out, static_cast<uint8_t>(op.particle_type));
  appendU8(out, op.flags);
  appendU8(out, static_cast<uint8_t>(op.name.size()));
  out.append(op.name);
  out.append(op.value);
}

void appendAsMsg(std::string& out, const AsMsg& msg) {
  appendAsMsgHeader(out, msg.header, static_cast<uint16_t>(msg.fields.size()),
                    static_cast<uint16_t>(msg.ops.size()));
  for (const auto& f : msg.fields) appendField(out, f.type, f.data);
  for (const auto& op : msg.ops) appendOp(out, op);
}

std::string encodeAsMsgFrame(const AsMsg& msg) {
  std::string out;
  const size_t start = beginFrame(out);
  appendAsMsg(out, msg);
  endFrame(out, start, MessageType::kAsMsg);
  return out;
}

}  // namespace remora::kv::protocol
