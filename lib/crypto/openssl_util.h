#pragma once
// Owners for OpenSSL handles and the error-queue drain. Included only by crypto/*.cpp.

#include <openssl/err.h>
#include <openssl/evp.h>

#include <memory>
#include <string>

namespace vigil::crypto {

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};
struct MdDeleter {
  void operator()(EVP_MD* p) const { EVP_MD_free(p); }
};
struct PkeyDeleter {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct PkeyCtxDeleter {
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;
using MdPtr = std::unique_ptr<EVP_MD, MdDeleter>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyDeleter>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxDeleter>;

// "what: <openssl reasons>" and empties the thread's error queue.
inline std::string OpenSslError(const std::string& what) {
  std::string out = what;
  unsigned long code = 0;
  bool first = true;
  while ((code = ERR_get_error()) != 0) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    out += first ? ": " : "; ";
    out += buf;
    first = false;
  }
  return out;
}

}  // namespace vigil::crypto
