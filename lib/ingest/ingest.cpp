// The ingest driver: per input, detect the format, read records (lines, or the elements of one
// JSON document), parse each into events, and hand them to the Writer, which keys them, drops
// repeats and appends the rest, with the rejected records, under the chain in batches.
#include "ingest/ingest.h"

#include <pthread.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <mutex>
#include <thread>

#include "core/encoding.h"
#include "core/time.h"
#include "core/time_parse.h"
#include "crypto/sha256.h"
#include "formats/labels.h"
#include "ingest/detect.h"
#include "ingest/input.h"
#include "ingest/json_event.h"
#include "ingest/json_split.h"
#include "ingest/record_key.h"
#include "ingest/syslog_parser.h"
#include "ingest/text_records.h"
#include "ingest/zeek_tsv.h"
#include "store/chain.h"
#include "store/event_codec.h"

#ifndef VIGIL_VERSION
#define VIGIL_VERSION "0.0.0"
#endif

namespace vigil::ingest {
namespace {

using store::Value;

constexpr uint64_t kMaxDocument = 1ull << 30;
constexpr size_t kHead = 65536;  // detection looks at the first 64 KiB (more past a long line)

struct Origin {
  const std::string* input;
  int64_t line;
  int64_t offset;
};

// Collects rows and writes them in batches, each in one write transaction under the chain.
class Writer {
 public:
  Writer(store::Database& db, int64_t batch_id, const Options& options, Keyer keyer,
         crypto::Sha256 record_sha)
      : record_sha_(std::move(record_sha)),
        db_(db),
        batch_id_(batch_id),
        now_us_(options.now_us),
        batch_size_(options.batch_size),
        interval_(std::chrono::microseconds(options.commit_interval_us)),
        keyer_(std::move(keyer)) {}

  Status AddEvent(Event& ev, std::string_view raw, const Origin& origin, InputSummary& sum) {
    std::string key = keyer_.Key(ev.source_format, raw, ev.ts_from_record ? ev.ts_us : 0);
    std::vector<Value> row = store::EncodeEvent(
        std::move(ev), {batch_id_, *origin.input, origin.line, origin.offset, std::move(key)}, raw);
    // The record hash is computed here, on the parsing thread, to lighten the writing one.
    auto record = store::RecordHashOf("events", row, record_sha_, canonical_);
    if (!record) return record.error();
    pending_.push_back({true, std::move(row), &sum, ev.source_format, *record});
    return MaybeFlush();
  }

  Status AddRejected(std::string_view format, std::string_view raw, const Origin& origin,
                     const std::string& reason, InputSummary& sum) {
    // Keyed like events, so reading the same file again does not quarantine its bad records
    // twice (they are still reported and counted as rejected).
    std::vector<Value> row = {Value::Integer(batch_id_),
                              Value::Integer(now_us_),
                              Value::Text(std::string(format)),
                              Value::Text(*origin.input),
                              Value::Integer(origin.line),
                              Value::Integer(origin.offset),
                              Value::Text(reason),
                              Value::Blob(std::string(raw)),
                              Value::Blob(keyer_.Key("quarantine:" + std::string(format), raw, 0))};
    auto record = store::RecordHashOf("quarantine", row, record_sha_, canonical_);
    if (!record) return record.error();
    pending_.push_back({false, std::move(row), &sum, std::string(format), *record});
    return MaybeFlush();
  }

  // Hands the collected rows to the writing thread (without waiting for their commit).
  // Returns the writing thread's error, if it has failed.
  Status Flush() {
    if (!keyer_.ok()) return MakeError(ErrorCode::kCrypto, "SHA-256 failed while keying records");
    std::deque<std::vector<Pending>> spent;
    last_flush_ = Clock::now();
    {
      std::unique_lock<std::mutex> lock(mu_);
      // At most one batch waits: parsing may run ahead of writing, but not without bound.
      cv_.wait(lock, [&] { return queue_.empty() || !error_.ok(); });
      if (!error_.ok()) return error_;
      spent.swap(spent_);
      if (!pending_.empty()) {
        queue_.push_back(std::move(pending_));
        cv_.notify_all();
      }
    }
    // Written batches come back to be freed here, on the thread that allocated their strings:
    // glibc frees another thread's blocks slowly, and the writing thread is the busier one.
    // The first one's capacity is kept for the next batch.
    pending_.clear();
    if (!spent.empty()) {
      pending_ = std::move(spent.front());
      pending_.clear();
    }
    return {};
  }

