#include "kv/protocol/result_code.h"

namespace remora::kv::protocol {

std::string_view resultCodeName(ResultCode code) {
  switch (code) {
    case ResultCode::kOk: return "OK";
    case ResultCode::kServerError: return "ERR_SERVER";
    case ResultCode::kRecordNotFound: return "ERR_RECORD_NOT_FOUND";
    case ResultCode::kGenerationError: return "ERR_RECORD_GENERATION";
    case ResultCode::kParameterError: return "ERR_REQUEST_INVALID";
    case ResultCode::kRecordExists: return "ERR_RECORD_EXISTS";
    case ResultCode::kBinExists: return "ERR_BIN_EXISTS";
    case ResultCode::kClusterKeyMismatch: return "ERR_CLUSTER_CHANGE";
    case ResultCode::kServerFull: return "ERR_SERVER_FULL";
    case ResultCode::kTimeout: return "ERR_TIMEOUT";
    case ResultCode::kAlwaysForbidden: return "ERR_ALWAYS_FORBIDDEN";
    case ResultCode::kUnavailable: return "ERR_CLUSTER";
    case ResultCode::kIncompatibleType: return "ERR_BIN_INCOMPATIBLE_TYPE";
    case ResultCode::kRecordTooBig: return "ERR_RECORD_TOO_BIG";
    case ResultCode::kKeyBusy: return "ERR_RECORD_BUSY";
    case ResultCode::kScanAborted: return "ERR_SCAN_ABORTED";
    case ResultCode::kUnsupportedFeature: return "ERR_UNSUPPORTED_FEATURE";
    case ResultCode::kBinNotFound: return "ERR_BIN_NOT_FOUND";
    case ResultCode::kDeviceOverload: return "ERR_DEVICE_OVERLOAD";
    case ResultCode::kKeyMismatch: return "ERR_RECORD_KEY_MISMATCH";
    case ResultCode::kNamespaceNotFound: return "ERR_NAMESPACE_NOT_FOUND";
    case ResultCode::kBinName: return "ERR_BIN_NAME";
    case ResultCode::kForbidden: return "ERR_FAIL_FORBIDDEN";
    case ResultCode::kElementNotFound: return "ERR_FAIL_ELEMENT_NOT_FOUND";
    case ResultCode::kElementExists: return "ERR_FAIL_ELEMENT_EXISTS";
    case ResultCode::kEnterpriseOnly: return "ERR_ENTERPRISE_ONLY";
    case ResultCode::kOpNotApplicable: return "ERR_OP_NOT_APPLICABLE";
    case ResultCode::kFilteredOut: return "FILTERED_OUT";
    case ResultCode::kLostConflict: return "LOST_CONFLICT";
    case ResultCode::kXdrKeyBusy: return "XDR_KEY_BUSY";
    case ResultCode::kQueryEnd: return "QUERY_END";
    case ResultCode::kSecurityNotSupported: return "SECURITY_NOT_SUPPORTED";
    case ResultCode::kSecurityNotEnabled: return "SECURITY_NOT_ENABLED";
    case ResultCode::kSecuritySchemeNotSupported: return "SECURITY_SCHEME_NOT_SUPPORTED";
    case ResultCode::kInvalidCommand: return "INVALID_COMMAND";
    case ResultCode::kInvalidField: return "INVALID_FIELD";
    case ResultCode::kIllegalState: return "ILLEGAL_STATE";
    case ResultCode::kInvalidUser: return "INVALID_USER";
    case ResultCode::kUserAlreadyExists: return "USER_ALREADY_EXISTS";
    case ResultCode::kInvalidPassword: return "INVALID_PASSWORD";
    case ResultCode::kExpiredPassword: return "EXPIRED_PASSWORD";
    case ResultCode::kForbiddenPassword: return "FORBIDDEN_PASSWORD";
    case ResultCode::kInvalidCredential: return "INVALID_CREDENTIAL";
    case ResultCode::kExpiredSession: return "EXPIRED_SESSION";
    case ResultCode::kInvalidRole: return "INVALID_ROLE";
    case ResultCode::kRoleAlreadyExists: return "ROLE_ALREADY_EXISTS";
    case ResultCode::kInvalidPrivilege: return "INVALID_PRIVILEGE";
    case ResultCode::kInvalidWhitelist: return "INVALID_WHITELIST";
    case ResultCode::kQuotasNotEnabled: return "QUOTAS_NOT_ENABLED";
    case ResultCode::kInvalidQuota: return "INVALID_QUOTA";
    case ResultCode::kNotAuthenticated: return "NOT_AUTHENTICATED";
    case ResultCode::kRoleViolation: return "ROLE_VIOLATION";
    case ResultCode::kNotWhitelisted: return "NOT_WHITELISTED";
    case ResultCode::kQuotaExceeded: return "QUOTA_EXCEEDED";
    case ResultCode::kUdf: return "ERR_UDF";
    case ResultCode::kMrtBlocked: return "MRT_BLOCKED";
    case ResultCode::kMrtVersionMismatch: return "MRT_VERSION_MISMATCH";
    case ResultCode::kMrtExpired: return "MRT_EXPIRED";
    case ResultCode::kMrtTooManyWrites: return "MRT_TOO_MANY_WRITES";
    case ResultCode::kMrtCommitted: return "MRT_COMMITTED";
    case ResultCode::kMrtAborted: return "MRT_ABORTED";
    case ResultCode::kMrtAlreadyLocked: return "MRT_ALREADY_LOCKED";
    case ResultCode::kMrtMonitorExists: return "MRT_MONITOR_EXISTS";
    case ResultCode::kBatchDisabled: return "ERR_BATCH_DISABLED";
    case ResultCode::kBatchMaxRequestsExceeded: return "ERR_BATCH_MAX_REQUESTS_EXCEEDED";
    case ResultCode::kBatchQueuesFull: return "ERR_BATCH_QUEUES_FULL";
    case ResultCode::kGeoInvalidGeojson: return "ERR_GEO_INVALID_GEOJSON";
    case ResultCode::kIndexFound: return "ERR_INDEX_FOUND";
    case ResultCode::kIndexNotFound: return "ERR_INDEX_NOT_FOUND";
    case ResultCode::kIndexOom: return "ERR_INDEX_OOM";
    case ResultCode::kIndexNotReadable: return "ERR_INDEX_NOT_READABLE";
    case ResultCode::kIndexGeneric: return "ERR_INDEX";
    case ResultCode::kIndexNameMaxLen: return "ERR_INDEX_NAME_MAXLEN";
    case ResultCode::kIndexMaxCount: return "ERR_INDEX_MAXCOUNT";
    case ResultCode::kQueryAborted: return "ERR_QUERY_ABORTED";
    case ResultCode::kQueryQueueFull: return "ERR_QUERY_QUEUE_FULL";
    case ResultCode::kQueryTimeout: return "ERR_QUERY_TIMEOUT";
    case ResultCode::kQueryGeneric: return "ERR_QUERY";
  }
  return "UNKNOWN";
}

std::string_view resultCodeStatName(ResultCode code) {
  switch (code) {
    case ResultCode::kOk: return "ok";
    case ResultCode::kRecordNotFound: return "not_found";
    case ResultCode::kGenerationError: return "generation";
    case ResultCode::kParameterError: return "parameter";
    case ResultCode::kRecordExists: return "exists";
    case ResultCode::kServerFull: return "server_full";
    case ResultCode::kUnavailable: return "unavailable";
    case ResultCode::kIncompatibleType: return "incompatible_type";
    case ResultCode::kRecordTooBig: return "too_big";
    case ResultCode::kUnsupportedFeature: return "unsupported";
    case ResultCode::kNamespaceNotFound: return "namespace_not_found";
    case ResultCode::kBinName: return "bin_name";
    case ResultCode::kForbidden: return "forbidden";
    case ResultCode::kKeyMismatch: return "key_mismatch";
    default: return "error";
  }
}

}  // namespace remora::kv::protocol
