#include "kv/node/bin_ops.h"

#include <algorithm>

#include "kv/protocol/particle.h"

namespace remora::kv::node {

using protocol::OpType;
using protocol::ParticleType;
using protocol::ResultCode;

namespace {

uint8_t wire(ParticleType t) { return static_cast<uint8_t>(t); }

ResultCode applyIncr(std::vector<storage::Bin>& bins, const protocol::Op& op) {
  storage::Bin* bin = findBin(bins, op.name);
  if (op.particle_type == ParticleType::kInteger) {
    auto delta = protocol::decodeInteger(op.value);
    if (!delta) return ResultCode::kParameterError;
    if (bin == nullptr) {
      bins.push_back({std::string(op.name), wire(ParticleType::kInteger),
                      protocol::encodeInteger(*delta)});
      return ResultCode::kOk;
    }
    if (bin->particle_type != wire(ParticleType::kInteger)) return ResultCode::kIncompatibleType;
    auto current = protocol::decodeInteger(bin->value);
    if (!current) return ResultCode::kIncompatibleType;
    // Two's-complement wrap, as the server's 64-bit add does.
    const auto sum = static_cast<int64_t>(static_cast<uint64_t>(*current) +
                                          static_cast<uint64_t>(*delta));
    bin->value = protocol::encodeInteger(sum);
    return ResultCode::kOk;
  }
  if (op.particle_type == ParticleType::kFloat) {
    auto delta = protocol::decodeDouble(op.value);
    if (!delta) return ResultCode::kParameterError;
    if (bin == nullptr) {
      bins.push_back(
          {std::string(op.name), wire(ParticleType::kFloat), protocol::encodeDouble(*delta)});
      return ResultCode::kOk;
    }
    if (bin->particle_type != wire(ParticleType::kFloat)) return ResultCode::kIncompatibleType;
    auto current = protocol::decodeDouble(bin->value);
    if (!current) return ResultCode::kIncompatibleType;
    bin->value = protocol::encodeDouble(*current + *delta);
    return ResultCode::kOk;
  }
  return ResultCode::kIncompatibleType;
}

ResultCode applyConcat(std::vector<storage::Bin>& bins, const protocol::Op& op, bool append) {
  if (op.particle_type != ParticleType::kString && op.particle_type != ParticleType::kBlob) {
    return ResultCode::kIncompatibleType;
  }
  storage::Bin* bin = findBin(bins, op.name);
  if (bin == nullptr) {
    bins.push_back({std::string(op.name), wire(op.particle_type), std::string(op.value)});
    return ResultCode::kOk;
  }
  if (bin->particle_type != wire(op.particle_type)) return ResultCode::kIncompatibleType;
  if (append) {
    bin->value.append(op.value);
  } else {
    bin->value.insert(0, op.value);
  }
  return ResultCode::kOk;
}

}  // namespace

storage::Bin* findBin(std::vector<storage::Bin>& bins, std::string_view name) {
  for (auto& b : bins) {
    if (b.name == name) return &b;
  }
  return nullptr;
}

const storage::Bin* findBin(const std::vector<storage::Bin>& bins, std::string_view name) {
  for (const auto& b : bins) {
    if (b.name == name) return &b;
  }
  return nullptr;
}

ResultCode applyBinOp(std::vector<storage::Bin>& bins, const protocol::Op& op) {
  if (op.name.size() > protocol::kMaxBinNameLength) return ResultCode::kBinName;
  switch (op.op) {
    case OpType::kWrite: {
      if (op.particle_type == ParticleType::kNull) {
        bins.erase(std::remove_if(bins.begin(), bins.end(),
                                  [&](const storage::Bin& b) { return b.name == op.name; }),
                   bins.end());
        return ResultCode::kOk;
      }
      if (op.particle_type == ParticleType::kInteger && !protocol::decodeInteger(op.value)) {
        return ResultCode::kParameterError;
      }
      if (op.particle_type == ParticleType::kFloat && !protocol::decodeDouble(op.value)) {
        return ResultCode::kParameterError;
      }
      storage::Bin* bin = findBin(bins, op.name);
      if (bin == nullptr) {
        bins.push_back({std::string(op.name), wire(op.particle_type), std::string(op.value)});
      } else {
        bin->particle_type = wire(op.particle_type);
        bin->value.assign(op.value);
      }
      return ResultCode::kOk;
    }
    case OpType::kIncr: return applyIncr(bins, op);
    case OpType::kAppend: return applyConcat(bins, op, true);
    case OpType::kPrepend: return applyConcat(bins, op, false);
    default: return ResultCode::kOpNotApplicable;
  }
}

}  // namespace remora::kv::node
