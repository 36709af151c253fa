#pragma once
// The events table's one codec (vigil-store(5), table events): the column list, the Event ⇄
// row encoding the ingest stage writes with, and EventCursor, through which every stage reads
// events back. No other file names an events column. A new column is one line in the table
// of event_codec.cpp (plus its member in core/event.h, its migration in store/schema.cpp and
// its line in vigil-store(5)); the test "The event codec's columns are the events table's"
// keeps the table and the schema in step.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/event.h"
#include "core/result.h"
#include "store/database.h"
#include "store/value.h"

namespace vigil::store {

// What a column of events holds.
enum class EventColumnRole {
  kBatch,    // batch_id
  kTime,     // Event::ts_us
  kFormat,   // Event::source_format
  kFile,     // where the record came from: file, line, byte offset (EventRowHead)
  kLine,     //
  kOffset,   //
  kKey,      // record_key (ingest/record_key.h)
  kText,     // an optional text member of Event (`text`)
  kInteger,  // an optional integer member of Event (`integer`)
  kRaw,      // the raw record
};

struct EventColumn {
  const char* name;
  EventColumnRole role;
  ValueType type;
  bool not_null;
  std::optional<std::string> Event::*text = nullptr;
  std::optional<int64_t> Event::*integer = nullptr;
};

// Every column of events after `id`, in declaration order (the order ChainWriter takes).
std::span<const EventColumn> EventColumns();

// The columns of a row that are not in the Event.
struct EventRowHead {
  int64_t batch_id = 0;
  std::string_view source_file;
  int64_t source_line = 0;
  int64_t source_offset = 0;
  std::string record_key;
};

// The values of one events row, for ChainWriter::Append("events", ...). Moves the optional
// strings out of `ev` (ts_us and source_format stay usable).
std::vector<Value> EncodeEvent(Event&& ev, EventRowHead head, std::string_view raw);

// Which Event members a reader wants (Event::ts_us is always read).
class EventFields {
 public:
  static EventFields All();
  EventFields& Add(std::optional<std::string> Event::*member);
  EventFields& Add(std::optional<int64_t> Event::*member);
  EventFields& AddFormat();  // Event::source_format
  bool Has(size_t column) const { return (bits_ >> column) & 1u; }

 private:
  uint64_t bits_ = 0;
};

// What to read and in which order. Events come in (ts_us, id) order, or for kAllIncidents in
// (incident id, ts_us, id) order, one row per membership (an event of two incidents twice).
struct EventQuery {
  enum class Scope {
    kAll,           // every event (bounded by min_ts and max_id when set)
    kIncident,      // the events of one incident: the id given to EventCursor::Start
    kAllIncidents,  // the events of every incident (EventCursor::incident_id)
  };
  Scope scope = Scope::kAll;
  EventFields fields = EventFields::All();
  bool raw = false;
  // Read raw only for rows stored before schema version 7 (product NULL), whose labels are
  // derived from it (formats/legacy_labels.h); other rows' raw reads as empty.
  bool raw_only_legacy = false;
  bool origin = false;            // source_file, source_line, source_offset: EventCursor::origin
  bool newest_score = false;      // the event's newest event_scores row: EventCursor::score
  size_t message_prefix = 0;      // > 0: Event::message holds at most its first so many characters
  std::optional<int64_t> min_ts;  // ts_us >= min_ts
  std::optional<int64_t> max_id;  // id <= max_id
};

// Where a stored record came from (NULL columns: nullopt).
struct EventOrigin {
  std::optional<std::string> file;
  std::optional<int64_t> line, offset;
};

// An event's newest stored score; an event never scored reads as risk 0, Low, "normal".
struct EventScoreBrief {
  int64_t risk = 0;
  std::string severity, label;
};

// Reads events a row at a time into a StoredEvent, reusing its strings' buffers. Owns a
// statement of `db`, which must outlive it. One thread at a time.
class EventCursor {
 public:
  // kStore when SQLite refuses the query.
  static Result<EventCursor> Open(Database& db, const EventQuery& query);

  // Runs the query from its first row again; `incident_id` is the incident for kIncident.
  Status Start(int64_t incident_id = 0);
  // true: `out` holds the next event (members not asked for are left as they were);
  // false: no more rows. kStore when SQLite fails.
  Result<bool> Next(StoredEvent& out);

  // Of the current row, when the query asked for them.
  int64_t incident_id() const;
  EventOrigin origin() const;
  EventScoreBrief score() const;

 private:
  struct Slot {
    const EventColumn* column;
    int at;
  };
  EventCursor(Statement st, const EventQuery& query);

  Statement st_;
  EventQuery query_;
  std::vector<Slot> slots_;
  int raw_at_ = -1, origin_at_ = -1, score_at_ = -1;
};

}  // namespace vigil::store
