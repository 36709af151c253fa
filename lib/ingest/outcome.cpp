#include "ingest/outcome.h"

#include "core/json.h"

namespace vigil::ingest {

Result<RejectsFile> RejectsFile::Create(const std::string& path) {
  auto created = AtomicFile::Create(path, 0600);
  if (!created) return created.error();
  return RejectsFile(std::move(*created));
}

void RejectsFile::Add(const Rejection& r) {
  JsonWriter w;
  w.BeginObject().Key("input").String(r.input).Key("line").Int(r.line);
  w.Key("offset").Int(r.offset).Key("reason").String(r.reason);
  w.Key("raw").String(r.raw.substr(0, 4096)).EndObject();
  buffer_ += w.str() + "\n";
  if (buffer_.size() >= 65536 && status_.ok()) {
    status_ = file_.Write(buffer_);
    buffer_.clear();
  }
}

Status RejectsFile::Commit() {
  if (status_.ok()) status_ = file_.Write(buffer_);
  if (status_.ok()) status_ = file_.Commit();
  return status_;
}

std::string DetectJson(const std::vector<InputSummary>& inputs) {
  JsonWriter w;
  w.BeginArray();
  for (const auto& i : inputs) {
    w.BeginObject().Key("input").String(i.name).Key("format").String(i.format);
    w.Key("confidence").String(i.confidence).Key("reason").String(i.reason).EndObject();
  }
  w.EndArray();
  return w.str();
}

std::string SummaryJson(const Summary& s) {
  JsonWriter w;
  w.BeginObject()
      .Key("read")
      .Int(s.read)
      .Key("stored")
      .Int(s.stored)
      .Key("duplicates")
      .Int(s.duplicates)
      .Key("rejected")
      .Int(s.rejected)
      .Key("formats")
      .BeginObject();
  for (const auto& [name, n] : s.formats) w.Key(name).Int(n);
  w.EndObject().Key("batch").Int(s.batch_id).Key("inputs").BeginArray();
  for (const auto& i : s.inputs) {
    w.BeginObject().Key("input").String(i.name).Key("format").String(i.format);
    w.Key("confidence").String(i.confidence).Key("read").Int(i.read);
    w.Key("stored").Int(i.stored).Key("duplicates").Int(i.duplicates);
    w.Key("rejected").Int(i.rejected);
    if (!i.timezone.empty()) w.Key("timezone").String(i.timezone);
    if (i.syslog_year != 0) {
      w.Key("syslog_year").Int(i.syslog_year).Key("syslog_year_why").String(i.syslog_year_why);
    }
    if (!i.error.empty()) w.Key("error").String(i.error);
    w.EndObject();
  }
  w.EndArray().EndObject();
  return w.str();
}

Status Outcome(const Summary& summary) {
  std::string problems;
  if (summary.rejected > 0) {
    problems = std::to_string(summary.rejected) + " records rejected (kept in quarantine)";
  }
  if (summary.unread_inputs > 0) {
    problems += (problems.empty() ? "" : "; ") + std::to_string(summary.unread_inputs) +
                (summary.unread_inputs == 1 ? " input" : " inputs") + " not read in full";
  }
  if (!problems.empty()) return MakeError(ErrorCode::kBadInput, problems);
  return {};
}

}  // namespace vigil::ingest
