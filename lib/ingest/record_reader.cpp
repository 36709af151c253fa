// Reading one input's records (record_reader.h): lines in any line format, or the elements
// of one JSON document, each parsed into events for the Writer or rejected with a reason.
#include "ingest/record_reader.h"

#include "core/time.h"
#include "core/time_parse.h"
#include "crypto/sha256.h"
#include "formats/labels.h"
#include "ingest/json_split.h"
#include "ingest/syslog_parser.h"
#include "ingest/text_records.h"
#include "ingest/zeek_tsv.h"

namespace vigil::ingest {
namespace {

using formats::FormatDescriptor;
using formats::Reader;

constexpr uint64_t kMaxDocument = 1ull << 30;

std::string_view StripCr(std::string_view s) {
  if (!s.empty() && s.back() == '\r') s.remove_suffix(1);
  return s;
}

bool IsBlank(std::string_view s) { return s.find_first_not_of(" \t\r") == std::string_view::npos; }

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

// The year of the first RFC 3164 line. The file was last written at its end (`mtime_us`; now
// for a pipe), so its first line cannot be later than that: a first line whose month and day
// come more than a day after the modification time, read in that time's year, was written the
// year before (the day of slack covers hosts whose local time is ahead of UTC). Later lines
// roll the year forward (SyslogParser). `why` says which rule chose it (for --verbose).
int SyslogYear(std::string_view first_line, int64_t mtime_us, bool stdin_input, std::string* why) {
  constexpr int64_t kDayUs = 86400000000;
  const int64_t mtime_days = mtime_us / kDayUs;
  int64_t year = 0;
  unsigned mtime_month = 0, mtime_day = 0;
  CivilFromDays(mtime_days, year, mtime_month, mtime_day);
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  unsigned line_month = 0;
  for (unsigned m = 0; m < 12; ++m) {
    if (first_line.substr(0, 3) == kMonths[m]) line_month = m + 1;
  }
  const std::string modified =
      (stdin_input ? "the time reading began, " : "the input's modification time, ") +
      FormatUtc(mtime_us);
  if (line_month == 0) {
    *why = "the year of " + modified;
    return static_cast<int>(year);
  }
  // "Mmm dd" or "Mmm  d": the day, 1 to 31 (anything else: the month decides alone).
  unsigned line_day = 1;
  std::string_view rest = first_line.substr(3);
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  if (rest.size() >= 1 && rest[0] >= '1' && rest[0] <= '9') {
    line_day = static_cast<unsigned>(rest[0] - '0');
    if (rest.size() >= 2 && rest[1] >= '0' && rest[1] <= '9') {
      line_day = line_day * 10 + static_cast<unsigned>(rest[1] - '0');
    }
    if (line_day > 31) line_day = 1;
  }
  const int64_t line_days = DaysFromCivil(year, line_month, line_day);
  if (line_days > mtime_days + 1) {
    *why = "the year before " + modified + ": the first line, " +
           std::string(kMonths[line_month - 1]) + " " + std::to_string(line_day) +
           ", would come after it";
    return static_cast<int>(year - 1);
  }
  *why = "the year of " + modified;
  return static_cast<int>(year);
}

// Why a line is a bad record whatever its format, or success.
Status LineProblem(const Input::Line& line, std::string_view text, const Input& in) {
  if (line.cut) {
    return MakeError(ErrorCode::kBadInput, Oversized(line.size, line.sha256, in.max_record()));
  }
  if (line.partial) {
    return MakeError(ErrorCode::kBadInput,
                     "cut short: the input ends inside this record (" + in.damage() + ")");
  }
  if (IsBlank(text)) return MakeError(ErrorCode::kBadInput, "blank line");
  if (text.substr(0, 3) == "\xEF\xBB\xBF") {
    return MakeError(ErrorCode::kBadInput, "byte order mark inside the input");
  }
  return {};
}

}  // namespace

// Why a record over --max-record-size was rejected; quarantine keeps its first KiB.
std::string Oversized(int64_t size, const std::string& sha256, size_t limit) {
  return "record of " + std::to_string(size) + " bytes is over --max-record-size (" +
         std::to_string(limit) + " bytes); kept: its first " +
         std::to_string(Input::kKeptOfOversized) + " bytes; SHA-256 of the whole record " + sha256;
}

Status RecordReader::Reject(std::string_view format, std::string_view raw, const Origin& origin,
                            const std::string& reason, InputSummary& sum) {
  if (sink_) sink_(Rejection{*origin.input, origin.line, origin.offset, reason, raw});
  return writer_.AddRejected(format, raw, origin, reason, sum);
}

Status RecordReader::Lines(Input& in, const FormatDescriptor& format, InputSummary& sum) {
  const FormatDescriptor& records = LineRecords(format);
  const std::string format_name(records.name);
  const Reader reader = format.reader;
  const formats::MapContext context{options_.now_us, {}};
  // A record that is not the line itself (CSV, CEF, Zeek TSV): its country is not read.
  const formats::MapContext text_context{options_.now_us, {}, true};
  std::optional<SyslogParser> syslog;
  ZeekTsv zeek;
  CsvRecords csv;
  std::string csv_raw;  // a CSV record may span lines
  Origin csv_origin{&in.name(), 0, 0};
  std::vector<Event> events;
  Event ev;
  // A line converted to JSON first (CEF, Zeek TSV): the event keeps the JSON as its fields.
  auto parse_converted = [&](Result<std::string> json) -> Status {
    if (!json) return json.error();
    Status parsed = json_.Parse(*json, records, text_context, ev);
    ev.fields = *json;
    if (parsed.ok()) events.push_back(std::move(ev));
    return parsed;
  };
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
    Status parsed = LineProblem(line, text, in);
    events.clear();
    if (!parsed.ok()) {
      // the line itself is bad: nothing to parse
    } else if (reader == Reader::kSyslog) {
      if (!syslog) {
        SyslogOptions so;
        if (options_.year) {
          so.year = *options_.year;
          sum.syslog_year_why = "--year";
        } else {
          so.year = SyslogYear(text, in.mtime_us(), in.name() == "-", &sum.syslog_year_why);
        }
        sum.syslog_year = so.year;
        syslog.emplace(so);
      }
      parsed = syslog->Parse(text, events);
      for (Event& e : events) formats::Label(e, nullptr, false);
    } else if (reader == Reader::kCsv) {
      parsed = json_.Parse(csv.TakeNormalised(), records, text_context, ev);
      ev.fields = csv.TakeOriginal();
      if (parsed.ok()) events.push_back(std::move(ev));
    } else if (reader == Reader::kCef) {
      parsed = parse_converted(CefToJson(text));
    } else if (reader == Reader::kZeekTsv) {
      parsed = parse_converted(zeek.ToJson(text));
    } else {
      parsed = json_.Parse(text, records, context, ev);
      if (parsed.ok()) events.push_back(std::move(ev));
    }
    Status s = parsed.ok() ? AddEvents(events, raw, origin, sum)
                           : Reject(format_name, raw, origin, parsed.error().message, sum);
    if (!s.ok()) return s;
  }
}

Status RecordReader::Document(Input& in, const FormatDescriptor& format, InputSummary& sum) {
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

// The events parsed from one record, to the Writer.
Status RecordReader::AddEvents(std::vector<Event>& events, std::string_view raw,
                               const Origin& origin, InputSummary& sum) {
  for (Event& e : events) {
    Status s = writer_.AddEvent(e, raw, origin, sum);
    if (!s.ok()) return s;
  }
  return {};
}

// A record over the size limit: its first KiB, with its length and SHA-256 in the reason.
Status RecordReader::RejectBig(std::string_view format, std::string_view raw, const Origin& origin,
                               const std::string& why, size_t limit, InputSummary& sum) {
  auto digest = crypto::Sha256Of(raw);
  if (!digest) return digest.error();
  return Reject(
      format, raw.substr(0, Input::kKeptOfOversized), origin,
      why + Oversized(static_cast<int64_t>(raw.size()), crypto::DigestHex(*digest), limit), sum);
}

}  // namespace vigil::ingest
