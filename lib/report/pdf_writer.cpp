// The only file that includes PoDoFo (STYLE.md: its PdfError is not a std::exception and is
// caught here by name).
#include "report/pdf_writer.h"

#include <fmt/format.h>
#include <podofo/podofo.h>

#include <algorithm>
#include <array>
#include <map>

#include "config/config.h"
#include "core/encoding.h"
#include "core/time.h"
#include "report/narrative.h"

static_assert(PODOFO_VERSION_MAJOR == 0 && PODOFO_VERSION_MINOR == 9, "PoDoFo 0.9 API");

namespace vigil::report {
namespace {

using namespace PoDoFo;

constexpr double kPageW = 595, kPageH = 842, kMargin = 50, kTextW = kPageW - 2 * kMargin;
constexpr double kTop = kPageH - kMargin, kBottom = kMargin + 30;
constexpr const char* kFontDir = "/usr/share/fonts/truetype/dejavu/";

// Log text may hold bytes that are not UTF-8: each such byte becomes U+FFFD, and NUL ends
// nothing early.
PdfString Utf8(const std::string& s) {
  std::string clean;
  clean.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    uint32_t cp = 0;
    const size_t n = DecodeUtf8(s, i, cp);
    if (n == 0 || cp == 0) {
      clean += "\xEF\xBF\xBD";
      ++i;
    } else {
      clean.append(s, i, n);
      i += n;
    }
  }
  return PdfString(reinterpret_cast<const pdf_utf8*>(clean.c_str()));
}

struct Rgb {
  double r, g, b;
};
constexpr Rgb kSeverityColour[4] = {
    {0.45, 0.62, 0.80}, {0.95, 0.75, 0.20}, {0.90, 0.45, 0.15}, {0.75, 0.10, 0.10}};

// A cursor over pages: text flows down and breaks onto a new page when it would cross the
// bottom margin.
class Layout {
 public:
  Layout(PdfMemDocument& doc, PdfFont* regular, PdfFont* bold)
      : doc_(doc), regular_(regular), bold_(bold) {}
  ~Layout() {
    if (open_) painter_.FinishPage();
  }

  void NewPage() {
    if (open_) painter_.FinishPage();
    PdfPage* page = doc_.CreatePage(PdfRect(0, 0, kPageW, kPageH));
    painter_.SetPage(page);
    open_ = true;
    y_ = kTop;
  }
  void Space(double h) {
    if (y_ - h < kBottom) {
      NewPage();
    } else {
      y_ -= h;
    }
  }
  // Wrapped text at `indent`, breaking pages between lines.
  void Text(const std::string& text, double size, bool bold = false, double indent = 0,
            Rgb colour = {0, 0, 0}) {
    PdfFont* f = bold ? bold_ : regular_;
    f->SetFontSize(float(size));
    painter_.SetFont(f);
    const double line = f->GetFontMetrics()->GetLineSpacing();
    for (const PdfString& l : painter_.GetMultiLineTextAsLines(kTextW - indent, Utf8(text))) {
      if (y_ - line < kBottom) NewPage();
      f->SetFontSize(float(size));
      painter_.SetFont(f);
      painter_.SetColor(colour.r, colour.g, colour.b);
      y_ -= line;
      painter_.DrawText(kMargin + indent, y_, l);
    }
    painter_.SetColor(0, 0, 0);
  }
  void Heading(const std::string& text, double size) {
    Space(size * 0.8);
    if (y_ - 4 * size < kBottom) NewPage();  // keep a heading with what follows
    Text(text, size, true);
    Space(size * 0.3);
  }
  void Rule() {
    Space(6);
    painter_.SetStrokeWidth(0.5);
    painter_.SetStrokingColor(0.6, 0.6, 0.6);
    painter_.DrawLine(kMargin, y_, kPageW - kMargin, y_);
    Space(6);
  }
  // A horizontal bar chart: one labelled bar per row, lengths relative to the largest.
  void Bars(const std::vector<std::pair<std::string, int64_t>>& rows,
            const std::vector<Rgb>& colours) {
    int64_t max = 1;
    for (const auto& r : rows) max = std::max(max, r.second);
    const double label_w = 150, bar_h = 12, gap = 5;
    for (size_t i = 0; i < rows.size(); ++i) {
      if (y_ - bar_h - gap < kBottom) NewPage();
      y_ -= bar_h + gap;
      regular_->SetFontSize(9);
      painter_.SetFont(regular_);
      painter_.SetColor(0, 0, 0);
      std::string label = rows[i].first;  // long names (role ARNs) stop before the bar
      if (label.size() > 30) {
        size_t cut = 28;
        while (cut > 0 && (static_cast<unsigned char>(label[cut]) & 0xC0) == 0x80) --cut;
        label = label.substr(0, cut) + "\u2026";
      }
      painter_.DrawText(kMargin, y_ + 2, Utf8(label));
      const double w = (kTextW - label_w - 40) * double(rows[i].second) / double(max);
      const Rgb c = colours.empty() ? Rgb{0.3, 0.45, 0.65} : colours[i % colours.size()];
      painter_.SetColor(c.r, c.g, c.b);
      painter_.Rectangle(kMargin + label_w, y_, std::max(w, 0.5), bar_h);
      painter_.Fill();
      painter_.SetColor(0, 0, 0);
      painter_.DrawText(kMargin + label_w + w + 4, y_ + 2, Utf8(std::to_string(rows[i].second)));
    }
  }