  // Writes what is left and waits for the writing thread. Counts are final after this.
  Status Finish() {
    Status s = Flush();
    {
      std::lock_guard<std::mutex> lock(mu_);
      done_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
    return s.ok() ? error_ : s;
  }

  ~Writer() { (void)Finish(); }

  const std::map<std::string, int64_t>& formats() const { return formats_; }
  void NewInput() { keyer_.NewInput(); }

 private:
  struct Pending {
    bool is_event;
    std::vector<Value> row;
    InputSummary* summary;
    std::string format;
    crypto::Digest record_hash;
  };
  // Every batch_size records, and at least every interval (a slow pipe's lines are committed
  // while it stays open; vigil-ingest(1), STREAMS).
  Status MaybeFlush() {
    if (pending_.size() >= batch_size_ || Clock::now() - last_flush_ >= interval_) return Flush();
    return {};
  }
  using Clock = std::chrono::steady_clock;

  // The writing thread: SQLite and the chain get one core while parsing has the other.
  void WriteLoop() {
    pthread_setname_np(pthread_self(), "vigil-writer");  // tells the threads apart in perf, top
    for (;;) {
      std::vector<Pending> batch;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [&] { return !queue_.empty() || done_; });
        if (queue_.empty()) return;
        batch = std::move(queue_.front());
        queue_.pop_front();
      }
      cv_.notify_all();
      Status s = WriteBatch(batch);
      std::lock_guard<std::mutex> lock(mu_);
      if (!s.ok()) {
        error_ = s;
        queue_.clear();
        cv_.notify_all();
        return;
      }
      spent_.push_back(std::move(batch));  // freed by the parsing thread (Flush)
    }
  }

  // One batch in one write transaction under the chain; counts only what was committed.
  Status WriteBatch(std::vector<Pending>& batch) {
    auto tx = store::Transaction::Begin(db_, store::Transaction::Kind::kImmediate);
    if (!tx) return tx.error();
    auto writer = store::ChainWriter::Begin(db_);
    if (!writer) return writer.error();
    std::vector<int> outcome(batch.size());  // 1 stored, 2 duplicate, 3 rejected
    for (size_t i = 0; i < batch.size(); ++i) {
      auto id = writer->AppendIfNew(batch[i].is_event ? "events" : "quarantine", batch[i].row,
                                    &batch[i].record_hash);
      if (!id) return id.error();
      outcome[i] = !batch[i].is_event ? 3 : *id ? 1 : 2;
    }
    Status s = tx->Commit();
    if (!s.ok()) return s;
    // The parsing thread only touches `read` of an InputSummary; these fields are ours.
    for (size_t i = 0; i < batch.size(); ++i) {
      InputSummary& sum = *batch[i].summary;
      if (outcome[i] == 1) ++sum.stored;
      if (outcome[i] == 2) ++sum.duplicates;
      if (outcome[i] == 3) ++sum.rejected;
      if (outcome[i] != 3) ++formats_[batch[i].format];
    }
    return {};
  }

  crypto::Sha256 record_sha_;  // the parsing thread's
  store::CanonicalRow canonical_;
  store::Database& db_;
  int64_t batch_id_;
  int64_t now_us_;
  size_t batch_size_;
  Clock::duration interval_;
  Clock::time_point last_flush_ = Clock::now();
  Keyer keyer_;
  std::vector<Pending> pending_;
  std::map<std::string, int64_t> formats_;  // written by the writing thread only
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::vector<Pending>> queue_;
  std::deque<std::vector<Pending>> spent_;  // written batches, to be freed by the parser
  bool done_ = false;
  Status error_;
  std::thread thread_{[this] { WriteLoop(); }};  // last member: starts when all others exist
};

// Why a record over --max-record-size was rejected; quarantine keeps its first KiB.
std::string Oversized(int64_t size, const std::string& sha256, size_t limit) {
  return "record of " + std::to_string(size) + " bytes is over --max-record-size (" +
         std::to_string(limit) + " bytes); kept: its first " +
         std::to_string(Input::kKeptOfOversized) + " bytes; SHA-256 of the whole record " + sha256;
}

std::string_view StripCr(std::string_view s) {
  if (!s.empty() && s.back() == '\r') s.remove_suffix(1);
  return s;
}

bool IsBlank(std::string_view s) { return s.find_first_not_of(" \t\r") == std::string_view::npos; }

using formats::FormatDescriptor;
using formats::Reader;

// The format whose records the lines of an input of `f` are: a document format read line by
// line (--input-format bundle on lines) reads ndjson records.
const FormatDescriptor& LineRecords(const FormatDescriptor& f) {
  if (f.reader == Reader::kJsonDocument) return *formats::Find("ndjson");
  return formats::RecordsOf(f);
}

// The format of a document's element under `key`: a line format's own document
// ({"Records": [...]}) holds its records under any key; a document format's array key (a
// bundle's "auth_logs") names that format; anything else is read as the lines would be.
const FormatDescriptor& ItemRecords(const FormatDescriptor& f, std::string_view key) {
  if (f.reader != Reader::kJsonDocument && !f.document_keys.empty()) return formats::RecordsOf(f);
  for (const FormatDescriptor* d : formats::All()) {
    if (d->reader != Reader::kJsonDocument) continue;
    for (std::string_view k : d->document_keys) {
      if (k == key) return *d;
    }
  }
  return LineRecords(f);
}

// The year of the first RFC 3164 line: the file was last written at its end, so a first line
// whose month comes after the modification month was written the year before.
int SyslogYear(std::string_view first_line, int64_t mtime_us) {
  int64_t year = 0;
  unsigned mtime_month = 0, day = 0;
  CivilFromDays(mtime_us / 86400000000, year, mtime_month, day);
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  unsigned line_month = 0;
  for (unsigned m = 0; m < 12; ++m) {
    if (first_line.substr(0, 3) == kMonths[m]) line_month = m + 1;
  }
  return static_cast<int>(line_month > mtime_month ? year - 1 : year);
}

class Runner {
 public:
  Runner(const Options& o, Writer& w, const RejectionSink& sink)
      : options_(o), writer_(w), sink_(sink) {}

