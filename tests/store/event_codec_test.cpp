#include "store/event_codec.h"

#include <catch2/catch.hpp>

#include "store/chain.h"
#include "store/schema.h"
#include "store/store.h"
#include "support/test_support.h"

using namespace vigil;
using namespace vigil::store;
using vigil::testing::TempDir;

namespace {

Event FullEvent() {
  Event e;
  e.ts_us = 1'700'000'000'000'000;
  e.source_format = "ndjson";
  e.event_kind = "event";
  e.event_category = "authentication";
  e.event_type = "start";
  e.event_outcome = "failure";
  e.event_action = "login_failure";
  e.event_severity = "3";
  e.user_name = "alice";
  e.source_ip = "203.0.113.7";
  e.source_port = 51515;
  e.destination_ip = "10.0.0.5";
  e.destination_port = 22;
  e.network_protocol = "tcp";
  e.host_name = "bastion";
  e.source_bytes = 1234;
  e.destination_bytes = 0;
  e.url = "https://example.test/x";
  e.domain = "example.test";
  e.email_from = "a@example.test";
  e.email_subject = "hello";
  e.process_name = "sshd";
  e.message = "Failed password for alice";
  e.fields = "{\"k\":\"v\"}";
  return e;
}

// Writes one batch and `events` (with raw `raws`) and returns the ids.
std::vector<int64_t> Write(Database& db, std::vector<Event> events,
                           const std::vector<std::string>& raws) {
  auto tx = Transaction::Begin(db, Transaction::Kind::kImmediate);
  REQUIRE(tx.has_value());
  auto writer = ChainWriter::Begin(db);
  REQUIRE(writer.has_value());
  auto batch = writer->Append("batches", {Value::Integer(1), Value::Text("ingest"), Value::Null(),
                                          Value::Text("test"), Value::Null()});
  REQUIRE(batch.has_value());
  std::vector<int64_t> ids;
  for (size_t i = 0; i < events.size(); ++i) {
    auto id = writer->Append("events", EncodeEvent(std::move(events[i]),
                                                   {*batch, "in.json", int64_t(i + 1),
                                                    int64_t(i * 100), "key" + std::to_string(i)},
                                                   raws[i]));
    REQUIRE(id.has_value());
    ids.push_back(*id);
  }
  REQUIRE(tx->Commit().ok());
  return ids;
}

}  // namespace

TEST_CASE("The event codec's columns are the events table's", "[store]") {
  const TableDef* table = FindChainedTable("events");
  REQUIRE(table != nullptr);
  const auto columns = EventColumns();
  REQUIRE(columns.size() == table->columns.size());
  for (size_t i = 0; i < columns.size(); ++i) {
    INFO("column " << i);
    CHECK(std::string(columns[i].name) == table->columns[i].name);
    CHECK(columns[i].type == table->columns[i].type);
    CHECK(columns[i].not_null == table->columns[i].not_null);
  }
}

TEST_CASE("EncodeEvent and EventCursor carry every column of an event", "[store]") {
  TempDir dir;
  auto db = OpenStore(dir.File("s.db"), StoreAccess::kCreate);
  REQUIRE(db.has_value());
  Event sparse;
  sparse.ts_us = 5;
  sparse.source_format = "syslog";
  const auto ids = Write(*db, {FullEvent(), sparse}, {"{\"geo\":\"US\"}", "plain"});

  EventQuery q;
  q.raw = true;
  q.origin = true;
  auto cursor = EventCursor::Open(*db, q);
  REQUIRE(cursor.has_value());
  StoredEvent out;
  // (ts_us, id) order: the sparse event comes first, and every member it lacks reads as
  // nullopt even in a StoredEvent that held a full event before.
  out.event = FullEvent();
  REQUIRE(*cursor->Next(out));
  CHECK(out.id == ids[1]);
  CHECK(out.event.ts_us == 5);
  CHECK(out.event.source_format == "syslog");
  CHECK_FALSE(out.event.user_name.has_value());
  CHECK_FALSE(out.event.source_port.has_value());
  CHECK(out.raw == "plain");
  CHECK(cursor->origin().line == 2);

  REQUIRE(*cursor->Next(out));
  const Event want = FullEvent();
  CHECK(out.id == ids[0]);
  for (const EventColumn& c : EventColumns()) {
    INFO(c.name);
    if (c.text) CHECK(out.event.*c.text == want.*c.text);
    if (c.integer) CHECK(out.event.*c.integer == want.*c.integer);
  }
  CHECK(out.event.ts_us == want.ts_us);
  CHECK(out.raw == "{\"geo\":\"US\"}");
  const EventOrigin origin = cursor->origin();
  CHECK(origin.file == "in.json");
  CHECK(origin.line == 1);
  CHECK(origin.offset == 0);
  CHECK_FALSE(*cursor->Next(out));
}

TEST_CASE("EventCursor reads only what a query asks for", "[store]") {
  TempDir dir;
  auto db = OpenStore(dir.File("s.db"), StoreAccess::kCreate);
  REQUIRE(db.has_value());
  Event second = FullEvent();
  second.ts_us += 1;
  second.product = "vigil";  // stored with its labels (schema 7): raw is not needed
  Write(*db, {FullEvent(), second}, {"{\"geo\":\"US\"}", "{\"no\":1}"});

  EventQuery q;
  q.fields = EventFields().Add(&Event::user_name).Add(&Event::message);
  q.message_prefix = 6;
  q.raw = true;
  q.raw_only_legacy = true;
  auto cursor = EventCursor::Open(*db, q);
  REQUIRE(cursor.has_value());
  StoredEvent out;
  REQUIRE(*cursor->Next(out));
  CHECK(out.event.user_name == "alice");
  CHECK(out.event.message == "Failed");
  CHECK_FALSE(out.event.source_ip.has_value());  // not asked for
  CHECK(out.event.source_format.empty());
  CHECK(out.raw == "{\"geo\":\"US\"}");
  REQUIRE(*cursor->Next(out));
  CHECK(out.raw.empty());  // has a product: not a legacy row
  CHECK_FALSE(*cursor->Next(out));

  // Started again, the same rows; bounded, fewer.
  REQUIRE(cursor->Start().ok());
  REQUIRE(*cursor->Next(out));
  EventQuery bounded;
  bounded.min_ts = second.ts_us;
  auto later = EventCursor::Open(*db, bounded);
  REQUIRE(later.has_value());
  REQUIRE(*later->Next(out));
  CHECK(out.event.ts_us == second.ts_us);
  CHECK_FALSE(*later->Next(out));
}
