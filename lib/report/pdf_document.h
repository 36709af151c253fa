#pragma once
// Page layout for PDF reports, on top of PoDoFo (which only pdf_document.cpp includes): a
// cursor that flows wrapped text, headings, ruled tables and vector charts down A4 pages and
// starts a new page when the next piece would cross the bottom margin. Text is set in DejaVu
// Sans, embedded as a subset, so any Unicode in log data renders.
//
//   auto pdf = RenderPdf(setup, [&](PdfLayout& l) { l.NewPage(); l.Text("hello", 12); });
//
// PoDoFo reports failures by throwing its own PdfError; RenderPdf catches it and returns an
// Error, so callers see errors as values.

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"

namespace vigil::report {

struct Rgb {
  double r = 0, g = 0, b = 0;
};

struct TableColumn {
  std::string title;
  double width = 0;  // points
  bool right = false;
};

struct TableOptions {
  double font_size = 7.5;
  Rgb header_fill{0.133, 0.2, 0.333};  // #223355, white bold titles
  bool zebra = true;                   // alternate rows on #eef1f6
  bool grid = true;
};

// One column of a stacked column chart: a label under it and one count per series.
struct ChartColumn {
  std::string label;
  std::vector<int64_t> counts;
};

class PdfLayout {
 public:
  virtual ~PdfLayout() = default;

  static constexpr double kPageWidth = 595, kPageHeight = 842;  // A4 in points
  virtual double TextWidth() const = 0;

  virtual void NewPage() = 0;
  // Moves down by `h` points, or to the top of a new page when that would cross the bottom.
  virtual void Space(double h) = 0;
  // Wrapped text at `indent`, breaking pages between lines.
  virtual void Text(const std::string& text, double size, bool bold = false, double indent = 0,
                    Rgb colour = {}) = 0;
  // Bold text kept on one page with the start of what follows.
  virtual void Heading(const std::string& text, double size) = 0;
  virtual void Rule() = 0;
  // A table whose cells wrap; rows never split, and the header row repeats on every page.
  virtual void Table(const std::vector<TableColumn>& columns,
                     const std::vector<std::vector<std::string>>& rows,
                     const TableOptions& options = {}) = 0;
  // Horizontal bars, one labelled bar per row, lengths relative to the largest.
  virtual void Bars(const std::vector<std::pair<std::string, int64_t>>& rows,
                    const std::vector<Rgb>& colours) = 0;
  // Stacked columns (one colour per series, with a legend), e.g. incidents per day by severity.
  virtual void Columns(const std::vector<ChartColumn>& columns,
                       const std::vector<std::string>& series, const std::vector<Rgb>& colours,
                       double height) = 0;
  // A weekday (rows, Monday first) by hour (columns) grid shaded by count.
  virtual void Heatmap(const std::array<std::array<int64_t, 24>, 7>& counts) = 0;
};

struct PdfSetup {
  std::string title;
  // The footer's left and right text for page `page` (1-based) of `pages`.
  std::function<std::string(int page, int pages)> footer_left, footer_right;
};

// The PDF bytes of what `body` lays out. kIo when the DejaVu fonts are missing
// (fonts-dejavu-core), kInternal when PoDoFo fails.
Result<std::string> RenderPdf(const PdfSetup& setup, const std::function<void(PdfLayout&)>& body);

}  // namespace vigil::report
