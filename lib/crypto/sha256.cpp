#include "crypto/sha256.h"

#include <cstring>

#include "core/encoding.h"
#include "crypto/openssl_util.h"

namespace vigil::crypto {

struct Sha256::Impl {
  MdPtr md;
  MdCtxPtr ctx;
};

std::string_view DigestBytes(const Digest& d) {
  return {reinterpret_cast<const char*>(d.data()), d.size()};
}

std::string DigestHex(const Digest& d) { return ToHex(DigestBytes(d)); }

Result<Digest> DigestFromBytes(std::string_view bytes) {
  if (bytes.size() != 32) {
    return MakeError(ErrorCode::kBadInput,
                     "a SHA-256 digest has 32 bytes, not " + std::to_string(bytes.size()));
  }
  Digest d{};
  std::memcpy(d.data(), bytes.data(), 32);
  return d;
}

Result<Sha256> Sha256::Create() {
  auto impl = std::make_unique<Impl>();
  impl->md.reset(EVP_MD_fetch(nullptr, "SHA256", nullptr));
  if (!impl->md) return MakeError(ErrorCode::kCrypto, OpenSslError("cannot fetch SHA256"));
  impl->ctx.reset(EVP_MD_CTX_new());
  if (!impl->ctx) return MakeError(ErrorCode::kCrypto, OpenSslError("cannot allocate digest"));
  return Sha256(std::move(impl));
}

Sha256::Sha256(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;
Sha256::~Sha256() = default;

void Sha256::Init() {
  if (EVP_DigestInit_ex2(impl_->ctx.get(), impl_->md.get(), nullptr) != 1) ok_ = false;
}

void Sha256::Update(std::string_view data) {
  if (EVP_DigestUpdate(impl_->ctx.get(), data.data(), data.size()) != 1) ok_ = false;
}

Digest Sha256::Final() {
  Digest d{};
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(impl_->ctx.get(), d.data(), &len) != 1 || len != d.size()) ok_ = false;
  return d;
}

Digest Sha256::Hash(std::string_view data) {
  Init();
  Update(data);
  return Final();
}

Result<Digest> Sha256Of(std::string_view data) {
  auto hasher = Sha256::Create();
  if (!hasher) return hasher.error();
  Digest d = hasher->Hash(data);
  if (!hasher->ok()) return MakeError(ErrorCode::kCrypto, OpenSslError("SHA-256 failed"));
  return d;
}

}  // namespace vigil::crypto
