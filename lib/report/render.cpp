#include "report/render.h"

#include <fmt/format.h>

#include "core/json.h"
#include "core/time.h"
#include "report/details.h"
#include "report/narrative.h"
#include "report/review_status.h"

namespace vigil::report {
namespace {

// MITRE's licence asks for this wherever ATT&CK names are printed (as in score/attack.h).
constexpr const char* kAttackNotice =
    "MITRE ATT&CK(R) (c) 2025 The MITRE Corporation. This work is reproduced and distributed "
    "with the permission of The MITRE Corporation.";

std::string Marking(const Incident& inc) { return ReviewMarking(inc); }

std::string Risk(const Incident& inc) {
  return inc.scored ? fmt::format("{} ({}/100)", inc.severity, inc.risk)
                    : std::string("not scored (run vigil score)");
}

std::string Entities(const std::vector<std::pair<std::string, int64_t>>& v, size_t limit = 10) {
  if (v.empty()) return "-";
  std::string out;
  for (size_t i = 0; i < v.size() && i < limit; ++i) {
    out += fmt::format("{}{} ({})", i ? ", " : "", v[i].first, v[i].second);
  }
  if (v.size() > limit) out += fmt::format(", and {} more", v.size() - limit);
  return out;
}

std::string Line(const TimelineEntry& t) {
  std::string out = FormatUtc(t.ts_us) + "  " + (t.action.empty() ? "event" : t.action);
  if (!t.outcome.empty()) out += " " + t.outcome;
  if (!t.source.empty()) out += "  " + t.source;
  if (!t.destination.empty()) out += " -> " + t.destination;
  if (!t.user.empty()) out += "  user " + t.user;
  if (!t.host.empty()) out += "  on " + t.host;
  if (t.repeats > 1) out += fmt::format("  (x{})", t.repeats);
  out += fmt::format("  [event {}]", t.event_id);
  return out;
}

std::string Attack(const Incident& inc, const char* bullet) {
  std::string out;
  for (const auto& t : inc.techniques) {
    std::string tactics;
    for (const auto& tactic : t.tactics)
      tactics += (tactics.empty() ? "" : ", ") + TacticName(tactic);
    out += fmt::format("{}{} {} ({})\n", bullet, t.id, t.name, tactics);
  }
  return out;
}

void TextIncident(std::string& out, const Incident& inc, const RenderOptions& o) {
  const Narrative n = Draft(inc);
  out += fmt::format("== {}  Incident #{}: {}\n", Marking(inc), inc.id, inc.title);
  out += fmt::format("Severity  {}\nStatus    {}\nPeriod    {} .. {}\nEvents    {}\n", Risk(inc),
                     ReviewStatus(inc), FormatUtc(inc.first_us), FormatUtc(inc.last_us),
                     inc.event_count);
  out += "\nSummary (drafted)\n  " + n.summary + "\n";
  out += "\nWhat happened (drafted)\n  " + n.what_happened + "\n";
  if (!inc.machine_narrative.empty()) {
    out += "\nNarrative (machine-drafted by `" + inc.narrator +
           "`; check it against the facts)\n  " + inc.machine_narrative + "\n";
  }
  out += "\nWhy it was flagged\n";
  for (const auto& w : n.why_flagged) out += "  - " + w + "\n";
  if (!inc.parts.empty()) {
    out += "\nRisk parts\n";
    for (const Part& p : inc.parts) {
      out += fmt::format("  {:<10} weight {:.2f} value {:.2f} = {:>5.1f}  {}\n", p.name, p.weight,
                         p.value, 100 * p.weight * p.value, p.why);
    }
  }
  out += "\nAffected\n";
  out += "  sources       " + Entities(inc.sources) + "\n";
  out += "  destinations  " + Entities(inc.destinations) + "\n";
  out += "  users         " + Entities(inc.users) + "\n";
  out += "  hosts         " + Entities(inc.hosts) + "\n";
  if (!inc.decisive.empty()) {
    out += "\nDecisive fields\n";
    for (const std::string& line : DetailSummaryLines(inc.decisive)) out += "  " + line + "\n";
  }
  out += "\nTimeline\n";
  for (size_t i = 0; i < inc.timeline.size(); ++i) {
    if (inc.timeline_omitted > 0 && i + kTimelineTail == inc.timeline.size()) {
      out += fmt::format("  ... {} more lines ...\n", inc.timeline_omitted);
    }
    out += "  " + Line(inc.timeline[i]) + "\n";
    if (!inc.timeline[i].details.empty()) {
      out += "      " + DetailsText(inc.timeline[i].details) + "\n";
    }
  }
  out += fmt::format("\nIndicators ({})\n", o.tlp);
  for (const Indicator& i : inc.indicators) {
    out += fmt::format("  {:<7} {}{}  ({} events)\n", i.type, i.value,
                       i.external ? " (external)" : "", i.events);
  }
  if (!inc.techniques.empty())
    out += "\nATT&CK\n" + Attack(inc, "  ") + "  " + kAttackNotice + "\n";
  out += "\nRecommended actions (drafted; vigil never acts)\n";
  for (const auto& a : n.containment) out += "  containment  " + a + "\n";
  for (const auto& a : n.eradication) out += "  eradication  " + a + "\n";
  for (const auto& a : n.recovery) out += "  recovery     " + a + "\n";
  out += "\nConfidence  " + n.confidence + "\n";
  for (const auto& r : n.confidence_reasons) out += "  - " + r + "\n";
  out += "\nReviews\n";
  if (inc.reviews.empty()) out += "  none: this report is a draft until an analyst approves it\n";
  for (const Review& r : inc.reviews) {
    out += fmt::format("  {}  {}  {}{}  [{}]\n", FormatUtc(r.ts_us), r.analyst, r.decision,
                       r.note.empty() ? "" : ": " + r.note, ReviewVersion(inc, r));
  }
  out += "\n";
}

// Markdown: | and newlines in log data must not break a table or a line.
std::string Md(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '|' || c == '*' || c == '_' || c == '`' || c == '[' || c == ']' || c == '<' ||
        c == '>' || c == '#' || c == '\\') {
      out += '\\';
    }
    out += (c == '\n' || c == '\r') ? ' ' : c;
  }
  return out;
}

