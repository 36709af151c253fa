// The PDF report's content; the page layout (and PoDoFo) is in pdf_document.cpp.
#include "report/pdf_writer.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <climits>
#include <map>

#include "core/severity.h"
#include "core/time.h"
#include "report/details.h"
#include "report/narrative.h"
#include "report/pdf_document.h"
#include "report/review_status.h"

namespace vigil::report {
namespace {

constexpr Rgb kSeverityColour[4] = {
    {0.45, 0.62, 0.80}, {0.95, 0.75, 0.20}, {0.90, 0.45, 0.15}, {0.75, 0.10, 0.10}};

using Layout = PdfLayout;

// "2020-10-22 08:29:55", with ".403" when `millis` and the time has a fraction: table cells
// are narrow, and their column titles say UTC.
std::string TableTime(int64_t us, bool millis) {
  std::string t = FormatUtc(us);  // 2020-10-22T08:29:55[.403000]Z
  if (t.size() > 10) t[10] = ' ';
  return t.substr(0, millis && t.size() > 23 ? 23 : 19);
}

std::string Names(const std::vector<std::pair<std::string, int64_t>>& v, size_t limit = 8) {
  std::string out;
  for (size_t i = 0; i < v.size() && i < limit; ++i) {
    out += fmt::format("{}{} ({})", i ? ", " : "", v[i].first, v[i].second);
  }
  if (v.size() > limit) out += fmt::format(", and {} more", v.size() - limit);
  return out.empty() ? "-" : out;
}

// The ids of the incidents in ascending order, "#4, #7" (all of them: an auditor must be able
// to tell).
std::string Ids(std::vector<const Incident*> v) {
  std::sort(v.begin(), v.end(), [](const Incident* a, const Incident* b) { return a->id < b->id; });
  std::string out;
  for (const Incident* i : v) out += fmt::format("{}#{}", out.empty() ? "" : ", ", i->id);
  return out;
}

// The cover's account of which reports an analyst approved (on the version printed here) and
// which are drafts: a decision made on an earlier version does not count as one on this one.
void Reviews(Layout& l, const std::vector<Incident>& incidents) {
  std::vector<const Incident*> approved, changed, rejected, drafts, unrecorded;
  for (const Incident& i : incidents) {
    if (i.currency == Currency::kChanged) {
      changed.push_back(&i);
    } else if (i.status == "approved") {
      approved.push_back(&i);
      if (i.currency == Currency::kUnrecorded) unrecorded.push_back(&i);
    } else if (i.status == "rejected") {
      rejected.push_back(&i);
      if (i.currency == Currency::kUnrecorded) unrecorded.push_back(&i);
    } else {
      drafts.push_back(&i);
    }
  }
  const Rgb red{0.6, 0.1, 0.1}, green{0.1, 0.45, 0.2};
  if (approved.empty() && changed.empty() && rejected.empty()) {
    l.Text(
        "DRAFT: every incident report here is a draft until an analyst approves it "
        "(vigil review). vigil drafts; it never acts on a system.",
        11, true, 0, red);
    return;
  }
  l.Text("Review status", 13, true);
  l.Text(
      fmt::format("Approved ({}): {}", approved.size(), approved.empty() ? "none" : Ids(approved)),
      10, true, 0, approved.empty() ? Rgb{} : green);
  if (!changed.empty()) {
    l.Text(fmt::format("Approved or rejected on an earlier version, changed since ({}): {}",
                       changed.size(), Ids(changed)),
           10, true, 0, red);
  }
  if (!rejected.empty()) {
    l.Text(fmt::format("Rejected ({}): {}", rejected.size(), Ids(rejected)), 10, true);
  }
  l.Text(fmt::format("Drafts ({}): {}", drafts.size(), drafts.empty() ? "none" : Ids(drafts)), 10,
         true, 0, drafts.empty() ? Rgb{} : red);
  if (!unrecorded.empty()) {
    l.Text(
        fmt::format("Reviewed before vigil recorded what was reviewed (version not recorded): {}",
                    Ids(unrecorded)),
        9);
  }
  l.Text(
      "A report is a draft until an analyst approves it (vigil review); an approval covers the "
      "version the analyst read, and a report changed since reads as changed. vigil drafts; it "
      "never acts on a system.",
      9);
}

void Cover(Layout& l, const std::vector<Incident>& incidents, const PdfMeta& m,
           const RenderOptions& o) {
  l.NewPage();
  l.Space(120);
  l.Text("vigil incident report", 28, true);
  l.Space(10);
  int64_t first = 0, last = 0;
  for (const Incident& i : incidents) {
    if (first == 0 || i.first_us < first) first = i.first_us;
    last = std::max(last, i.last_us);
  }
  l.Text(incidents.empty() ? "No incidents match."
                           : fmt::format("Period: {} to {}", FormatUtc(first), FormatUtc(last)),
         12);
  l.Text(fmt::format("{} incident(s). Generated {}.", incidents.size(), FormatUtc(m.generated_us)),
         12);
  l.Space(20);
  Reviews(l, incidents);
  l.Space(20);
  l.Text("Evidence", 13, true);
  l.Text(fmt::format("Store {}: {} records sealed in a SHA-256 hash chain.", m.store_id, m.records),
         10);
  l.Text("Chain head: " + m.chain_head, 9);
  l.Text(m.checkpoint.empty() ? "No signed checkpoint yet (vigil seal)."
                              : "Newest signed checkpoint:\n" + m.checkpoint,
         9);
  l.Text("Check with: vigil verify (and --pubkey with the signer's key).", 9);
  l.Space(10);
  l.Text("Indicators are marked " + o.tlp + ".", 10);
}

// Incidents per time bucket (a day, or several when the period is long), by severity.
std::vector<ChartColumn> OverTime(const std::vector<Incident>& incidents) {
  constexpr int64_t kDay = 86'400'000'000;
  int64_t first = INT64_MAX, last = INT64_MIN;
  for (const Incident& i : incidents) {
    first = std::min(first, i.first_us);
    last = std::max(last, i.first_us);
  }
  if (incidents.empty()) return {};
  const int64_t d0 = first / kDay - (first % kDay < 0), d1 = last / kDay - (last % kDay < 0);
  const int64_t width = (d1 - d0) / 60 + 1;  // at most about 60 columns
  std::vector<ChartColumn> columns(size_t((d1 - d0) / width + 1));
  for (size_t k = 0; k < columns.size(); ++k) {
    columns[k].counts.assign(5, 0);
    columns[k].label = FormatUtc((d0 + int64_t(k) * width) * kDay).substr(0, 10);
  }
  for (const Incident& i : incidents) {
    const int64_t d = i.first_us / kDay - (i.first_us % kDay < 0);
    const int r = SeverityRank(i.severity);
    columns[size_t((d - d0) / width)].counts[i.scored && r >= 0 ? size_t(r) : 4] += 1;
  }
  return columns;
}

// The charts of vigil stats (vigil-stats(1)): events by input format, when events happen, and
// the highest risk per day or week, each column in the colour of that risk's severity.
void Activity(Layout& l, const stats::Stats& st) {
  l.NewPage();
  l.Heading("Activity", 18);
  l.Text(fmt::format("{} events{}.", st.events,
                     st.events_of_incidents ? " of the selected incidents" : ""),
         10);
  if (!st.events_by_source.empty()) {
    l.Heading("Events by source (input format)", 12);
    std::vector<std::pair<std::string, int64_t>> rows;
    for (const stats::Count& c : st.events_by_source) rows.emplace_back(c.label, c.count);
    l.Bars(rows, {});
  }
  l.Heading("Events by weekday and hour (UTC)", 12);
  l.Heatmap(st.heatmap);
  if (!st.risk_over_time.empty()) {
    l.Heading(fmt::format("Highest incident risk by {} of first event (UTC)",
                          st.bucket_days == 1 ? "day" : "week"),
              12);
    std::vector<ChartColumn> columns;
    for (const stats::RiskBucket& b : st.risk_over_time) {
      ChartColumn c{b.start, std::vector<int64_t>(4, 0)};
      if (b.max_rank >= 0) c.counts[size_t(b.max_rank)] = b.max_risk;
      columns.push_back(std::move(c));
    }
    l.Columns(columns, {kSeverityNames[0], kSeverityNames[1], kSeverityNames[2], kSeverityNames[3]},
              std::vector<Rgb>(kSeverityColour, kSeverityColour + 4), 110);
  }
}

void Summary(Layout& l, const std::vector<Incident>& incidents) {
  l.NewPage();
  l.Heading("Executive summary", 18);
  std::array<int64_t, 4> by{}, max_risk{};
  int64_t unscored = 0;
  std::map<std::string, int64_t> sources, users;
  for (const Incident& i : incidents) {
    const int r = SeverityRank(i.severity);
    if (i.scored && r >= 0) {
      ++by[size_t(r)];
      max_risk[size_t(r)] = std::max<int64_t>(max_risk[size_t(r)], i.risk);
    } else {
      ++unscored;
    }
    for (const auto& s : i.sources) sources[s.first] += 1;
    for (const auto& u : i.users) users[u.first] += 1;
  }
  const double n = std::max<double>(1, double(incidents.size()));
  std::vector<std::vector<std::string>> table;
  std::vector<std::pair<std::string, int64_t>> rows;
  std::vector<Rgb> colours;
  for (int r = 3; r >= 0; --r) {
    table.push_back({kSeverityNames[r], std::to_string(by[size_t(r)]),
                     fmt::format("{:.0f}%", 100.0 * double(by[size_t(r)]) / n),
                     by[size_t(r)] ? std::to_string(max_risk[size_t(r)]) : "-"});
    rows.emplace_back(kSeverityNames[r], by[size_t(r)]);
    colours.push_back(kSeverityColour[r]);
  }
  if (unscored) {
    table.push_back({"not scored", std::to_string(unscored),
                     fmt::format("{:.0f}%", 100.0 * double(unscored) / n), "-"});
    rows.emplace_back("not scored", unscored);
    colours.push_back({0.6, 0.6, 0.6});
  }
  table.push_back({"Total", std::to_string(incidents.size()), "100%", "-"});
  l.Table(
      {{"Severity", 120}, {"Incidents", 70, true}, {"Share", 60, true}, {"Highest risk", 80, true}},
      table, {.font_size = 9});
  l.Space(6);
  l.Heading("Incidents by severity", 12);
  l.Bars(rows, colours);
  if (!incidents.empty()) {
    l.Space(12);
    l.Heading("Incidents over time (by first event, UTC)", 12);
    std::vector<Rgb> stack(kSeverityColour, kSeverityColour + 4);
    stack.push_back({0.6, 0.6, 0.6});
    l.Columns(
        OverTime(incidents),
        {kSeverityNames[0], kSeverityNames[1], kSeverityNames[2], kSeverityNames[3], "not scored"},
        stack, 110);
  }
  auto top = [](const std::map<std::string, int64_t>& m) {
    std::vector<std::pair<std::string, int64_t>> v(m.begin(), m.end());
    std::stable_sort(v.begin(), v.end(), [](auto& a, auto& b) { return a.second > b.second; });
    if (v.size() > 8) v.resize(8);
    return v;
  };
  if (!sources.empty()) {
    l.Space(12);
    l.Heading("Top source addresses (incidents)", 12);
    l.Bars(top(sources), {});
  }
  if (!users.empty()) {
    l.Space(12);
    l.Heading("Top users (incidents)", 12);
    l.Bars(top(users), {});
  }
  l.Space(12);
  l.Heading("Incidents, riskiest first", 12);
  table.clear();
  for (const Incident& i : incidents) {
    table.push_back({std::to_string(i.id), i.scored ? i.severity : "not scored",
                     i.scored ? std::to_string(i.risk) : "-",
                     i.currency == Currency::kChanged ? i.status + ", changed since" : i.status,
                     FormatUtc(i.first_us), std::to_string(i.event_count), EntityOf(i), i.title});
  }
  l.Table({{"#", 32, true},
           {"Severity", 50},
           {"Risk", 28, true},
           {"Status", 44},
           {"First event (UTC)", 92},
           {"Events", 40, true},
           {"Entity", 100},
           {"Title", l.TextWidth() - 386}},
          table);
}

// The timeline lines' decisive fields (report/details.h), each under its line's time.
void TimelineDetails(Layout& l, const Incident& inc) {
  std::vector<std::vector<std::string>> rows;
  for (const TimelineEntry& t : inc.timeline) {
    if (!t.details.empty()) rows.push_back({TableTime(t.ts_us, true), DetailsText(t.details)});
  }
  if (rows.empty()) return;
  l.Heading("Timeline: decisive fields", 11);
  l.Table({{"Time (UTC)", 110}, {"Fields", l.TextWidth() - 110}}, rows);
}

void Section(Layout& l, const Incident& inc, const std::string& tlp) {
  const Narrative n = Draft(inc);
  l.Rule();
  l.Heading(fmt::format("Incident #{}: {}  [{}]", inc.id, inc.title, ReviewMarking(inc)), 14);
  l.Text(fmt::format("Severity: {}   Events: {}",
                     inc.scored ? fmt::format("{} ({}/100)", inc.severity, inc.risk)
                                : std::string("not scored"),
                     inc.event_count),
         10, true);
  l.Text("Status: " + ReviewStatus(inc), 10, true, 0,
         inc.currency == Currency::kChanged || inc.status != "approved" ? Rgb{0.6, 0.1, 0.1}
                                                                        : Rgb{0.1, 0.45, 0.2});
  l.Text(fmt::format("Period: {} to {}", FormatUtc(inc.first_us), FormatUtc(inc.last_us)), 10);
  l.Space(4);
  l.Heading("Summary (drafted)", 11);
  l.Text(n.summary, 10);
  l.Heading("What happened (drafted)", 11);
  l.Text(n.what_happened, 10);
  if (!inc.machine_narrative.empty()) {
    l.Heading("Narrative (machine-drafted by " + inc.narrator + "; check it against the facts)",
              11);
    l.Text(inc.machine_narrative, 10);
  }
  l.Heading("Why it was flagged", 11);
  for (const auto& w : n.why_flagged) l.Text("\u2022 " + w, 9, false, 8);
  if (!inc.parts.empty()) {
    l.Heading("Risk parts (weight \u00d7 value = points)", 11);
    std::vector<std::vector<std::string>> rows;
    for (const Part& p : inc.parts) {
      rows.push_back({p.name, fmt::format("{:.2f}", p.weight), fmt::format("{:.2f}", p.value),
                      fmt::format("{:.1f}", 100 * p.weight * p.value), p.why});
    }
    l.Table({{"Part", 70},
             {"Weight", 38, true},
             {"Value", 36, true},
             {"Points", 38, true},
             {"Why", l.TextWidth() - 182}},
            rows);
  }
  l.Heading("Affected", 11);
  l.Text("Sources: " + Names(inc.sources), 9, false, 8);
  l.Text("Destinations: " + Names(inc.destinations), 9, false, 8);
  l.Text("Users: " + Names(inc.users), 9, false, 8);
  l.Text("Hosts: " + Names(inc.hosts), 9, false, 8);
  if (!inc.decisive.empty()) {
    l.Heading("Decisive fields", 11);
    for (const std::string& line : DetailSummaryLines(inc.decisive)) l.Text(line, 9, false, 8);
  }
  l.Heading("Timeline", 11);
  std::vector<std::vector<std::string>> rows;
  for (size_t k = 0; k < inc.timeline.size(); ++k) {
    if (inc.timeline_omitted > 0 && k + kTimelineTail == inc.timeline.size()) {
      rows.push_back({"\u2026", fmt::format("{} more lines, left out", inc.timeline_omitted)});
    }
    const TimelineEntry& t = inc.timeline[k];
    rows.push_back({TableTime(t.ts_us, true), t.action, t.outcome,
                    t.source + (t.destination.empty() ? "" : " \u2192 " + t.destination), t.user,
                    t.host, t.repeats > 1 ? fmt::format("\u00d7{}", t.repeats) : ""});
  }
  l.Table({{"Time (UTC)", 110},
           {"Action", 80},
           {"Outcome", 42},
           {"Source \u2192 destination", 105},
           {"User", 55},
           {"Host", l.TextWidth() - 424},
           {"Count", 32, true}},
          rows);
  TimelineDetails(l, inc);
  l.Heading("Indicators (" + tlp + ")", 11);
  rows.clear();
  for (const Indicator& i : inc.indicators) {
    rows.push_back({i.type, i.value, i.external ? "external" : "", std::to_string(i.events)});
  }
  l.Table({{"Type", 50}, {"Value", l.TextWidth() - 140}, {"Where", 50}, {"Events", 40, true}},
          rows);
  if (!inc.techniques.empty()) {
    l.Heading("ATT&CK", 11);
    for (const auto& t : inc.techniques) {
      std::string tactics;
      for (const auto& x : t.tactics) tactics += (tactics.empty() ? "" : ", ") + TacticName(x);
      l.Text(fmt::format("{} {} ({})", t.id, t.name, tactics), 9, false, 8);
    }
  }
  l.Heading("Recommended actions (drafted; vigil never acts)", 11);
  for (const auto& a : n.containment) l.Text("Containment: " + a, 9, false, 8);
  for (const auto& a : n.eradication) l.Text("Eradication: " + a, 9, false, 8);
  for (const auto& a : n.recovery) l.Text("Recovery: " + a, 9, false, 8);
  l.Heading("Confidence: " + n.confidence, 11);
  for (const auto& r : n.confidence_reasons) l.Text("\u2022 " + r, 9, false, 8);
  l.Heading("Reviews", 11);
  if (inc.reviews.empty()) l.Text("None: a draft until an analyst approves it.", 9, false, 8);
  for (const Review& r : inc.reviews) {
    l.Text(fmt::format("{}  {}  {}{}  [{}]", FormatUtc(r.ts_us), r.analyst, r.decision,
                       r.note.empty() ? "" : ": " + r.note, ReviewVersion(inc, r)),
           9, false, 8);
  }
}

}  // namespace

Result<std::string> WritePdf(const std::vector<Incident>& incidents, const PdfMeta& meta,
                             const RenderOptions& options) {
  PdfSetup setup;
  setup.title = "vigil incident report";
  const std::string head = meta.chain_head.substr(0, 16);
  setup.footer_left = [head](int, int) {
    return fmt::format("vigil incident report \u00b7 chain head {}", head);
  };
  setup.footer_right = [](int page, int pages) {
    return fmt::format("page {} of {}", page, pages);
  };
  return RenderPdf(setup, [&](PdfLayout& l) {
    Cover(l, incidents, meta, options);
    Summary(l, incidents);
    if (meta.stats != nullptr) Activity(l, *meta.stats);
    for (const Incident& inc : incidents) Section(l, inc, options.tlp);
  });
}

}  // namespace vigil::report
