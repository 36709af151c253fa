#include "core/result.h"

namespace vigil {

const char* ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kUsage:
      return "usage";
    case ErrorCode::kBadInput:
      return "bad_input";
    case ErrorCode::kNotFound:
      return "not_found";
    case ErrorCode::kIo:
      return "io";
    case ErrorCode::kStore:
      return "store";
    case ErrorCode::kCrypto:
      return "crypto";
    case ErrorCode::kVerifyFailed:
      return "verify_failed";
    case ErrorCode::kInternal:
      return "internal";
  }
  return "internal";
}

std::string Error::ToString() const { return where.empty() ? message : where + ": " + message; }

}  // namespace vigil