void MarkdownIncident(std::string& out, const Incident& inc, const RenderOptions& o) {
  const Narrative n = Draft(inc);
  out += fmt::format("## Incident {}: {} ({})\n\n", inc.id, Md(inc.title), Marking(inc));
  out += "| | |\n|---|---|\n";
  out +=
      fmt::format("| Severity | {} |\n| Status | {} |\n| Period | {} to {} |\n| Events | {} |\n\n",
                  Md(Risk(inc)), Md(ReviewStatus(inc)), FormatUtc(inc.first_us),
                  FormatUtc(inc.last_us), inc.event_count);
  out += "### Summary (drafted)\n\n" + Md(n.summary) + "\n\n";
  out += "### What happened (drafted)\n\n" + Md(n.what_happened) + "\n\n";
  if (!inc.machine_narrative.empty()) {
    out += "### Narrative (machine-drafted by " + Md(inc.narrator) +
           "; check it against the facts)\n\n" + Md(inc.machine_narrative) + "\n\n";
  }
  out += "### Why it was flagged\n\n";
  for (const auto& w : n.why_flagged) out += "- " + Md(w) + "\n";
  if (!inc.parts.empty()) {
    out += "\n| Part | Weight | Value | Points | Why |\n|---|---:|---:|---:|---|\n";
    for (const Part& p : inc.parts) {
      out += fmt::format("| {} | {:.2f} | {:.2f} | {:.1f} | {} |\n", p.name, p.weight, p.value,
                         100 * p.weight * p.value, Md(p.why));
    }
  }
  out += "\n### Affected\n\n";
  out += "- Sources: " + Md(Entities(inc.sources)) + "\n";
  out += "- Destinations: " + Md(Entities(inc.destinations)) + "\n";
  out += "- Users: " + Md(Entities(inc.users)) + "\n";
  out += "- Hosts: " + Md(Entities(inc.hosts)) + "\n";
  if (!inc.decisive.empty()) {
    out += "\n### Decisive fields\n\n";
    for (const std::string& line : DetailSummaryLines(inc.decisive)) out += "- " + Md(line) + "\n";
  }
  out += "\n### Timeline\n\n```\n";
  for (size_t k = 0; k < inc.timeline.size(); ++k) {
    if (inc.timeline_omitted > 0 && k + kTimelineTail == inc.timeline.size()) {
      out += fmt::format("... {} more lines ...\n", inc.timeline_omitted);
    }
    std::string line = Line(inc.timeline[k]);
    if (!inc.timeline[k].details.empty()) {
      line += "\n    " + DetailsText(inc.timeline[k].details);
    }
    for (char& c : line) c = (c == '`' || c == '\r') ? ' ' : c;
    out += line + "\n";
  }
  out += "```\n\n";
  out += fmt::format("### Indicators ({})\n\n| Type | Value | Events |\n|---|---|---:|\n", o.tlp);
  for (const Indicator& i : inc.indicators) {
    out += fmt::format("| {} | {}{} | {} |\n", i.type, Md(i.value), i.external ? " (external)" : "",
                       i.events);
  }
  if (!inc.techniques.empty()) {
    out += "\n### ATT&CK\n\n" + Attack(inc, "- ") + "\n" + std::string(kAttackNotice) + "\n";
  }
  out += "\n### Recommended actions (drafted; vigil never acts)\n\n";
  for (const auto& a : n.containment) out += "- **Containment:** " + Md(a) + "\n";
  for (const auto& a : n.eradication) out += "- **Eradication:** " + Md(a) + "\n";
  for (const auto& a : n.recovery) out += "- **Recovery:** " + Md(a) + "\n";
  out += "\n### Confidence: " + n.confidence + "\n\n";
  for (const auto& r : n.confidence_reasons) out += "- " + Md(r) + "\n";
  out += "\n### Reviews\n\n";
  if (inc.reviews.empty()) out += "None: this report is a draft until an analyst approves it.\n";
  for (const Review& r : inc.reviews) {
    out += fmt::format("- {} {} **{}**{} ({})\n", FormatUtc(r.ts_us), Md(r.analyst), r.decision,
                       r.note.empty() ? "" : ": " + Md(r.note), ReviewVersion(inc, r));
  }
  out += "\n";
}