  Status Reject(std::string_view format, std::string_view raw, const Origin& origin,
                const std::string& reason, InputSummary& sum) {
    if (sink_) sink_(Rejection{*origin.input, origin.line, origin.offset, reason, raw});
    return writer_.AddRejected(format, raw, origin, reason, sum);
  }

  Status Lines(Input& in, const FormatDescriptor& format, InputSummary& sum) {
    const FormatDescriptor& records = LineRecords(format);
    const std::string format_name(records.name);
    const Reader reader = format.reader;
    const formats::MapContext context{options_.now_us, {}};
    const formats::MapContext text_context{options_.now_us, {}, true};
    std::optional<SyslogParser> syslog;
    ZeekTsv zeek;
    CsvRecords csv;
    std::string csv_raw;  // a CSV record may span lines
    Origin csv_origin{&in.name(), 0, 0};
    std::vector<Event> events;
    Event ev;
    Input::Line line;
    for (;;) {
      auto more = in.NextLine(line);
      if (!more) return more.error();
      if (!*more) {
        if (reader == Reader::kCsv && csv.open()) {
          ++sum.read;
          return Reject(format_name, csv_raw, csv_origin, "CSV quoted field never closed", sum);
        }
        return {};
      }
      std::string_view text = StripCr(line.text);
      if (line.number == 1 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
      Origin origin{&in.name(), line.number, line.offset};
      if (options_.on_progress && (line.number & 8191) == 0) {
        options_.on_progress(in.name(), line.number, line.offset);
      }
      if (reader == Reader::kZeekTsv && zeek.Header(text)) continue;
      std::string_view raw = line.text;
      if (reader == Reader::kCsv) {
        if (!csv.open()) {
          csv_raw.clear();
          csv_origin = origin;
        } else {
          csv_raw.push_back('\n');
        }
        csv_raw.append(line.text);
        auto complete = csv.Add(text);
        if (complete && !*complete) continue;  // the header, or a record still open
        origin = csv_origin;
        raw = csv_raw;
        if (!complete) {
          ++sum.read;
          Status s = Reject(format_name, raw, origin, complete.error().message, sum);
          if (!s.ok()) return s;
          continue;
        }
      }
      ++sum.read;
      Status parsed;
      events.clear();
      if (line.cut) {
        parsed =
            MakeError(ErrorCode::kBadInput, Oversized(line.size, line.sha256, in.max_record()));
      } else if (line.partial) {
        parsed = MakeError(ErrorCode::kBadInput,
                           "cut short: the input ends inside this record (" + in.damage() + ")");
      } else if (IsBlank(text)) {
        parsed = MakeError(ErrorCode::kBadInput, "blank line");
      } else if (text.substr(0, 3) == "\xEF\xBB\xBF") {
        parsed = MakeError(ErrorCode::kBadInput, "byte order mark inside the input");
      } else if (reader == Reader::kSyslog) {
        if (!syslog) {
          SyslogOptions so;
          so.year = options_.year.value_or(SyslogYear(text, in.mtime_us()));
          syslog.emplace(so);
        }
        parsed = syslog->Parse(text, events);
        for (Event& e : events) formats::Label(e, nullptr, false);
      } else if (reader == Reader::kCsv) {
        parsed = json_.Parse(csv.TakeNormalised(), records, text_context, ev);
        ev.fields = csv.TakeOriginal();
        if (parsed.ok()) events.push_back(std::move(ev));
      } else if (reader == Reader::kCef) {
        auto json = CefToJson(text);
        if (!json) {
          parsed = json.error();
        } else {
          parsed = json_.Parse(*json, records, text_context, ev);
          ev.fields = *json;
          if (parsed.ok()) events.push_back(std::move(ev));
        }
      } else if (reader == Reader::kZeekTsv) {
        auto json = zeek.ToJson(text);
        if (!json) {
          parsed = json.error();
        } else {
          parsed = json_.Parse(*json, records, text_context, ev);
          ev.fields = *json;
          if (parsed.ok()) events.push_back(std::move(ev));
        }
      } else {
        parsed = json_.Parse(text, records, context, ev);
        if (parsed.ok()) events.push_back(std::move(ev));
      }
      if (!parsed.ok()) {
        Status s = Reject(format_name, raw, origin, parsed.error().message, sum);
        if (!s.ok()) return s;
        continue;
      }
      for (Event& e : events) {
        Status s = writer_.AddEvent(e, raw, origin, sum);
        if (!s.ok()) return s;
      }
    }
  }

  Status Document(Input& in, const FormatDescriptor& format, InputSummary& sum) {
    auto doc = in.ReadRest(kMaxDocument);
    if (!doc) return doc.error();
    SplitResult split = SplitJsonDocument(*doc);
    Event ev;
    for (const JsonItem& item : split.items) {
      ++sum.read;
      const Origin origin{&in.name(), item.line, item.offset};
      const FormatDescriptor& records = ItemRecords(format, item.key);
      if (item.text.size() > in.max_record()) {
        Status s = RejectBig(records.name, item.text, origin, "", in.max_record(), sum);
        if (!s.ok()) return s;
        continue;
      }
      Status parsed =
          json_.Parse(item.text, records, formats::MapContext{options_.now_us, item.key}, ev);
      if (!parsed.ok()) {
        std::string reason = parsed.error().message;
        if (!item.key.empty()) reason = item.key + ": " + reason;
        Status s = Reject(records.name, item.text, origin, reason, sum);
        if (!s.ok()) return s;
        continue;
      }
      Status s = writer_.AddEvent(ev, item.text, origin, sum);
      if (!s.ok()) return s;
    }
    if (!split.error.empty()) {
      ++sum.read;
      const Origin origin{&in.name(), split.error_line, split.error_offset};
      const std::string_view rest =
          std::string_view(*doc).substr(static_cast<size_t>(split.error_offset));
      const std::string why =
          split.error + " (the rest of the input from here is kept as one record)";
      if (rest.size() > in.max_record()) {
        return RejectBig(format.name, rest, origin, why + "; ", in.max_record(), sum);
      }
      return Reject(format.name, rest, origin, why, sum);
    }
    return {};
  }

  // A record over the size limit: its first KiB, with its length and SHA-256 in the reason.
  Status RejectBig(std::string_view format, std::string_view raw, const Origin& origin,
                   const std::string& why, size_t limit, InputSummary& sum) {
    auto digest = crypto::Sha256Of(raw);
    if (!digest) return digest.error();
    return Reject(
        format, raw.substr(0, Input::kKeptOfOversized), origin,
        why + Oversized(static_cast<int64_t>(raw.size()), crypto::DigestHex(*digest), limit), sum);
  }

 private:
  const Options& options_;
  Writer& writer_;
  const RejectionSink& sink_;
  JsonEventParser json_;
};

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
  {
    auto tx = store::Transaction::Begin(db, store::Transaction::Kind::kImmediate);
    if (!tx) return tx.error();
    auto writer = store::ChainWriter::Begin(db);
    if (!writer) return writer.error();
    std::string sources;
    for (const std::string& i :
         options.inputs.empty() ? std::vector<std::string>{"-"} : options.inputs) {
      sources += (sources.empty() ? "" : " ") + i;
    }
    auto id = writer->Append("batches",
                             {Value::Integer(options.now_us),
                              Value::Text(options.command.empty() ? "ingest" : options.command),
                              Value::Text(sources), Value::Text(VIGIL_VERSION)});
    if (!id) return id.error();
    Status s = tx->Commit();
    if (!s.ok()) return s.error();
    summary.batch_id = *id;
  }
  auto sha = crypto::Sha256::Create();
  if (!sha) return sha.error();
  auto record_sha = crypto::Sha256::Create();
  if (!record_sha) return record_sha.error();
  Writer writer(db, summary.batch_id, options, Keyer(std::move(*sha)), std::move(*record_sha));
  Runner runner(options, writer, on_reject);
  summary.inputs.reserve(inputs.size());
  Status failed;
  // Each input stands alone: one that cannot be opened, told or read to its end is reported in
  // its summary and the others are read. Only the store failing ends the run.
  for (const auto& [path, unreadable] : inputs) {
    summary.inputs.push_back(InputSummary{});
    InputSummary& sum = summary.inputs.back();
    sum.name = path;
    sum.format = "unknown";
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
    writer.NewInput();
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