 private:
  PdfMemDocument& doc_;
  PdfFont* regular_;
  PdfFont* bold_;
  PdfPainter painter_;
  bool open_ = false;
  double y_ = kTop;
};

PdfFont* LoadFont(PdfMemDocument& doc, bool bold) {
  const std::string file =
      std::string(kFontDir) + (bold ? "DejaVuSans-Bold.ttf" : "DejaVuSans.ttf");
  return doc.CreateFontSubset(bold ? "DejaVu Sans Bold" : "DejaVu Sans", bold, false, false,
                              PdfEncodingFactory::GlobalIdentityEncodingInstance(), file.c_str());
}

std::string Names(const std::vector<std::pair<std::string, int64_t>>& v, size_t limit = 8) {
  std::string out;
  for (size_t i = 0; i < v.size() && i < limit; ++i) {
    out += fmt::format("{}{} ({})", i ? ", " : "", v[i].first, v[i].second);
  }
  if (v.size() > limit) out += fmt::format(", and {} more", v.size() - limit);
  return out.empty() ? "-" : out;
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
  l.Text(
      "DRAFT: every incident report here is a draft until an analyst approves it "
      "(vigil review). vigil drafts; it never acts on a system.",
      11, true, 0, {0.6, 0.1, 0.1});
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

void Summary(Layout& l, const std::vector<Incident>& incidents) {
  l.NewPage();
  l.Heading("Executive summary", 18);
  std::array<int64_t, 4> by{};
  int64_t unscored = 0;
  std::map<std::string, int64_t> sources, users;
  for (const Incident& i : incidents) {
    const int r = config::SeverityRank(i.severity);
    if (i.scored && r >= 0) {
      ++by[size_t(r)];
    } else {
      ++unscored;
    }
    for (const auto& s : i.sources) sources[s.first] += 1;
    for (const auto& u : i.users) users[u.first] += 1;
  }
  l.Text("Incidents by severity", 12, true);
  std::vector<std::pair<std::string, int64_t>> rows;
  std::vector<Rgb> colours;
  for (int r = 3; r >= 0; --r) {
    rows.emplace_back(config::kSeverityNames[r], by[size_t(r)]);
    colours.push_back(kSeverityColour[r]);
  }
  if (unscored) {
    rows.emplace_back("not scored", unscored);
    colours.push_back({0.6, 0.6, 0.6});
  }
  l.Bars(rows, colours);
  auto top = [](const std::map<std::string, int64_t>& m) {
    std::vector<std::pair<std::string, int64_t>> v(m.begin(), m.end());
    std::stable_sort(v.begin(), v.end(), [](auto& a, auto& b) { return a.second > b.second; });
    if (v.size() > 8) v.resize(8);
    return v;
  };
  if (!sources.empty()) {
    l.Space(12);
    l.Text("Top source addresses (incidents)", 12, true);
    l.Bars(top(sources), {});
  }
  if (!users.empty()) {
    l.Space(12);
    l.Text("Top users (incidents)", 12, true);
    l.Bars(top(users), {});
  }
  l.Space(12);
  l.Text("Incidents, riskiest first", 12, true);
  for (const Incident& i : incidents) {
    l.Text(fmt::format("#{}  {}  {}  {}", i.id, i.scored ? i.severity : "not scored",
                       i.scored ? std::to_string(i.risk) : "-", i.title),
           9, false, 6);
  }
}

void Section(Layout& l, const Incident& inc) {
  const Narrative n = Draft(inc);
  l.Rule();
  l.Heading(
      fmt::format("Incident #{}: {}{}", inc.id, inc.title,
                  inc.status == "approved"
                      ? ""
                      : "  [" + std::string(inc.status == "rejected" ? "REJECTED" : "DRAFT") + "]"),
      14);
  l.Text(fmt::format("Severity: {}   Status: {}   Events: {}",
                     inc.scored ? fmt::format("{} ({}/100)", inc.severity, inc.risk)
                                : std::string("not scored"),
                     inc.status, inc.event_count),
         10, true);
  l.Text(fmt::format("Period: {} to {}", FormatUtc(inc.first_us), FormatUtc(inc.last_us)), 10);
  l.Space(4);
  l.Text("Summary (drafted)", 11, true);
  l.Text(n.summary, 10);
  l.Text("What happened (drafted)", 11, true);
  l.Text(n.what_happened, 10);
  if (!inc.machine_narrative.empty()) {
    l.Text("Narrative (machine-drafted by " + inc.narrator + "; check it against the facts)", 11,
           true);
    l.Text(inc.machine_narrative, 10);
  }
  l.Text("Why it was flagged", 11, true);
  for (const auto& w : n.why_flagged) l.Text("\u2022 " + w, 9, false, 8);
  if (!inc.parts.empty()) {
    l.Text("Risk parts (weight \u00d7 value = points)", 11, true);
    for (const Part& p : inc.parts) {
      l.Text(fmt::format("{}: {:.2f} \u00d7 {:.2f} = {:.1f}. {}", p.name, p.weight, p.value,
                         100 * p.weight * p.value, p.why),
             9, false, 8);
    }
  }
  l.Text("Affected", 11, true);
  l.Text("Sources: " + Names(inc.sources), 9, false, 8);
  l.Text("Destinations: " + Names(inc.destinations), 9, false, 8);
  l.Text("Users: " + Names(inc.users), 9, false, 8);
  l.Text("Hosts: " + Names(inc.hosts), 9, false, 8);
  l.Text("Timeline", 11, true);
  for (size_t k = 0; k < inc.timeline.size(); ++k) {
    if (inc.timeline_omitted > 0 && k + kTimelineTail == inc.timeline.size()) {
      l.Text(fmt::format("\u2026 {} more lines \u2026", inc.timeline_omitted), 8, false, 8);
    }
    const TimelineEntry& t = inc.timeline[k];
    l.Text(fmt::format("{}  {} {}{}{}{}{}", FormatUtc(t.ts_us), t.action, t.outcome,
                       t.source.empty() ? "" : "  " + t.source,
                       t.destination.empty() ? "" : " \u2192 " + t.destination,
                       t.user.empty() ? "" : "  user " + t.user,
                       t.repeats > 1 ? fmt::format("  (\u00d7{})", t.repeats) : ""),
           8, false, 8);
  }
  l.Text("Indicators", 11, true);
  for (const Indicator& i : inc.indicators) {
    l.Text(fmt::format("{}: {}{} ({} events)", i.type, i.value, i.external ? " (external)" : "",
                       i.events),
           9, false, 8);
  }
  if (!inc.techniques.empty()) {
    l.Text("ATT&CK", 11, true);
    for (const auto& t : inc.techniques) {
      std::string tactics;
      for (const auto& x : t.tactics) tactics += (tactics.empty() ? "" : ", ") + TacticName(x);
      l.Text(fmt::format("{} {} ({})", t.id, t.name, tactics), 9, false, 8);
    }
  }
  l.Text("Recommended actions (drafted; vigil never acts)", 11, true);
  for (const auto& a : n.containment) l.Text("Containment: " + a, 9, false, 8);
  for (const auto& a : n.eradication) l.Text("Eradication: " + a, 9, false, 8);
  for (const auto& a : n.recovery) l.Text("Recovery: " + a, 9, false, 8);
  l.Text("Confidence: " + n.confidence, 11, true);
  for (const auto& r : n.confidence_reasons) l.Text("\u2022 " + r, 9, false, 8);
  l.Text("Reviews", 11, true);
  if (inc.reviews.empty()) l.Text("None: a draft until an analyst approves it.", 9, false, 8);
  for (const Review& r : inc.reviews) {
    l.Text(fmt::format("{}  {}  {}{}", FormatUtc(r.ts_us), r.analyst, r.decision,
                       r.note.empty() ? "" : ": " + r.note),
           9, false, 8);
  }
}

// "vigil incident report · page N of M" on every page, and the chain head.
void Footers(PdfMemDocument& doc, PdfFont* font, const PdfMeta& m) {
  const int pages = doc.GetPageCount();
  for (int i = 0; i < pages; ++i) {
    PdfPainter p;
    p.SetPage(doc.GetPage(i));
    font->SetFontSize(8);
    p.SetFont(font);
    p.SetColor(0.4, 0.4, 0.4);
    p.DrawText(kMargin, kMargin,
               Utf8(fmt::format("vigil incident report \u00b7 chain head {}",
                                m.chain_head.substr(0, 16))));
    p.DrawTextAligned(kMargin, kMargin, kTextW, Utf8(fmt::format("page {} of {}", i + 1, pages)),
                      ePdfAlignment_Right);
    p.FinishPage();
  }
}

}  // namespace

Result<std::string> WritePdf(const std::vector<Incident>& incidents, const PdfMeta& meta,
                             const RenderOptions& options) {
  try {
    PdfError::EnableLogging(false);
    PdfMemDocument doc;
    PdfFont* regular = LoadFont(doc, false);
    PdfFont* bold = LoadFont(doc, true);
    if (regular == nullptr || bold == nullptr) {
      return MakeError(ErrorCode::kIo,
                       "the DejaVu Sans fonts are missing (install "
                       "fonts-dejavu-core)",
                       kFontDir);
    }
    {
      Layout l(doc, regular, bold);
      Cover(l, incidents, meta, options);
      Summary(l, incidents);
      for (const Incident& inc : incidents) Section(l, inc);
    }
    Footers(doc, regular, meta);
    doc.GetInfo()->SetTitle(Utf8("vigil incident report"));
    doc.GetInfo()->SetCreator(Utf8("vigil"));
    PdfRefCountedBuffer buffer;
    PdfOutputDevice device(&buffer);
    doc.Write(&device);
    return std::string(buffer.GetBuffer(), device.GetLength());
  } catch (const PdfError& e) {
    return MakeError(ErrorCode::kInternal,
                     std::string("PDF: ") + PdfError::ErrorMessage(e.GetError()));
  }
}

}  // namespace vigil::report
