#pragma once
// vigil verify --file: is this file one that vigil exported? Its SHA-256 looked up among the
// exports on record (table reports, written by vigil export before the file is put in place;
// see vigil-export(1)).

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"

namespace vigil::store {
class Database;
}

namespace vigil::verify {

struct ExportRecord {
  int64_t report_id = 0;
  int64_t created_us = 0;
  std::string format;  // json, pdf, events-csv, ...
  std::string path;    // where it was exported to
};

struct ExportedFile {
  std::string file;
  std::string sha256;                 // hex, of the file's bytes
  std::vector<ExportRecord> records;  // the exports with that digest, oldest first (often one)
};

// Hashes `file` (read in chunks, any size) and finds the exports recorded with its digest.
// kNotFound / kIo if the file cannot be read; no record is an answer (empty `records`).
Result<ExportedFile> CheckExportedFile(store::Database& db, const std::string& file);
// CheckExportedFile for each of `files`, in the store at `db_path` (opened to read).
Result<std::vector<ExportedFile>> CheckExportedFiles(const std::string& db_path,
                                                     const std::vector<std::string>& files);

}  // namespace vigil::verify
