#pragma once

// Aerospike result codes as the server sends them (the C client's as_status.h
// must match the server's proto.h). This is the ONE place where the KV store's
// wire result codes are defined; everything that answers a client maps its
// errors to one of these.

#include <cstdint>
#include <string_view>

namespace remora::kv::protocol {

enum class ResultCode : uint8_t {
  kOk = 0,
  kServerError = 1,
  kRecordNotFound = 2,
  kGenerationError = 3,
  kParameterError = 4,  // request invalid / malformed
  kRecordExists = 5,
  kBinExists = 6,
  kClusterKeyMismatch = 7,
  kServerFull = 8,
  kTimeout = 9,
  kAlwaysForbidden = 10,
  kUnavailable = 11,  // partition not available on this node
  kIncompatibleType = 12,
  kRecordTooBig = 13,
  kKeyBusy = 14,
  kScanAborted = 15,
  kUnsupportedFeature = 16,
  kBinNotFound = 17,
  kDeviceOverload = 18,
  kKeyMismatch = 19,
  kNamespaceNotFound = 20,
  kBinName = 21,
  kForbidden = 22,
  kElementNotFound = 23,
  kElementExists = 24,
  kEnterpriseOnly = 25,
  kOpNotApplicable = 26,
  kFilteredOut = 27,
  kLostConflict = 28,
  kXdrKeyBusy = 32,
  kQueryEnd = 50,
  kSecurityNotSupported = 51,
  kSecurityNotEnabled = 52,
  kSecuritySchemeNotSupported = 53,
  kInvalidCommand = 54,
  kInvalidField = 55,
  kIllegalState = 56,
  kInvalidUser = 60,
  kUserAlreadyExists = 61,
  kInvalidPassword = 62,
  kExpiredPassword = 63,
  kForbiddenPassword = 64,
  kInvalidCredential = 65,
  kExpiredSession = 66,
  kInvalidRole = 70,
  kRoleAlreadyExists = 71,
  kInvalidPrivilege = 72,
  kInvalidWhitelist = 73,
  kQuotasNotEnabled = 74,
  kInvalidQuota = 75,
  kNotAuthenticated = 80,
  kRoleViolation = 81,
  kNotWhitelisted = 82,
  kQuotaExceeded = 83,
  kUdf = 100,
  kMrtBlocked = 120,
  kMrtVersionMismatch = 121,
  kMrtExpired = 122,
  kMrtTooManyWrites = 123,
  kMrtCommitted = 124,
  kMrtAborted = 125,
  kMrtAlreadyLocked = 126,
  kMrtMonitorExists = 127,
  kBatchDisabled = 150,
  kBatchMaxRequestsExceeded = 151,
  kBatchQueuesFull = 152,
  kGeoInvalidGeojson = 160,
  kIndexFound = 200,
  kIndexNotFound = 201,
  kIndexOom = 202,
  kIndexNotReadable = 203,
  kIndexGeneric = 204,
  kIndexNameMaxLen = 205,
  kIndexMaxCount = 206,
  kQueryAborted = 210,
  kQueryQueueFull = 211,
  kQueryTimeout = 212,
  kQueryGeneric = 213,
};

// The C client's name without the AEROSPIKE_ prefix ("ERR_RECORD_NOT_FOUND"),
// or "UNKNOWN" for a value outside the table. Used for stats names and logs.
std::string_view resultCodeName(ResultCode code);
// Lower-case stat suffix ("ok", "not_found", "generation", ...).
std::string_view resultCodeStatName(ResultCode code);

constexpr uint8_t toWire(ResultCode code) { return static_cast<uint8_t>(code); }

}  // namespace remora::kv::protocol
