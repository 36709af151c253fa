// The only file that includes PoDoFo: its PdfError is not a std::exception and is caught
// here by name, so no other file needs to know it. Over 400 lines on purpose: the Layout
// class is one PdfLayout implementation (text, tables, chart, page breaks) drawn with PoDoFo,
// and splitting it would spread PoDoFo's headers and its exception over two files.
#include "report/pdf_document.h"

#include <fmt/format.h>
#include <podofo/podofo.h>

#include <algorithm>

#include "core/encoding.h"

static_assert(PODOFO_VERSION_MAJOR == 0 && PODOFO_VERSION_MINOR == 9, "PoDoFo 0.9 API");

namespace vigil::report {
namespace {

using namespace PoDoFo;

constexpr double kMargin = 50, kTextW = PdfLayout::kPageWidth - 2 * kMargin;
constexpr double kTop = PdfLayout::kPageHeight - kMargin, kBottom = kMargin + 30;
constexpr double kCellPad = 2.5;
constexpr const char* kFontDir = "/usr/share/fonts/truetype/dejavu/";

// Log text may hold bytes that are not UTF-8: each such byte becomes U+FFFD, and NUL ends
// nothing early.
PdfString Utf8(const std::string& s) {
  bool plain = true;
  for (char c : s) plain = plain && c != 0 && (static_cast<unsigned char>(c) & 0x80) == 0;
  if (plain) return PdfString(reinterpret_cast<const pdf_utf8*>(s.c_str()));
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

// At most `max` bytes of `s`, cut at a character boundary, with an ellipsis when cut.
std::string Shorten(const std::string& s, size_t max) {
  if (s.size() <= max) return s;
  size_t cut = max - 2;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return s.substr(0, cut) + "\u2026";
}

class Layout final : public PdfLayout {
 public:
  Layout(PdfMemDocument& doc, PdfFont* regular, PdfFont* bold)
      : doc_(doc), regular_(regular), bold_(bold) {}
  ~Layout() override {
    if (open_) painter_.FinishPage();
  }

  double TextWidth() const override { return kTextW; }

  void NewPage() override {
    if (open_) painter_.FinishPage();
    PdfPage* page = doc_.CreatePage(PdfRect(0, 0, kPageWidth, kPageHeight));
    painter_.SetPage(page);
    open_ = true;
    y_ = kTop;
  }

  void Space(double h) override {
    if (!open_ || y_ - h < kBottom) {
      NewPage();
    } else {
      y_ -= h;
    }
  }

  void Text(const std::string& text, double size, bool bold, double indent, Rgb c) override {
    if (!open_) NewPage();
    PdfFont* f = Use(bold, size);
    const double line = f->GetFontMetrics()->GetLineSpacing();
    painter_.SetColor(c.r, c.g, c.b);
    for (const PdfString& l : Lines(f, text, kTextW - indent)) {
      if (y_ - line < kBottom) {
        NewPage();
        Use(bold, size);
        painter_.SetColor(c.r, c.g, c.b);
      }
      y_ -= line;
      painter_.DrawText(kMargin + indent, y_, l);
    }
    painter_.SetColor(0, 0, 0);
  }

  void Heading(const std::string& text, double size) override {
    Space(size * 0.8);
    if (y_ - std::max(4 * size, 60.0) < kBottom) NewPage();  // with the start of what follows
    Text(text, size, true, 0, {});
    Space(size * 0.3);
  }

  void Rule() override {
    Space(6);
    painter_.SetStrokeWidth(0.5);
    painter_.SetStrokingColor(0.6, 0.6, 0.6);
    painter_.DrawLine(kMargin, y_, kPageWidth - kMargin, y_);
    Space(6);
  }

  void Table(const std::vector<TableColumn>& columns,
             const std::vector<std::vector<std::string>>& rows, const TableOptions& o) override {
    if (!open_) NewPage();
    std::vector<std::string> titles;
    for (const TableColumn& c : columns) titles.push_back(c.title);
    const double line = Use(false, o.font_size)->GetFontMetrics()->GetLineSpacing();
    double top = 0;  // of the table's part on this page
    auto header = [&] {
      top = y_;
      Row(columns, titles, o, line, true, false);
    };
    if (y_ - 3 * (line + 2 * kCellPad) < kBottom) NewPage();  // a header alone is no use
    header();
    for (size_t i = 0; i < rows.size(); ++i) {
      const auto cells = Cells(columns, rows[i], o.font_size);
      const double h = Height(cells, line);
      if (y_ - h < kBottom) {
        if (o.grid) Grid(columns, top);
        NewPage();
        header();
      }
      Draw(columns, cells, o, line, h, false, o.zebra && i % 2 == 1);
    }
    if (o.grid) Grid(columns, top);
    Space(4);
  }

  void Bars(const std::vector<std::pair<std::string, int64_t>>& rows,
            const std::vector<Rgb>& colours) override {
    int64_t max = 1;
    for (const auto& r : rows) max = std::max(max, r.second);
    const double label_w = 150, bar_h = 12, gap = 5;
    for (size_t i = 0; i < rows.size(); ++i) {
      if (!open_ || y_ - bar_h - gap < kBottom) NewPage();
      y_ -= bar_h + gap;
      Use(false, 9);
      painter_.SetColor(0, 0, 0);
      painter_.DrawText(kMargin, y_ + 2, Utf8(Shorten(rows[i].first, 30)));
      const double w = (kTextW - label_w - 40) * double(rows[i].second) / double(max);
      const Rgb c = colours.empty() ? Rgb{0.3, 0.45, 0.65} : colours[i % colours.size()];
      painter_.SetColor(c.r, c.g, c.b);
      painter_.Rectangle(kMargin + label_w, y_, std::max(w, 0.5), bar_h);
      painter_.Fill();
      painter_.SetColor(0, 0, 0);
      painter_.DrawText(kMargin + label_w + w + 4, y_ + 2, Utf8(std::to_string(rows[i].second)));
    }
  }

  void Columns(const std::vector<ChartColumn>& columns, const std::vector<std::string>& series,
               const std::vector<Rgb>& colours, double height) override {
    const double legend = 14, axis = 12, label_w = 30;
    if (!open_ || y_ - height - legend - axis < kBottom) NewPage();
    // Legend.
    Use(false, 8);
    double x = kMargin + label_w;
    y_ -= legend;
    for (size_t s = 0; s < series.size(); ++s) {
      const Rgb c = colours[s % colours.size()];
      painter_.SetColor(c.r, c.g, c.b);
      painter_.Rectangle(x, y_ + 1, 7, 7);
      painter_.Fill();
      painter_.SetColor(0, 0, 0);
      painter_.DrawText(x + 10, y_ + 1, Utf8(series[s]));
      x += 20 + regular_->GetFontMetrics()->StringWidth(Utf8(series[s]));
    }
    int64_t max = 1;
    for (const ChartColumn& c : columns) {
      int64_t sum = 0;
      for (int64_t n : c.counts) sum += n;
      max = std::max(max, sum);
    }
    const double base = y_ - height, plot_w = kTextW - label_w;
    const double slot = columns.empty() ? plot_w : plot_w / double(columns.size());
    const double bar_w = std::max(slot * 0.8, 0.5);
    // Axis and the scale.
    painter_.SetStrokeWidth(0.5);
    painter_.SetStrokingColor(0.5, 0.5, 0.5);
    painter_.DrawLine(kMargin + label_w, base, kMargin + kTextW, base);
    painter_.DrawLine(kMargin + label_w, base, kMargin + label_w, y_ - 4);
    painter_.DrawTextAligned(kMargin, y_ - 10, label_w - 4, Utf8(std::to_string(max)),
                             ePdfAlignment_Right);
    painter_.DrawTextAligned(kMargin, base, label_w - 4, Utf8("0"), ePdfAlignment_Right);
    // Label every k-th column so that labels do not overlap.
    const double label_space = 60;
    const size_t every = std::max<size_t>(1, size_t(label_space / std::max(slot, 1.0)) + 1);
    for (size_t i = 0; i < columns.size(); ++i) {
      const double x0 = kMargin + label_w + slot * double(i) + (slot - bar_w) / 2;
      double top = base;
      for (size_t s = 0; s < columns[i].counts.size(); ++s) {
        const double h = (height - 8) * double(columns[i].counts[s]) / double(max);
        if (h <= 0) continue;
        const Rgb c = colours[s % colours.size()];
        painter_.SetColor(c.r, c.g, c.b);
        painter_.Rectangle(x0, top, bar_w, h);
        painter_.Fill();
        top += h;
      }
      if (i % every == 0) {
        painter_.SetColor(0, 0, 0);
        painter_.DrawText(x0, base - 9, Utf8(columns[i].label));
      }
    }
    painter_.SetColor(0, 0, 0);
    y_ = base - axis;
  }

  void Heatmap(const std::array<std::array<int64_t, 24>, 7>& counts) override {
    static constexpr const char* kDays[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    const double label_w = 30, cell_h = 14, cell_w = (kTextW - label_w) / 24;
    if (!open_ || y_ - 8 * cell_h - 14 < kBottom) NewPage();
    int64_t max = 1;
    for (const auto& day : counts) {
      for (int64_t n : day) max = std::max(max, n);
    }
    Use(false, 7);
    y_ -= 10;
    for (int h = 0; h < 24; h += 3) {
      painter_.DrawText(kMargin + label_w + cell_w * h + 1, y_, Utf8(fmt::format("{:02}", h)));
    }
    painter_.SetStrokeWidth(0.25);
    painter_.SetStrokingColor(1, 1, 1);
    for (size_t d = 0; d < 7; ++d) {
      y_ -= cell_h;
      painter_.SetColor(0, 0, 0);
      painter_.DrawText(kMargin, y_ + 4, Utf8(kDays[d]));
      for (size_t h = 0; h < 24; ++h) {
        const double t = double(counts[d][h]) / double(max);  // white to dark blue
        painter_.SetColor(1 - 0.85 * t, 1 - 0.7 * t, 1 - 0.45 * t);
        painter_.Rectangle(kMargin + label_w + cell_w * double(h), y_, cell_w, cell_h);
        painter_.FillAndStroke();
      }
    }
    painter_.SetColor(0, 0, 0);
    y_ -= 10;
    painter_.DrawText(kMargin + label_w, y_,
                      Utf8(fmt::format("Hour of day (UTC); darkest cell = {} events", max)));
    y_ -= 4;
  }

 private:
  PdfFont* Use(bool bold, double size) {
    PdfFont* f = bold ? bold_ : regular_;
    f->SetFontSize(float(size));
    painter_.SetFont(f);
    return f;
  }

  // `text` wrapped to `width`; the painter's font must be `f`.
  std::vector<PdfString> Lines(PdfFont* f, const std::string& text, double width) {
    PdfString s = Utf8(text);
    if (text.find('\n') == std::string::npos && f->GetFontMetrics()->StringWidth(s) <= width) {
      return {std::move(s)};
    }
    auto lines = painter_.GetMultiLineTextAsLines(width, s);
    if (lines.empty()) lines.emplace_back("");
    return lines;
  }

  std::vector<std::vector<PdfString>> Cells(const std::vector<TableColumn>& columns,
                                            const std::vector<std::string>& row, double size) {
    PdfFont* f = Use(false, size);
    std::vector<std::vector<PdfString>> cells(columns.size());
    for (size_t c = 0; c < columns.size(); ++c) {
      if (c < row.size()) cells[c] = Lines(f, row[c], columns[c].width - 2 * kCellPad);
    }
    return cells;
  }

  static double Height(const std::vector<std::vector<PdfString>>& cells, double line) {
    size_t n = 1;
    for (const auto& c : cells) n = std::max(n, c.size());
    return double(n) * line + 2 * kCellPad;
  }

  void Row(const std::vector<TableColumn>& columns, const std::vector<std::string>& titles,
           const TableOptions& o, double line, bool header, bool shade) {
    std::vector<std::vector<PdfString>> cells(columns.size());
    for (size_t c = 0; c < columns.size(); ++c) cells[c] = {Utf8(titles[c])};
    Draw(columns, cells, o, line, line + 2 * kCellPad, header, shade);
  }

  void Draw(const std::vector<TableColumn>& columns,
            const std::vector<std::vector<PdfString>>& cells, const TableOptions& o, double line,
            double h, bool header, bool shade) {
    y_ -= h;
    double width = 0;
    for (const TableColumn& c : columns) width += c.width;
    if (header || shade) {
      const Rgb fill = header ? o.header_fill : Rgb{0.933, 0.945, 0.965};
      painter_.SetColor(fill.r, fill.g, fill.b);
      painter_.Rectangle(kMargin, y_, width, h);
      painter_.Fill();
    }
    PdfFont* f = Use(header, o.font_size);
    const double descent = -f->GetFontMetrics()->GetDescent();
    if (header) {
      painter_.SetColor(1, 1, 1);
    } else {
      painter_.SetColor(0, 0, 0);
    }
    double x = kMargin;
    for (size_t c = 0; c < columns.size(); ++c) {
      double ty = y_ + h - kCellPad - line + descent;
      for (const PdfString& l : cells[c]) {
        if (columns[c].right) {
          painter_.DrawTextAligned(x + kCellPad, ty, columns[c].width - 2 * kCellPad, l,
                                   ePdfAlignment_Right);
        } else {
          painter_.DrawText(x + kCellPad, ty, l);
        }
        ty -= line;
      }
      x += columns[c].width;
    }
    painter_.SetColor(0, 0, 0);
    if (o.grid && !header) {  // the line under the row; Grid() draws the rest
      painter_.SetStrokeWidth(0.25);
      painter_.SetStrokingColor(0.5, 0.5, 0.5);
      painter_.DrawLine(kMargin, y_, kMargin + width, y_);
    }
  }

  // The frame and the column lines of a table's part from `top` down to the cursor: once per
  // page rather than once per row, which keeps content streams small.
  void Grid(const std::vector<TableColumn>& columns, double top) {
    double width = 0;
    for (const TableColumn& c : columns) width += c.width;
    painter_.SetStrokeWidth(0.25);
    painter_.SetStrokingColor(0.5, 0.5, 0.5);
    painter_.Rectangle(kMargin, y_, width, top - y_);
    double x = kMargin;
    for (size_t c = 0; c + 1 < columns.size(); ++c) {
      x += columns[c].width;
      painter_.MoveTo(x, y_);
      painter_.LineTo(x, top);
    }
    painter_.Stroke();
  }

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

void Footers(PdfMemDocument& doc, PdfFont* font, const PdfSetup& setup) {
  const int pages = doc.GetPageCount();
  for (int i = 0; i < pages; ++i) {
    PdfPainter p;
    p.SetPage(doc.GetPage(i));
    font->SetFontSize(8);
    p.SetFont(font);
    p.SetColor(0.4, 0.4, 0.4);
    if (setup.footer_left) p.DrawText(kMargin, kMargin, Utf8(setup.footer_left(i + 1, pages)));
    if (setup.footer_right) {
      p.DrawTextAligned(kMargin, kMargin, kTextW, Utf8(setup.footer_right(i + 1, pages)),
                        ePdfAlignment_Right);
    }
    p.FinishPage();
  }
}

}  // namespace

Result<std::string> RenderPdf(const PdfSetup& setup, const std::function<void(PdfLayout&)>& body) {
  try {
    PdfError::EnableLogging(false);
    PdfMemDocument doc;
    PdfFont* regular = LoadFont(doc, false);
    PdfFont* bold = LoadFont(doc, true);
    if (regular == nullptr || bold == nullptr) {
      return MakeError(ErrorCode::kIo,
                       "the DejaVu Sans fonts are missing (install fonts-dejavu-core)", kFontDir);
    }
    // Pages are laid out with uncompressed content streams and compressed once, when the
    // footers are appended: PoDoFo would otherwise inflate and deflate every page again there.
    struct FilterGuard {
      EPdfFilter saved = PdfStream::eDefaultFilter;
      ~FilterGuard() { PdfStream::eDefaultFilter = saved; }
    } guard;
    PdfStream::eDefaultFilter = ePdfFilter_None;
    {
      Layout l(doc, regular, bold);
      body(l);
    }
    PdfStream::eDefaultFilter = guard.saved;
    if (doc.GetPageCount() == 0)
      doc.CreatePage(PdfRect(0, 0, PdfLayout::kPageWidth, PdfLayout::kPageHeight));
    Footers(doc, regular, setup);
    doc.GetInfo()->SetTitle(Utf8(setup.title));
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
