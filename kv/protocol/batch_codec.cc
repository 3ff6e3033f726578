#include "kv/protocol/batch_codec.h"

#include <cstring>

#include "kv/protocol/as_msg_codec.h"
#include "kv/protocol/byte_order.h"
#include "kv/protocol/result_code.h"

namespace remora::kv::protocol {

namespace {

Error malformed(std::string what) {
  return makeError("malformed batch index: " + std::move(what),
                   toWire(ResultCode::kParameterError));
}

std::string_view fieldData(const std::vector<Field>& fields, FieldType type) {
  for (const auto& f : fields) {
    if (f.type == type) return f.data;
  }
  return {};
}

bool sameOps(const std::vector<Op>& a, const std::vector<Op>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].op != b[i].op || a[i].particle_type != b[i].particle_type || a[i].name != b[i].name ||
        a[i].value != b[i].value) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string_view BatchRow::namespaceName() const { return fieldData(fields, FieldType::kNamespace); }
std::string_view BatchRow::setName() const { return fieldData(fields, FieldType::kSet); }

Result<BatchRequest> decodeBatchIndex(std::string_view field, uint32_t max_rows) {
  const auto* p = reinterpret_cast<const uint8_t*>(field.data());
  const size_t len = field.size();
  if (len < 5) return malformed("truncated header");
  BatchRequest req;
  const uint32_t n_rows = loadBe32(p);
  req.flags = p[4];
  // A row is at least index + digest + type byte.
  if (n_rows > max_rows || static_cast<uint64_t>(n_rows) * 25 > len - 5) {
    return malformed("row count " + std::to_string(n_rows));
  }
  req.rows.reserve(n_rows);
  size_t pos = 5;
  for (uint32_t i = 0; i < n_rows; ++i) {
    if (len - pos < 25) return malformed("truncated row");
    BatchRow row;
    row.index = loadBe32(p + pos);
    std::memcpy(row.digest.data(), p + pos + 4, kDigestSize);
    const uint8_t type = p[pos + 24];
    pos += 25;
    if (type & batch_row::kRepeat) {
      if (req.rows.empty()) return malformed("first row is a repeat");
      const BatchRow& prev = req.rows.back();
      row.header = prev.header;
      row.fields = prev.fields;
      row.ops = prev.ops;
      req.rows.push_back(std::move(row));
      continue;
    }
    size_t need = 1 + ((type & batch_row::kHasInfo) ? 2 : 0) +
                  ((type & batch_row::kHasInfo4) ? 1 : 0) +
                  ((type & batch_row::kHasGeneration) ? 2 : 0) +
                  ((type & batch_row::kHasTtl) ? 4 : 0) + 4;
    if (len - pos < need) return malformed("truncated row header");
    row.header.info1 = p[pos++];
    if (type & batch_row::kHasInfo) {
      row.header.info2 = p[pos++];
      row.header.info3 = p[pos++];
    }
    if (type & batch_row::kHasInfo4) row.header.info4 = p[pos++];
    if (type & batch_row::kHasGeneration) {
      row.header.generation = loadBe16(p + pos);
      pos += 2;
    }
    if (type & batch_row::kHasTtl) {
      row.header.record_ttl = loadBe32(p + pos);
      pos += 4;
    }
    const uint16_t n_fields = loadBe16(p + pos);
    const uint16_t n_ops = loadBe16(p + pos + 2);
    pos += 4;
    for (uint16_t f = 0; f < n_fields; ++f) {
      if (len - pos < 5) return malformed("truncated field");
      const uint32_t size = loadBe32(p + pos);
      if (size < 1 || size > len - pos - 4) return malformed("field overruns the batch");
      row.fields.push_back(
          Field{static_cast<FieldType>(p[pos + 4]), field.substr(pos + 5, size - 1)});
      pos += 4 + size;
    }
    for (uint16_t o = 0; o < n_ops; ++o) {
      if (len - pos < 8) return malformed("truncated op");
      const uint32_t size = loadBe32(p + pos);
      if (size < 4 || size > len - pos - 4) return malformed("op overruns the batch");
      const uint8_t name_len = p[pos + 7];
      if (name_len > size - 4) return malformed("bin name overruns the op");
      Op op;
      op.op = static_cast<OpType>(p[pos + 4]);
      op.particle_type = static_cast<ParticleType>(p[pos + 5]);
      op.flags = p[pos + 6];
      op.name = field.substr(pos + 8, name_len);
      op.value = field.substr(pos + 8 + name_len, size - 4 - name_len);
      row.ops.push_back(op);
      pos += 4 + size;
    }
    req.rows.push_back(std::move(row));
  }
  if (pos != len) return malformed(std::to_string(len - pos) + " trailing bytes");
  return req;
}

void appendBatchIndex(std::string& out, const BatchRequest& request) {
  appendBe32(out, static_cast<uint32_t>(request.rows.size()));
  appendU8(out, request.flags);
  const BatchRow* prev = nullptr;
  for (const auto& row : request.rows) {
    appendBe32(out, row.index);
    out.append(reinterpret_cast<const char*>(row.digest.data()), row.digest.size());
    const bool repeat = prev != nullptr && prev->namespaceName() == row.namespaceName() &&
                        prev->setName() == row.setName() && prev->fields.size() == 2 &&
                        row.fields.size() == 2 && prev->header.info1 == row.header.info1 &&
                        prev->header.info2 == row.header.info2 &&
                        prev->header.info3 == row.header.info3 &&
                        prev->header.info4 == row.header.info4 &&
                        prev->header.generation == row.header.generation &&
                        prev->header.record_ttl == row.header.record_ttl &&
                        sameOps(prev->ops, row.ops);
    if (repeat) {
      appendU8(out, batch_row::kRepeat);
      continue;
    }
    uint8_t type = batch_row::kHasInfo | batch_row::kHasGeneration | batch_row::kHasTtl;
    if (row.header.info4 != 0) type |= batch_row::kHasInfo4;
    appendU8(out, type);
    appendU8(out, row.header.info1);
    appendU8(out, row.header.info2);
    appendU8(out, row.header.info3);
    if (type & batch_row::kHasInfo4) appendU8(out, row.header.info4);
    appendBe16(out, static_cast<uint16_t>(row.header.generation));
    appendBe32(out, row.header.record_ttl);
    appendBe16(out, static_cast<uint16_t>(row.fields.size()));
    appendBe16(out, static_cast<uint16_t>(row.ops.size()));
    for (const auto& f : row.fields) appendField(out, f.type, f.data);
    for (const auto& op : row.ops) appendOp(out, op);
    prev = &row;
  }
}

}  // namespace remora::kv::protocol
