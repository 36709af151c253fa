// `vigil stats` end to end: a crafted workload (NDJSON and syslog) ingested, correlated and
// scored; every number of the JSON checked against plain SQL on the store, the text against
// the JSON, the filters, the bars and shades of the text, and a store of samples/.
#include "stats/stats.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <map>
#include <string>
#include <vector>

#include "report/facts.h"
#include "store/store.h"
#include "support/test_support.h"

using vigil::testing::ParseJson;
using vigil::testing::RawQueryInt;
using vigil::testing::RawRows;
using vigil::testing::RunCli;
using vigil::testing::SourcePath;
using vigil::testing::TempDir;
using vigil::testing::WriteText;

namespace {

// Office logins on Monday 2024-03-04 .. Thursday 2024-03-07 (alice and bob, 09:00-15:50),
// a brute force on root from 203.0.113.5 on Friday 2024-03-08 at 22:00 ending in a success,
// one event without an address and one whose user name carries an escape sequence.
std::string Workload() {
  std::string out;
  for (int d = 0; d < 4; ++d) {
    for (int i = 0; i < 40; ++i) {
      out += fmt::format(
          R"({{"ts":"2024-03-{:02}T{:02}:{:02}:00Z","source":"auth","event_type":"login_success",)"
          R"("user":"{}","src_ip":"{}","host":"vpn-gw-01"}})"
          "\n",
          4 + d, 9 + i / 6, (i % 6) * 10, i % 2 ? "alice" : "bob", i % 2 ? "10.0.0.7" : "10.0.0.8");
    }
  }
  for (int i = 0; i < 30; ++i) {
    out += fmt::format(
        R"({{"ts":"2024-03-08T22:00:{:02}Z","source":"auth","event_type":"login_failure",)"
        R"("user":"root","src_ip":"203.0.113.5","host":"ssh-bastion-01"}})"
        "\n",
        i);
  }
  out +=
      R"({"ts":"2024-03-08T22:00:45Z","source":"auth","event_type":"login_success","user":"root",)"
      R"("src_ip":"203.0.113.5","host":"ssh-bastion-01"})"
      "\n";
  out += R"({"ts":"2024-03-09T03:00:00Z","source":"auth","event_type":"logout","host":"x"})"
         "\n";
  out += R"({"ts":"2024-03-09T03:00:01Z","source":"auth","event_type":"logout",)"
         R"("user":"\u001b[31mevil","src_ip":"10.0.0.9","host":"x"})"
         "\n";
  return out;
}

// A second input format: sshd failures on Sunday 2024-03-10 at 06:xx.
std::string Syslog() {
  std::string out;
  for (int i = 0; i < 6; ++i) {
    out += fmt::format(
        "Mar 10 06:{:02}:00 bastion sshd[{}]: Failed password for invalid user admin from "
        "198.51.100.23 port 22 ssh2\n",
        i, 4100 + i);
  }
  return out;
}

std::string Store(const TempDir& dir) {
  const std::string db = dir.File("s.db");
  WriteText(dir.File("a.ndjson"), Workload());
  WriteText(dir.File("auth.log"), Syslog());
  auto in = RunCli({"--db", db, "ingest", "--quiet", "--year", "2024", dir.File("a.ndjson"),
                    dir.File("auth.log")});
  INFO(in.err);
  REQUIRE(in.code == 0);
  REQUIRE(RunCli({"--db", db, "correlate", "--quiet"}).code == 0);
  REQUIRE(RunCli({"--db", db, "score", "--quiet"}).code == 0);
  return db;
}

std::string Stats(const std::string& db, std::vector<std::string> args, int code = 0) {
  std::vector<std::string> argv = {"--db", db, "stats"};
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = RunCli(argv);
  INFO(r.out << r.err);
  REQUIRE(r.code == code);
  return r.out;
}

// [{"label", "count"}] as "label|count" lines, the form of RawRows.
std::vector<std::string> Rows(simdjson::dom::element list) {
  std::vector<std::string> out;
  for (simdjson::dom::element r : simdjson::dom::array(list)) {
    out.push_back(fmt::format("{}|{}", std::string_view(r["label"]), int64_t(r["count"])));
  }
  return out;
}

constexpr const char* kLatest =
    "(SELECT incident_id, severity, risk, max(id) FROM scores "
    "GROUP BY incident_id)";

// The text line of `label` in a bar list ends in its count.
void CheckTextRows(const std::string& text, const std::vector<std::string>& rows) {
  for (const std::string& row : rows) {
    const size_t bar = row.rfind('|');
    const std::string label = row.substr(0, bar), count = row.substr(bar + 1);
    INFO(row);
    bool found = false;
    size_t at = 0;
    while (!found && (at = text.find("\n  " + label, at)) != std::string::npos) {
      const size_t end = text.find('\n', at + 1);
      const std::string line = text.substr(at + 1, end - at - 1);
      found =
          line.size() > count.size() && line.substr(line.size() - count.size() - 1) == " " + count;
      ++at;
    }
    CHECK(found);
  }
}

}  // namespace

TEST_CASE("stats agrees with plain SQL on every count", "[stats][cli]") {
  TempDir dir;
  const std::string db = Store(dir);
  const std::string json = Stats(db, {"--format", "json"});
  simdjson::dom::parser parser;
  auto doc = ParseJson(parser, json);
  CHECK(int64_t(doc["incidents"]) == RawQueryInt(db, "SELECT count(*) FROM incidents"));
  CHECK(int64_t(doc["events"]) == RawQueryInt(db, "SELECT count(*) FROM events"));
  CHECK(int64_t(doc["events"]) == 160 + 31 + 2 + 6);
  CHECK(std::string_view(doc["events_of"]) == "all");
  CHECK(doc["since"].is_null());
  REQUIRE(int64_t(doc["incidents"]) >= 1);

  SECTION("incidents by severity, Critical to Low, from the newest score") {
    std::vector<std::string> want;
    for (const char* s : {"Critical", "High", "Medium", "Low"}) {
      want.push_back(fmt::format(
          "{}|{}", s,
          RawQueryInt(db,
                      fmt::format("SELECT count(*) FROM {} WHERE severity = '{}'", kLatest, s))));
    }
    CHECK(Rows(doc["incidents_by_severity"]) == want);  // every incident is scored
  }
  SECTION("incidents by type") {
    CHECK(Rows(doc["incidents_by_type"]["rows"]) ==
          RawRows(db,
                  "SELECT title, count(*) AS n FROM incidents GROUP BY title "
                  "ORDER BY n DESC, title LIMIT 10"));
    CHECK(int64_t(doc["incidents_by_type"]["distinct"]) ==
          RawQueryInt(db, "SELECT count(DISTINCT title) FROM incidents"));
  }
  SECTION("events by source") {
    const auto rows = Rows(doc["events_by_source"]);
    CHECK(rows == RawRows(db,
                          "SELECT source_format, count(*) AS n FROM events GROUP BY 1 "
                          "ORDER BY n DESC, 1"));
    CHECK(rows.size() == 2);
  }
  SECTION("top source IPs and users of events") {
    CHECK(Rows(doc["top_source_ips"]["rows"]) ==
          RawRows(db,
                  "SELECT source_ip, count(*) AS n FROM events WHERE source_ip <> '' "
                  "GROUP BY 1 ORDER BY n DESC, 1 LIMIT 10"));
    CHECK(Rows(doc["top_users"]["rows"]) ==
          RawRows(db,
                  "SELECT replace(user_name, char(27), '?') AS u, count(*) AS n FROM events "
                  "WHERE user_name <> '' GROUP BY u ORDER BY n DESC, u LIMIT 10"));
    CHECK(int64_t(doc["top_source_ips"]["distinct"]) ==
          RawQueryInt(db, "SELECT count(DISTINCT source_ip) FROM events WHERE source_ip <> ''"));
    CHECK(int64_t(doc["top_source_ips"]["without"]) == 1);
    CHECK(int64_t(doc["top_users"]["without"]) ==
          RawQueryInt(db, "SELECT count(*) FROM events WHERE coalesce(user_name, '') = ''"));
    CHECK(Rows(doc["top_users"]["rows"]).front() == "alice|80");
    // The escape sequence of a user name never reaches the output.
    CHECK(json.find("?[31mevil") != std::string::npos);
    CHECK(json.find("\\u001b") == std::string::npos);
  }
  SECTION("the heatmap: weekday and hour, UTC") {
    simdjson::dom::array rows = doc["heatmap"];
    REQUIRE(rows.size() == 7);
    int64_t total = 0;
    for (simdjson::dom::element row : rows) {
      REQUIRE(simdjson::dom::array(row).size() == 24);
      for (int64_t v : simdjson::dom::array(row)) total += v;
    }
    CHECK(total == int64_t(doc["events"]));
    // strftime %w counts from Sunday = 0; the heatmap's rows from Monday.
    const auto cell = [&](int weekday, int hour) {
      return RawQueryInt(db, fmt::format("SELECT count(*) FROM events WHERE "
                                         "strftime('%w', ts_us / 1000000, 'unixepoch') = '{}' AND "
                                         "strftime('%H', ts_us / 1000000, 'unixepoch') = '{:02}'",
                                         (weekday + 1) % 7, hour));
    };
    CHECK(int64_t(rows.at(4).at(22)) == cell(4, 22));  // Friday 22:00, the brute force
    CHECK(int64_t(rows.at(4).at(22)) == 31);
    CHECK(int64_t(rows.at(0).at(9)) == cell(0, 9));  // Monday 09:00
    CHECK(int64_t(rows.at(0).at(9)) == 6);
    CHECK(int64_t(rows.at(6).at(6)) == 6);  // Sunday 06:00, the syslog file
    CHECK(int64_t(rows.at(5).at(3)) == 2);  // Saturday 03:00
    CHECK(int64_t(rows.at(2).at(3)) == 0);
  }
  SECTION("risk over time: per day, from the newest scores") {
    simdjson::dom::element risk = doc["risk_over_time"];
    CHECK(std::string_view(risk["bucket"]) == "day");
    std::vector<std::string> got;
    for (simdjson::dom::element b : simdjson::dom::array(risk["buckets"])) {
      got.push_back(fmt::format("{}|{}|{}|{:.1f}", std::string_view(b["start"]),
                                int64_t(b["incidents"]), int64_t(b["max_risk"]),
                                double(b["mean_risk"])));
    }
    CHECK(got == RawRows(db, fmt::format("SELECT date(i.first_ts_us / 1000000, 'unixepoch') AS d, "
                                         "count(*), max(s.risk), printf('%.1f', avg(s.risk)) "
                                         "FROM incidents i JOIN {} s ON s.incident_id = i.id "
                                         "GROUP BY d ORDER BY d",
                                         kLatest)));
  }
  SECTION("the text shows the same numbers") {
    const std::string text = Stats(db, {});
    CHECK(text.rfind(fmt::format("{} incidents, {} events (all events)\n",
                                 int64_t(doc["incidents"]), int64_t(doc["events"])),
                     0) == 0);
    CheckTextRows(text, Rows(doc["incidents_by_severity"]));
    CheckTextRows(text, Rows(doc["events_by_source"]));
    CheckTextRows(text, Rows(doc["top_source_ips"]["rows"]));
    CheckTextRows(text, Rows(doc["top_users"]["rows"]));
    CHECK(text.find("\x1b") == std::string::npos);
    CHECK(text.find("\u2588") != std::string::npos);
    const std::string ascii = Stats(db, {"--ascii"});
    for (char c : ascii) CHECK(static_cast<unsigned char>(c) < 0x80);
    CHECK(Stats(db, {}) == text);  // deterministic
    CHECK(Stats(db, {"--format", "json"}) == json);
  }
  SECTION("--top") {
    simdjson::dom::parser one_parser;  // a parser holds one document at a time
    auto one = ParseJson(one_parser, Stats(db, {"--format", "json", "--top", "1"}));
    CHECK(Rows(one["top_users"]["rows"]) == std::vector<std::string>{"alice|80"});
    CHECK(int64_t(one["top_users"]["distinct"]) == int64_t(doc["top_users"]["distinct"]));
    Stats(db, {"--top", "0"}, 2);
  }
}

TEST_CASE("stats filters: time windows count events, incident filters their events",
          "[stats][cli]") {
  TempDir dir;
  const std::string db = Store(dir);
  simdjson::dom::parser parser;
  SECTION("--since and --until count the events in the window") {
    const std::string json =
        Stats(db, {"--format", "json", "--since", "2024-03-05", "--until", "2024-03-08"});
    auto doc = ParseJson(parser, json);
    const long long from = 1709596800000000, to = 1709942400000000 - 1;  // 03-05 .. 03-08 end
    CHECK(int64_t(doc["events"]) ==
          RawQueryInt(db, fmt::format("SELECT count(*) FROM events WHERE ts_us BETWEEN {} AND {}",
                                      from, to)));
    CHECK(int64_t(doc["events"]) == 120 + 31);
    CHECK(std::string_view(doc["events_of"]) == "all");
    CHECK(std::string_view(doc["since"]) == "2024-03-05T00:00:00Z");
    CHECK(Rows(doc["events_by_source"]) == std::vector<std::string>{"ndjson|151"});
    CHECK(int64_t(doc["heatmap"].at(0).at(9)) == 0);  // Monday is outside
    // The incidents are those vigil report selects: they overlap the window.
    simdjson::dom::parser report_parser;  // a parser holds one document at a time
    auto report =
        ParseJson(report_parser, RunCli({"--db", db, "--format", "json", "report", "--since",
                                         "2024-03-05", "--until", "2024-03-08"})
                                     .out);
    CHECK(int64_t(doc["incidents"]) == int64_t(simdjson::dom::array(report["incidents"]).size()));
  }
  SECTION("--severity counts the selected incidents and their events") {
    auto doc = ParseJson(parser, Stats(db, {"--format", "json", "--severity", "medium"}));
    const std::string ids = fmt::format(
        "SELECT incident_id FROM {} WHERE severity IN "
        "('Medium', 'High', 'Critical')",
        kLatest);
    CHECK(int64_t(doc["incidents"]) == RawQueryInt(db, "SELECT count(*) FROM (" + ids + ")"));
    REQUIRE(int64_t(doc["incidents"]) >= 1);
    CHECK(std::string_view(doc["events_of"]) == "incidents");
    CHECK(int64_t(doc["events"]) ==
          RawQueryInt(db,
                      "SELECT count(DISTINCT event_id) FROM incident_events WHERE "
                      "incident_id IN (" +
                          ids + ")"));
    CHECK(Rows(doc["incidents_by_severity"])[3] == "Low|0");
    CHECK(Rows(doc["top_users"]["rows"]).front().rfind("root|", 0) == 0);
  }
  SECTION("--user alice selects no incident, so no events") {
    auto doc = ParseJson(parser, Stats(db, {"--format", "json", "--user", "alice"}));
    CHECK(int64_t(doc["incidents"]) == 0);
    CHECK(int64_t(doc["events"]) == 0);
    CHECK(simdjson::dom::array(doc["risk_over_time"]["buckets"]).size() == 0);
    CHECK(Stats(db, {"--user", "alice"}).find("(none)") != std::string::npos);
  }
  SECTION("usage errors") {
    Stats(db, {"--since", "yesterday"}, 2);
    Stats(db, {"--severity", "huge"}, 2);
    Stats(db, {"--format", "markdown"}, 2);
  }
}

TEST_CASE("The stats text draws bars in eighths of a cell and shades in thirds", "[stats]") {
  vigil::stats::Stats s;
  s.incidents = 3;
  s.events = 17;
  s.events_by_source = {{"syslog", 16}, {"ndjson", 1}};
  s.heatmap[0][0] = 9;
  s.heatmap[6][23] = 3;
  s.risk_over_time = {{0, "1970-01-01", 1, 1, 50, 50.0}};
  const std::string text = vigil::stats::StatsText(s, true);
  std::string full;
  for (int i = 0; i < 30; ++i) full += "\u2588";
  CHECK(text.find("  syslog  " + full + "        16\n") != std::string::npos);
  // 1 of 16 over 30 cells is 15 eighths: one cell and seven eighths.
  CHECK(text.find("  ndjson  \u2588\u2589" + std::string(28, ' ') + "         1\n") !=
        std::string::npos);
  CHECK(text.find("  Mon  \u2588\u2588  ") != std::string::npos);
  CHECK(text.find("\u2592\u2592\n") != std::string::npos);  // 3 of 9: from a third
  CHECK(text.find("  1970-01-01  " + full.substr(0, 15 * 3) + std::string(15, ' ') +
                  " max  50  mean  50.0  1 incident\n") != std::string::npos);
  const std::string ascii = vigil::stats::StatsText(s, false);
  CHECK(ascii.find("  ndjson  ##" + std::string(28, ' ')) != std::string::npos);  // 1.875
  CHECK(ascii.find("  Mon  ##  ") != std::string::npos);
  CHECK(ascii.find("::\n") != std::string::npos);
}

TEST_CASE("stats on samples/ agrees with SQL and vigil report", "[stats][cli]") {
  TempDir dir;
  const std::string db = vigil::testing::SampleStore(dir);
  simdjson::dom::parser parser;
  const std::string json = Stats(db, {"--format", "json"});
  auto doc = ParseJson(parser, json);
  CHECK(int64_t(doc["incidents"]) == RawQueryInt(db, "SELECT count(*) FROM incidents"));
  CHECK(int64_t(doc["events"]) == RawQueryInt(db, "SELECT count(*) FROM events"));
  CHECK(Rows(doc["events_by_source"]) ==
        RawRows(db,
                "SELECT source_format, count(*) AS n FROM events GROUP BY 1 "
                "ORDER BY n DESC, 1"));
  CHECK(Rows(doc["events_by_source"]).size() >= 5);
  // The samples span 2020 to 2026: weeks, and every incident in one of them.
  CHECK(std::string_view(doc["risk_over_time"]["bucket"]) == "week");
  int64_t in_buckets = 0;
  for (simdjson::dom::element b : simdjson::dom::array(doc["risk_over_time"]["buckets"])) {
    in_buckets += int64_t(b["incidents"]);
    const std::string start{std::string_view(b["start"])};
    INFO(start);
    CHECK(RawQueryInt(db, "SELECT strftime('%w', '" + start + "')") == 1);  // a Monday
  }
  CHECK(in_buckets == int64_t(doc["incidents"]));
  // High and above: the incidents vigil report --severity high selects.
  simdjson::dom::parser high_parser, report_parser;  // one document per parser
  auto high = ParseJson(high_parser, Stats(db, {"--format", "json", "--severity", "high"}));
  auto report = ParseJson(
      report_parser, RunCli({"--db", db, "--format", "json", "report", "--severity", "high"}).out);
  const auto selected = int64_t(simdjson::dom::array(report["incidents"]).size());
  CHECK(int64_t(high["incidents"]) == selected);
  const auto sev = Rows(high["incidents_by_severity"]);
  CHECK(sev[2] == "Medium|0");
  CHECK(sev[3] == "Low|0");
  const std::string text = Stats(db, {});
  CHECK(text.find("Events by weekday and hour (UTC") != std::string::npos);
  CHECK(text.find("Risk over time (incidents by the week") != std::string::npos);
}

TEST_CASE("ComputeStats counts the scope it is given; export passes the incidents it read",
          "[stats]") {
  // Issue 20: stats took a report::Filter and read the incidents again (report/ and stats/
  // included each other); now the caller's selection is the scope.
  TempDir dir;
  const std::string path = Store(dir);
  auto db = vigil::store::OpenStore(path, vigil::store::StoreAccess::kRead);
  REQUIRE(db.has_value());
  vigil::report::Filter filter;
  filter.type = "no incident has this type";
  vigil::report::Incident one;
  one.id = 1;
  const vigil::store::ActivityScope scope = vigil::report::ActivityScopeOf(filter, {one});
  REQUIRE(scope.incident_ids == std::vector<int64_t>{1});
  CHECK(scope.events_of_incidents);
  auto counted = vigil::stats::ComputeStats(*db, scope);
  REQUIRE(counted.has_value());
  CHECK(counted->incidents == 1);
  CHECK(counted->events == RawQueryInt(path,
                                       "SELECT count(DISTINCT event_id) FROM incident_events "
                                       "WHERE incident_id = 1"));
  // Without a filter: everything, and nothing is read to select it.
  auto all = vigil::report::ActivityScopeOf(*db, vigil::report::Filter{});
  REQUIRE(all.has_value());
  CHECK_FALSE(all->incident_ids.has_value());
  auto everything = vigil::stats::ComputeStats(*db, *all);
  REQUIRE(everything.has_value());
  CHECK(everything->incidents == RawQueryInt(path, "SELECT count(*) FROM incidents"));
}
