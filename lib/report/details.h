#pragma once
// The decisive fields of an incident's events in its report (issue 21 item 9): per timeline
// line, the fields an analyst decides that kind of event by (IDS signature and category,
// Kerberos service and ticket encryption, cloud API, resource, account and user agent, HTTP
// method, URI, status and size, process image, command line and parent, service name and
// binary), and per incident the distinct values of each with their event counts. Read from the
// typed store (events.details, core/event_details.h, and events.url): no format is known here.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/event.h"
#include "core/json.h"
#include "json/json.h"

namespace vigil::report {

struct Incident;
struct TimelineEntry;

// One decisive field: its key (events.details) and its value, as the report shows it.
using DetailValue = std::pair<std::string, std::string>;

// The incident's values of one key, by number of events (most first), then by value.
struct DetailSummary {
  std::string key, label;
  std::vector<std::pair<std::string, int64_t>> values;
};

// Counts one event's details for the incident summary.
class DetailTally {
 public:
  // The event's decisive fields (its details, and its URL when it has an HTTP method), in
  // core/event_details.h order, cleaned of control characters; empty for events stored before
  // schema version 8.
  std::vector<DetailValue> Read(const Event& e);
  void Count(const std::vector<DetailValue>& values);
  std::vector<DetailSummary> Summaries() const;

 private:
  json::Parser parser_;
  std::vector<std::pair<std::string, std::vector<std::pair<std::string, int64_t>>>> counts_;
};

// The label a report shows for a key ("signature", "command line", "URI").
std::string DetailLabel(const std::string& key);

// "signature: ET SCAN ...; category: ..." for a timeline line ("" when it has none).
std::string DetailsText(const std::vector<DetailValue>& values);
// "Kerberos service: sysmonsvc (10), MSSQLSvc (7)" per key, at most `limit` values each.
std::vector<std::string> DetailSummaryLines(const std::vector<DetailSummary>& summaries,
                                            size_t limit = 5);
// "details": {"key": "value", ...} of a timeline line; nothing when it has none.
void WriteDetails(JsonWriter& w, const std::vector<DetailValue>& values);
// "decisive_fields": [{"field", "values": [{"value", "events"}]}] of an incident; nothing
// when it has none.
void WriteDetailSummaries(JsonWriter& w, const std::vector<DetailSummary>& summaries);

// For the drafted summary: " Decisive fields: LABEL VALUE (N of M events), ...." with the most
// frequent value of at most four fields (values cut at 80 characters); "" when there are none.
std::string DecisiveSentence(const std::vector<DetailSummary>& summaries, int64_t events);

// Who or what the incident is about, as its rule grouped it ("source.ip 203.0.113.7"), else
// its most frequent source, user or host; "-" when none.
std::string EntityOf(const Incident& inc);

}  // namespace vigil::report
