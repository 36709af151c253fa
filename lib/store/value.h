#pragma once
// One SQLite value as vigil binds it. Chained tables are STRICT, so a value bound with the
// column's declared type is stored with exactly that storage class, and the canonical
// encoding computed from the bound values equals the one `vigil verify` reads back.

#include <cstdint>
#include <string>
#include <utility>

namespace vigil::store {

enum class ValueType { kNull, kInteger, kReal, kText, kBlob };

const char* ValueTypeName(ValueType type);

struct Value {
  ValueType type = ValueType::kNull;
  int64_t integer = 0;
  double real = 0;
  std::string bytes;  // TEXT (UTF-8) or BLOB

  static Value Null() { return {}; }
  static Value Integer(int64_t v) { return {ValueType::kInteger, v, 0, {}}; }
  static Value Real(double v) { return {ValueType::kReal, 0, v, {}}; }
  static Value Text(std::string v) { return {ValueType::kText, 0, 0, std::move(v)}; }
  static Value Blob(std::string v) { return {ValueType::kBlob, 0, 0, std::move(v)}; }
};

}  // namespace vigil::store