void Names(JsonWriter& w, const char* key, const std::vector<std::pair<std::string, int64_t>>& v) {
  w.Key(key).BeginArray();
  for (const auto& x : v) w.String(x.first);
  w.EndArray();
}

void Strings(JsonWriter& w, const char* key, const std::vector<std::string>& v) {
  w.Key(key).BeginArray();
  for (const auto& x : v) w.String(x);
  w.EndArray();
}

// "review": {"state", "current", "by", "at", "digest", "report_digest"} (vigil-report(1)).
void ReviewObject(JsonWriter& w, const Incident& inc) {
  const Review* decided = inc.decided_by >= 0 && size_t(inc.decided_by) < inc.reviews.size()
                              ? &inc.reviews[size_t(inc.decided_by)]
                              : nullptr;
  w.Key("review").BeginObject().Key("state").String(inc.status).Key("current");
  if (inc.currency == Currency::kCurrent || inc.currency == Currency::kChanged) {
    w.Bool(inc.currency == Currency::kCurrent);
  } else {
    w.Null();
  }
  if (decided != nullptr) {
    w.Key("by").String(decided->analyst).Key("at").String(FormatUtc(decided->ts_us));
  } else {
    w.Key("by").Null().Key("at").Null();
  }
  w.Key("digest");
  if (decided != nullptr && !decided->digest.empty()) {
    w.String(decided->digest);
  } else {
    w.Null();
  }
  w.Key("report_digest").String(inc.digest).EndObject();
}

