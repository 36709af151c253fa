// The ingest driver: per input, detect the format and let the RecordReader (record_reader.h)
// read its records (lines, or the elements of one JSON document) into events for the Writer
// (writer.h), which keys them, drops repeats and appends the rest, with the rejected records,
// under the chain in batches.
#include "ingest/ingest.h"

#include <algorithm>
#include <filesystem>

#include "crypto/sha256.h"
#include "ingest/detect.h"
#include "ingest/input.h"
#include "ingest/record_key.h"
#include "ingest/record_reader.h"
#include "ingest/writer.h"
#include "store/chain.h"
#include "store/ledger_rows.h"

#ifndef VIGIL_VERSION
#define VIGIL_VERSION "0.0.0"
#endif

namespace vigil::ingest {
namespace {

using formats::FormatDescriptor;

constexpr size_t kHead = 65536;  // detection looks at the first 64 KiB (more past a long line)

struct Opened {
  Input in;
  Detection detection;
  // Lines over the size limit read before the format could be told (they say nothing about
  // it); rejected first.
  std::vector<std::pair<Input::Line, std::string>> oversized;
};

Result<Opened> OpenAndDetect(const std::string& path, const FormatDescriptor* forced,
                             size_t max_record) {
  auto in = Input::Open(path, max_record);
  if (!in) return in.error();
  std::vector<std::pair<Input::Line, std::string>> oversized;
  auto head = in->Peek(kHead);
  if (!head) return head.error();
  // A first line longer than the head does not decide: look at the lines after it too.
  while (!forced && head->size() == kHead && head->find('\n') == std::string_view::npos) {
    head = in->Peek(in->max_record() + kHead);
    if (!head) return head.error();
    if (head->find('\n') != std::string_view::npos || head->size() <= in->max_record()) break;
    Input::Line line;
    auto read = in->NextLine(line);  // over the limit: cut, whatever the format
    if (!read) return read.error();
    std::string text(line.text);
    oversized.emplace_back(std::move(line), std::move(text));
    if (oversized.size() > 16) break;
    head = in->Peek(kHead);
    if (!head) return head.error();
  }
  auto detected = Detect(*head);
  if (forced) {
    Detection d{forced, "forced", "--input-format", false};
    // A forced JSON format still reads a whole document when the input is one.
    if (detected && detected->document && forced->reads_documents) d.document = true;
    return Opened{std::move(*in), d, {}};
  }
  if (head->empty() && oversized.empty()) {
    // A log that was just rotated is empty: nothing to read, nothing wrong.
    return Opened{
        std::move(*in), Detection{formats::Find("ndjson"), "empty", "no bytes", false}, {}};
  }
  if (!detected && head->empty()) {
    detected =
        Detection{formats::Find("ndjson"), "low", "only records over --max-record-size", false};
  }
  if (!detected) {
    return MakeError(ErrorCode::kBadInput, "cannot tell the format (use --input-format)", path);
  }
  return Opened{std::move(*in), *detected, std::move(oversized)};
}

// The inputs with each directory replaced by the files under it, sorted, recursively, hidden
// files and folders left out; and, per path, why it cannot be read (empty when it can).
std::vector<std::pair<std::string, std::string>> ExpandInputs(
    const std::vector<std::string>& inputs) {
  namespace fs = std::filesystem;
  std::vector<std::pair<std::string, std::string>> out;
  for (const std::string& path : inputs.empty() ? std::vector<std::string>{"-"} : inputs) {
    std::error_code ec;
    if (path == "-" || !fs::is_directory(path, ec)) {
      out.emplace_back(path, "");
      continue;
    }
    std::vector<std::pair<std::string, std::string>> found;
    fs::recursive_directory_iterator it(path, ec), end;
    if (ec) out.emplace_back(path, "cannot read the directory: " + ec.message());
    for (; !ec && it != end; it.increment(ec)) {
      const std::string name = it->path().filename().string();
      if (!name.empty() && name[0] == '.') {
        if (it->is_directory(ec)) it.disable_recursion_pending();
        continue;
      }
      if (it->is_directory(ec)) continue;
      if (it->is_regular_file(ec)) {
        found.emplace_back(it->path().string(), "");
      } else {
        found.emplace_back(it->path().string(), "not a regular file; not read");
      }
    }
    if (ec) found.emplace_back(path, "cannot read the directory: " + ec.message());
    std::sort(found.begin(), found.end());
    out.insert(out.end(), found.begin(), found.end());
  }
  return out;
}

// The zone of an input's zone-less times (Options::zone_for, else Options::timezone).
const TimeZone& ZoneOf(const Options& options, const std::string& path) {
  const TimeZone* zone = options.zone_for ? options.zone_for(path) : nullptr;
  return zone != nullptr ? *zone : options.timezone;
}

// batches.timezone (vigil-store(5)): the zone taken for zone-less times; when some inputs
// took another (the configuration's sources), "; ZONE: input input" for each such zone.
std::string BatchZones(const Options& options,
                       const std::vector<std::pair<std::string, std::string>>& inputs) {
  std::vector<std::pair<std::string, std::string>> others;  // zone, its inputs
  for (const auto& [path, unreadable] : inputs) {
    const std::string& zone = ZoneOf(options, path).name();
    if (zone == options.timezone.name()) continue;
    auto it =
        std::find_if(others.begin(), others.end(), [&](const auto& o) { return o.first == zone; });
    if (it == others.end()) {
      others.emplace_back(zone, path);
    } else {
      it->second += " " + path;
    }
  }
  std::string out = options.timezone.name();
  for (const auto& [zone, paths] : others) out += "; " + zone + ": " + paths;
  return out;
}

// Records the run in batches (its own transaction, before any record) and returns its id.
Result<int64_t> BeginBatch(const Options& options, store::Database& db, std::string zones) {
  auto tx = store::Transaction::Begin(db, store::Transaction::Kind::kImmediate);
  if (!tx) return tx.error();
  auto writer = store::ChainWriter::Begin(db);
  if (!writer) return writer.error();
  std::string sources;
  for (const std::string& i :
       options.inputs.empty() ? std::vector<std::string>{"-"} : options.inputs) {
    sources += (sources.empty() ? "" : " ") + i;
  }
  auto id = writer->Append(
      "batches",
      store::EncodeBatch({options.now_us, options.command.empty() ? "ingest" : options.command,
                          std::move(sources), VIGIL_VERSION, std::move(zones)}));
  if (!id) return id.error();
  Status s = tx->Commit();
  if (!s.ok()) return s.error();
  return *id;
}

}  // namespace

Result<std::vector<InputSummary>> DetectInputs(const std::vector<std::string>& inputs) {
  std::vector<InputSummary> out;
  for (const auto& [path, unreadable] : ExpandInputs(inputs)) {
    InputSummary s;
    s.name = path;
    auto opened = unreadable.empty() ? OpenAndDetect(path, nullptr, Input::kDefaultMaxRecord)
                                     : Result<Opened>(MakeError(ErrorCode::kBadInput, unreadable));
    if (!opened) {
      if (opened.error().code != ErrorCode::kBadInput) return opened.error();
      s.format = "unknown";
      s.confidence = "none";
      s.reason = opened.error().message;
    } else if (opened->detection.confidence == "empty") {
      s.format = "empty";
      s.confidence = "empty";
      s.reason = "no bytes";
    } else {
      s.format = opened->detection.format->name;
      s.confidence = opened->detection.confidence;
      s.reason = opened->detection.reason;
    }
    out.push_back(std::move(s));
  }
  return out;
}

Result<Summary> Run(const Options& options, store::Database& db, const RejectionSink& on_reject) {
  Summary summary;
  const auto inputs = ExpandInputs(options.inputs);
  auto batch_id = BeginBatch(options, db, BatchZones(options, inputs));
  if (!batch_id) return batch_id.error();
  summary.batch_id = *batch_id;
  auto sha = crypto::Sha256::Create();
  if (!sha) return sha.error();
  auto record_sha = crypto::Sha256::Create();
  if (!record_sha) return record_sha.error();
  Writer writer(db, summary.batch_id, options, Keyer(std::move(*sha)), std::move(*record_sha));
  RecordReader runner(options, writer, on_reject);
  summary.inputs.reserve(inputs.size());
  Status failed;
  // Each input stands alone: one that cannot be opened, told or read to its end is reported in
  // its summary and the others are read. Only the store failing ends the run.
  for (const auto& [path, unreadable] : inputs) {
    summary.inputs.push_back(InputSummary{});
    InputSummary& sum = summary.inputs.back();
    sum.name = path;
    sum.format = "unknown";
    const TimeZone& zone = ZoneOf(options, path);
    sum.timezone = zone.name();
    if (!unreadable.empty()) {
      sum.error = unreadable;
      continue;
    }
    auto opened = OpenAndDetect(path, options.format, options.max_record);
    if (!opened) {
      sum.error = opened.error().message;
      continue;
    }
    Input& in = opened->in;
    const Detection& det = opened->detection;
    writer.NewInput(zone);
    if (det.confidence == "empty") {
      sum.format = "empty";
      sum.confidence = "empty";
      sum.reason = "no bytes";
      continue;
    }
    sum.format = det.format->name;
    sum.confidence = det.confidence;
    sum.reason = det.reason;
    in.SetIdle([&writer] { (void)writer.Flush(); });  // commit what came before waiting
    Status s;
    for (const auto& [line, text] : opened->oversized) {
      ++sum.read;
      const Origin origin{&in.name(), line.number, line.offset};
      s = runner.Reject(det.format->name, text, origin,
                        Oversized(line.size, line.sha256, in.max_record()), sum);
      if (!s.ok()) break;
    }
    if (s.ok()) {
      s = det.document ? runner.Document(in, *det.format, sum) : runner.Lines(in, *det.format, sum);
    }
    if (!s.ok()) sum.error = s.error().message;
    if (sum.error.empty()) sum.error = in.damage();
    s = writer.Flush();  // the store failing ends the run
    if (!s.ok()) {
      failed = s;
      break;
    }
  }
  Status finished = writer.Finish();
  if (failed.ok()) failed = finished;
  for (const InputSummary& s : summary.inputs) {
    summary.read += s.read;
    summary.stored += s.stored;
    summary.duplicates += s.duplicates;
    summary.rejected += s.rejected;
    if (!s.error.empty()) ++summary.unread_inputs;
  }
  summary.formats = writer.formats();
  if (!failed.ok()) return failed.error();
  return summary;
}

}  // namespace vigil::ingest
