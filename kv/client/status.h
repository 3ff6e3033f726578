#pragma once

// Error codes of the client. Positive codes are the server's result codes
// (kv/protocol/result_code.h), passed through unchanged; negative ones are
// the client's own, numbered like the C client's as_status.h.

namespace remora::kv::client {

namespace status {
constexpr int kClientError = -1;       // AEROSPIKE_ERR_CLIENT
constexpr int kParameter = -2;         // AEROSPIKE_ERR_PARAM (client side)
constexpr int kInvalidNode = -8;       // no node for the partition
constexpr int kNoMoreConnections = -7; // pool exhausted
constexpr int kConnection = -10;       // connect, send or read failed
constexpr int kTimeout = 9;            // AEROSPIKE_ERR_TIMEOUT (client timeouts too)
}  // namespace status

}  // namespace remora::kv::client
