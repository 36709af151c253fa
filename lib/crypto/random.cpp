#include "crypto/random.h"

#include <openssl/rand.h>

#include <climits>

#include "crypto/openssl_util.h"

namespace vigil::crypto {

Status RandomBytes(std::span<uint8_t> out) {
  if (out.size() > static_cast<size_t>(INT_MAX)) {
    return MakeError(ErrorCode::kInternal, "too many random bytes asked for at once");
  }
  if (RAND_bytes(out.data(), static_cast<int>(out.size())) != 1) {
    return MakeError(ErrorCode::kCrypto, OpenSslError("cannot draw random bytes"));
  }
  return {};
}

}  // namespace vigil::crypto
