#include "store/ledger_rows.h"

#include <utility>

namespace vigil::store {

std::vector<Value> EncodeBatch(BatchRow row) {
  return {Value::Integer(row.started_us), Value::Text(std::move(row.command)),
          Value::Text(std::move(row.source)), Value::Text(std::move(row.vigil_version)),
          row.timezone.empty() ? Value::Null() : Value::Text(std::move(row.timezone))};
}

std::vector<Value> EncodeQuarantine(QuarantineRow row) {
  return {Value::Integer(row.batch_id),
          Value::Integer(row.received_us),
          Value::Text(std::move(row.source_format)),
          Value::Text(std::move(row.source_file)),
          Value::Integer(row.source_line),
          Value::Integer(row.source_offset),
          Value::Text(std::move(row.reason)),
          Value::Blob(std::move(row.raw)),
          Value::Blob(std::move(row.record_key))};
}

std::vector<Value> EncodeReport(ReportRow row) {
  return {row.incident_id ? Value::Integer(*row.incident_id) : Value::Null(),
          Value::Integer(row.created_us), Value::Text(std::move(row.format)),
          Value::Text(std::move(row.path)), Value::Blob(std::move(row.sha256))};
}

}  // namespace vigil::store
