// The events codec. kColumns is the one list of the table's columns; encoding walks it in
// order, and a cursor's SELECT and its decoding are built from it once per query, so the per
// row work is a loop over the chosen columns. SQL is put together from the constant names in
// kColumns only; every value is bound (?1 incident id, ?2 min_ts, ?3 max_id, ?4 message
// prefix length).
#include "store/event_codec.h"

#include <array>
#include <cassert>

namespace vigil::store {
namespace {

using R = EventColumnRole;
using T = ValueType;

constexpr EventColumn Fixed(const char* name, R role, T type, bool not_null) {
  return {name, role, type, not_null, nullptr, nullptr};
}
constexpr EventColumn Text(const char* name, std::optional<std::string> Event::*m) {
  return {name, R::kText, T::kText, false, m, nullptr};
}
constexpr EventColumn Integer(const char* name, std::optional<int64_t> Event::*m) {
  return {name, R::kInteger, T::kInteger, false, nullptr, m};
}

// Declaration order of vigil-store(5). New columns go last: ALTER TABLE appends them.
const EventColumn kColumns[] = {
    Fixed("batch_id", R::kBatch, T::kInteger, true),
    Fixed("ts_us", R::kTime, T::kInteger, true),
    Fixed("source_format", R::kFormat, T::kText, true),
    Fixed("source_file", R::kFile, T::kText, false),
    Fixed("source_line", R::kLine, T::kInteger, false),
    Fixed("source_offset", R::kOffset, T::kInteger, false),
    Fixed("record_key", R::kKey, T::kBlob, true),
    Text("event_kind", &Event::event_kind),
    Text("event_category", &Event::event_category),
    Text("event_type", &Event::event_type),
    Text("event_outcome", &Event::event_outcome),
    Text("event_action", &Event::event_action),
    Text("event_severity", &Event::event_severity),
    Text("user_name", &Event::user_name),
    Text("source_ip", &Event::source_ip),
    Integer("source_port", &Event::source_port),
    Text("destination_ip", &Event::destination_ip),
    Integer("destination_port", &Event::destination_port),
    Text("network_protocol", &Event::network_protocol),
    Text("host_name", &Event::host_name),
    Integer("source_bytes", &Event::source_bytes),
    Integer("destination_bytes", &Event::destination_bytes),
    Text("url", &Event::url),
    Text("domain", &Event::domain),
    Text("email_from", &Event::email_from),
    Text("email_subject", &Event::email_subject),
    Text("process_name", &Event::process_name),
    Text("message", &Event::message),
    Text("fields", &Event::fields),
    Fixed("raw", R::kRaw, T::kBlob, true),
    Text("product", &Event::product),  // schema version 7
    Text("service", &Event::service),
    Text("source_country", &Event::source_country),
    Text("details", &Event::details),  // schema version 8
};
static_assert(std::size(kColumns) <= 64, "EventFields is a 64-bit mask");

size_t IndexOf(R role) {
  for (size_t i = 0; i < std::size(kColumns); ++i) {
    if (kColumns[i].role == role) return i;
  }
  assert(false && "every role has a column");
  return 0;
}

// Assigns in place, so a string keeps its buffer from one event to the next.
void SetText(const Statement& st, int i, std::optional<std::string>* out) {
  if (st.ColumnType(i) == ValueType::kNull) {
    out->reset();
  } else if (*out) {
    (*out)->assign(st.ColumnText(i));
  } else {
    out->emplace(st.ColumnText(i));
  }
}
std::optional<int64_t> OptInt(const Statement& st, int i) {
  if (st.ColumnType(i) == ValueType::kNull) return std::nullopt;
  return st.ColumnInteger(i);
}

}  // namespace

std::span<const EventColumn> EventColumns() { return kColumns; }

std::vector<Value> EncodeEvent(Event&& ev, EventRowHead head, std::string_view raw) {
  std::vector<Value> row;
  row.reserve(std::size(kColumns));
  for (const EventColumn& c : kColumns) {
    switch (c.role) {
      case R::kBatch:
        row.push_back(Value::Integer(head.batch_id));
        break;
      case R::kTime:
        row.push_back(Value::Integer(ev.ts_us));
        break;
      case R::kFormat:
        row.push_back(Value::Text(ev.source_format));
        break;
      case R::kFile:
        row.push_back(Value::Text(std::string(head.source_file)));
        break;
      case R::kLine:
        row.push_back(Value::Integer(head.source_line));
        break;
      case R::kOffset:
        row.push_back(Value::Integer(head.source_offset));
        break;
      case R::kKey:
        row.push_back(Value::Blob(std::move(head.record_key)));
        break;
      case R::kText: {
        std::optional<std::string>& v = ev.*c.text;
        row.push_back(v ? Value::Text(std::move(*v)) : Value::Null());
        break;
      }
      case R::kInteger: {
        const std::optional<int64_t>& v = ev.*c.integer;
        row.push_back(v ? Value::Integer(*v) : Value::Null());
        break;
      }
      case R::kRaw:
        row.push_back(Value::Blob(std::string(raw)));
        break;
    }
  }
  return row;
}

EventFields EventFields::All() {
  EventFields f;
  for (size_t i = 0; i < std::size(kColumns); ++i) {
    const R role = kColumns[i].role;
    if (role == R::kText || role == R::kInteger || role == R::kFormat) f.bits_ |= uint64_t{1} << i;
  }
  return f;
}

EventFields& EventFields::Add(std::optional<std::string> Event::*member) {
  for (size_t i = 0; i < std::size(kColumns); ++i) {
    if (kColumns[i].text == member) bits_ |= uint64_t{1} << i;
  }
  return *this;
}

EventFields& EventFields::Add(std::optional<int64_t> Event::*member) {
  for (size_t i = 0; i < std::size(kColumns); ++i) {
    if (kColumns[i].integer == member) bits_ |= uint64_t{1} << i;
  }
  return *this;
}

EventFields& EventFields::AddFormat() {
  bits_ |= uint64_t{1} << IndexOf(R::kFormat);
  return *this;
}

Result<EventCursor> EventCursor::Open(Database& db, const EventQuery& q) {
  using Scope = EventQuery::Scope;
  std::string sql = "SELECT ";
  int at = 0;
  if (q.scope == Scope::kAllIncidents) {
    sql += "ie.incident_id, ";
    ++at;
  }
  sql += "e.id";
  ++at;
  std::vector<Slot> slots;
  for (size_t i = 0; i < std::size(kColumns); ++i) {
    const EventColumn& c = kColumns[i];
    if (c.role != R::kTime && !q.fields.Has(i)) continue;
    if (c.role != R::kTime && c.role != R::kFormat && c.role != R::kText && c.role != R::kInteger) {
      continue;
    }
    const bool prefix = q.message_prefix > 0 && c.text == &Event::message;
    sql += prefix ? std::string(", substr(e.") + c.name + ", 1, ?4)" : std::string(", e.") + c.name;
    slots.push_back({&c, at++});
  }
  int raw_at = -1, origin_at = -1, score_at = -1;
  if (q.raw) {
    sql += q.raw_only_legacy ? ", CASE WHEN e.product IS NULL THEN e.raw END" : ", e.raw";
    raw_at = at++;
  }
  if (q.origin) {
    sql += ", e.source_file, e.source_line, e.source_offset";
    origin_at = at;
    at += 3;
  }
  if (q.newest_score) {
    sql += ", coalesce(s.risk, 0), coalesce(s.severity, 'Low'), coalesce(s.label, 'normal')";
    score_at = at;
    at += 3;
  }
  sql += q.scope == Scope::kAll ? " FROM events e"
                                : " FROM incident_events ie JOIN events e ON e.id = ie.event_id";
  if (q.newest_score) {
    sql +=
        " LEFT JOIN event_scores s ON s.id = (SELECT max(id) FROM event_scores WHERE event_id = "
        "e.id)";
  }
  std::string where;
  if (q.scope == Scope::kIncident) where += " AND ie.incident_id = ?1";
  if (q.min_ts) where += " AND e.ts_us >= ?2";
  if (q.max_id) where += " AND e.id <= ?3";
  if (!where.empty()) sql += " WHERE" + where.substr(4);
  sql += q.scope == Scope::kAllIncidents ? " ORDER BY ie.incident_id, e.ts_us, e.id"
                                         : " ORDER BY e.ts_us, e.id";
  auto st = db.Prepare(sql, "read events");
  if (!st) return st.error();
  EventCursor cursor(std::move(st).value(), q);
  cursor.slots_ = std::move(slots);
  cursor.raw_at_ = raw_at;
  cursor.origin_at_ = origin_at;
  cursor.score_at_ = score_at;
  if (Status s = cursor.Start(); !s.ok()) return s.error();
  return cursor;
}

EventCursor::EventCursor(Statement st, const EventQuery& query)
    : st_(std::move(st)), query_(query) {}

Status EventCursor::Start(int64_t incident_id) {
  st_.Reset();
  if (query_.scope == EventQuery::Scope::kIncident) {
    if (Status s = st_.BindInteger(1, incident_id); !s.ok()) return s;
  }
  if (query_.min_ts) {
    if (Status s = st_.BindInteger(2, *query_.min_ts); !s.ok()) return s;
  }
  if (query_.max_id) {
    if (Status s = st_.BindInteger(3, *query_.max_id); !s.ok()) return s;
  }
  for (const Slot& slot : slots_) {
    if (query_.message_prefix > 0 && slot.column->text == &Event::message) {
      if (Status s = st_.BindInteger(4, int64_t(query_.message_prefix)); !s.ok()) return s;
    }
  }
  return {};
}

Result<bool> EventCursor::Next(StoredEvent& out) {
  auto row = st_.Step();
  if (!row || !*row) return row;
  const int first = query_.scope == EventQuery::Scope::kAllIncidents ? 1 : 0;
  out.id = st_.ColumnInteger(first);
  Event& e = out.event;
  for (const Slot& s : slots_) {
    const EventColumn& c = *s.column;
    switch (c.role) {
      case R::kTime:
        e.ts_us = st_.ColumnInteger(s.at);
        break;
      case R::kFormat:
        e.source_format.assign(st_.ColumnText(s.at));
        break;
      case R::kText:
        SetText(st_, s.at, &(e.*c.text));
        break;
      case R::kInteger:
        e.*c.integer = OptInt(st_, s.at);
        break;
      default:
        break;
    }
  }
  if (raw_at_ >= 0) {
    if (st_.ColumnType(raw_at_) == ValueType::kNull) {
      out.raw.clear();
    } else {
      out.raw.assign(st_.ColumnBlob(raw_at_));
    }
  }
  return true;
}

int64_t EventCursor::incident_id() const {
  assert(query_.scope == EventQuery::Scope::kAllIncidents);
  return st_.ColumnInteger(0);
}

EventOrigin EventCursor::origin() const {
  assert(origin_at_ >= 0);
  EventOrigin o;
  if (st_.ColumnType(origin_at_) != ValueType::kNull) o.file.emplace(st_.ColumnText(origin_at_));
  o.line = OptInt(st_, origin_at_ + 1);
  o.offset = OptInt(st_, origin_at_ + 2);
  return o;
}

EventScoreBrief EventCursor::score() const {
  assert(score_at_ >= 0);
  return {st_.ColumnInteger(score_at_), std::string(st_.ColumnText(score_at_ + 1)),
          std::string(st_.ColumnText(score_at_ + 2))};
}

}  // namespace vigil::store
