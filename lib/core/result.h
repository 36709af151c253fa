#pragma once
// Errors as values: library code returns Result<T> or Status rather than throwing; only
// cli/cli.cpp turns an ErrorCode into an exit code. Member names follow std::expected.

#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace vigil {

// What the user can act on. The mapping to exit codes is documented in vigil(1).
enum class ErrorCode {
  kUsage,         // the request itself is wrong (bad option value, missing file argument)
  kBadInput,      // input records or files are malformed
  kNotFound,      // a named file, store or record does not exist
  kIo,            // reading or writing a file failed
  kStore,         // SQLite failed, or the store is not one we can use
  kCrypto,        // OpenSSL failed, or a key is unusable
  kVerifyFailed,  // a check answered "no"
  kInternal,      // a bug or an unimplemented feature
};

const char* ErrorCodeName(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;  // "what failed: why"
  std::string where;    // file:line, record id or SQL purpose; may be empty

  // "where: message", or just the message when there is no location.
  std::string ToString() const;
};

inline Error MakeError(ErrorCode code, std::string message, std::string where = {}) {
  return Error{code, std::move(message), std::move(where)};
}

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool has_value() const { return v_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & {
    assert(has_value());
    return std::get<0>(v_);
  }
  const T& value() const& {
    assert(has_value());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(has_value());
    return std::get<0>(std::move(v_));
  }
  const Error& error() const {
    assert(!has_value());
    return std::get<1>(v_);
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }

 private:
  std::variant<T, Error> v_;
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return !error_.has_value(); }
  explicit operator bool() const { return ok(); }
  const Error& error() const {
    assert(!ok());
    return *error_;
  }

 private:
  std::optional<Error> error_;
};

}  // namespace vigil
