#pragma once
// Random bytes from OpenSSL's CSPRNG, for identifiers that must not repeat across stores
// (a store's id, vigil-store(5)).

#include <cstdint>
#include <span>

#include "core/result.h"

namespace vigil::crypto {

// Fills `out` with cryptographically strong random bytes. kCrypto when the generator fails.
Status RandomBytes(std::span<uint8_t> out);

}  // namespace vigil::crypto
