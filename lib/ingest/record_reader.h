#pragma once
// Reads one input's records and hands each to the Writer (writer.h): parsed into events, or
// rejected (quarantined and passed to the RejectionSink) with the reason. Internal to ingest/.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "formats/format.h"
#include "ingest/ingest.h"
#include "ingest/input.h"
#include "ingest/json_event.h"
#include "ingest/writer.h"

namespace vigil::ingest {

// Why a record over --max-record-size was rejected; quarantine keeps its first KiB.
std::string Oversized(int64_t size, const std::string& sha256, size_t limit);

class RecordReader {
 public:
  RecordReader(const Options& o, Writer& w, const RejectionSink& sink)
      : options_(o), writer_(w), sink_(sink) {}

  // Reports the record to the sink and quarantines it.
  Status Reject(std::string_view format, std::string_view raw, const Origin& origin,
                const std::string& reason, InputSummary& sum);
  // An input read line by line in `format` (a document format's lines are ndjson records).
  Status Lines(Input& in, const formats::FormatDescriptor& format, InputSummary& sum);
  // An input that is one JSON document: each element of its arrays is a record.
  Status Document(Input& in, const formats::FormatDescriptor& format, InputSummary& sum);
  // A record over the size limit: its first KiB, with its length and SHA-256 in the reason.
  Status RejectBig(std::string_view format, std::string_view raw, const Origin& origin,
                   const std::string& why, size_t limit, InputSummary& sum);

 private:
  Status AddEvents(std::vector<Event>& events, std::string_view raw, const Origin& origin,
                   InputSummary& sum);

  const Options& options_;
  Writer& writer_;
  const RejectionSink& sink_;
  JsonEventParser json_;
};

}  // namespace vigil::ingest
