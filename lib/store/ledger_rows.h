#pragma once
// The rows of the chained tables that record what vigil did, each as a typed struct with its
// one encoding in column order (vigil-store(5): batches, quarantine, reports). Stages build the
// struct; only ledger_rows.cpp knows the column order. The events table has its own codec
// (event_codec.h); the test "The ledger rows have their tables' columns" keeps these in step
// with the schema.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/value.h"

namespace vigil::store {

// One run of a writing command (ingest, analyze).
struct BatchRow {
  int64_t started_us = 0;
  std::string command;
  std::string source;  // the inputs, space-separated
  std::string vigil_version;
  // Schema 8: the time zone zone-less times were read in (ingest; "" for other commands, stored
  // as NULL, as in rows written before).
  std::string timezone;
};
std::vector<Value> EncodeBatch(BatchRow row);

// A record ingest could not store as an event, kept verbatim with the reason.
struct QuarantineRow {
  int64_t batch_id = 0;
  int64_t received_us = 0;
  std::string source_format;
  std::string source_file;
  int64_t source_line = 0;
  int64_t source_offset = 0;
  std::string reason;
  std::string raw;
  std::string record_key;  // ingest/record_key.h
};
std::vector<Value> EncodeQuarantine(QuarantineRow row);

// A file vigil export wrote, named with its SHA-256 before it is put in place.
struct ReportRow {
  std::optional<int64_t> incident_id;  // when the export is of one incident
  int64_t created_us = 0;
  std::string format;  // json, pdf, events-csv, ...
  std::string path;
  std::string sha256;  // the 32 digest bytes
};
std::vector<Value> EncodeReport(ReportRow row);

}  // namespace vigil::store