// The incident's JSON object. Without `reviewed`, what reviews change or add is left out
// (status, draft, review, reviews) and so is a --narrator text: ReviewedJson.
void WriteIncident(JsonWriter& w, const Incident& inc, bool reviewed) {
  const Narrative n = Draft(inc);
  w.BeginObject().Key("id").Int(inc.id).Key("type").String(inc.title);
  w.Key("rule_id").String(inc.rule_id).Key("rule_level").String(inc.rule_level);
  if (inc.scored) {
    w.Key("severity").String(inc.severity).Key("risk").Int(inc.risk);
  } else {
    w.Key("severity").Null().Key("risk").Null();
  }
  if (reviewed) {
    w.Key("status").String(inc.status);
    w.Key("draft").Bool(inc.status != "approved" || inc.currency == Currency::kChanged);
    ReviewObject(w, inc);
  }
  w.Key("attack").BeginArray();
  for (const auto& t : inc.techniques) w.String(t.id);
  w.EndArray();
  Strings(w, "tactics", inc.tactics);
  Names(w, "src_ips", inc.sources);
  Names(w, "dst_ips", inc.destinations);
  Names(w, "users", inc.users);
  Names(w, "hosts", inc.hosts);
  w.Key("first_seen").String(FormatUtc(inc.first_us));
  w.Key("last_seen").String(FormatUtc(inc.last_us));
  w.Key("event_count").Int(inc.event_count).Key("summary").String(n.summary);
  w.Key("what_happened").String(n.what_happened);
  if (reviewed) {
    w.Key("machine_narrative");
    if (inc.machine_narrative.empty()) {
      w.Null();
    } else {
      w.BeginObject().Key("by").String(inc.narrator).Key("text").String(inc.machine_narrative);
      w.EndObject();
    }
  }
  Strings(w, "why_flagged", n.why_flagged);
  w.Key("risk_parts").BeginArray();
  for (const Part& p : inc.parts) {
    w.BeginObject().Key("name").String(p.name).Key("weight").Fixed(p.weight, 4);
    w.Key("value").Fixed(p.value, 4).Key("why").String(p.why).EndObject();
  }
  w.EndArray().Key("indicators").BeginArray();
  for (const Indicator& i : inc.indicators) {
    w.BeginObject().Key("type").String(i.type).Key("value").String(i.value);
    w.Key("events").Int(i.events).Key("external").Bool(i.external).EndObject();
  }
  w.EndArray();
  WriteDetailSummaries(w, inc.decisive);
  w.Key("timeline").BeginArray();
  for (const TimelineEntry& t : inc.timeline) {
    w.BeginObject().Key("time").String(FormatUtc(t.ts_us)).Key("event_id").Int(t.event_id);
    w.Key("action").String(t.action).Key("outcome").String(t.outcome);
    w.Key("source").String(t.source).Key("destination").String(t.destination);
    w.Key("user").String(t.user).Key("host").String(t.host).Key("repeats").Int(t.repeats);
    WriteDetails(w, t.details);
    w.EndObject();
  }
  w.EndArray().Key("timeline_omitted").Int(inc.timeline_omitted);
  w.Key("actions").BeginObject();
  Strings(w, "containment", n.containment);
  Strings(w, "eradication", n.eradication);
  Strings(w, "recovery", n.recovery);
  w.EndObject().Key("confidence").String(n.confidence);
  Strings(w, "confidence_reasons", n.confidence_reasons);
  if (reviewed) {
    w.Key("reviews").BeginArray();
    for (const Review& r : inc.reviews) {
      w.BeginObject().Key("time").String(FormatUtc(r.ts_us)).Key("analyst").String(r.analyst);
      w.Key("decision").String(r.decision).Key("note").String(r.note).Key("digest");
      if (r.digest.empty()) {
        w.Null();
      } else {
        w.String(r.digest);
      }
      w.EndObject();
    }
    w.EndArray();
  }
  w.EndObject();
}

}  // namespace

std::string RenderText(const std::vector<Incident>& incidents, const RenderOptions& o) {
  std::string out;
  for (const Incident& inc : incidents) TextIncident(out, inc, o);
  if (incidents.empty()) out += "no incidents match\n";
  return out;
}

std::string RenderMarkdown(const std::vector<Incident>& incidents, const RenderOptions& o) {
  std::string out = "# vigil incident report\n\n";
  out += fmt::format(
      "{} incident(s). Every report is a draft until an analyst approves it "
      "(vigil review). Indicators are {}.\n\n",
      incidents.size(), o.tlp);
  for (const Incident& inc : incidents) MarkdownIncident(out, inc, o);
  return out;
}

std::string IncidentJson(const Incident& inc, const RenderOptions&) {
  JsonWriter w;
  WriteIncident(w, inc, true);
  return w.str();
}

std::string ReviewedJson(const Incident& incident) {
  Incident neutral = incident;  // as it reads before any review, without a narrator's text
  neutral.reviews.clear();
  neutral.status = "draft";
  neutral.currency = Currency::kNone;
  neutral.decided_by = -1;
  neutral.machine_narrative.clear();
  neutral.narrator.clear();
  JsonWriter w;
  WriteIncident(w, neutral, false);
  return w.str();
}

std::string RenderJson(const std::vector<Incident>& incidents, const RenderOptions& o) {
  JsonWriter w;
  w.BeginObject().Key("tlp").String(o.tlp).Key("incidents").BeginArray();
  for (const Incident& inc : incidents) w.Raw(IncidentJson(inc, o));
  w.EndArray().Key("attack_notice").String(kAttackNotice).EndObject();
  return w.str() + "\n";
}

}  // namespace vigil::report
