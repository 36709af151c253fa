// vigil export: a PDF report, or incidents or their events as data files, recorded in the store
// when written to a file (export/export.h).
#include <fmt/format.h>

#include "cli/commands.h"
#include "export/export.h"
#include "store/store.h"

namespace vigil::cli {

Status RunExport(const Context& ctx, const ExportOptions& options) {
  auto f = ReportFilter(options.report);
  if (!f) return f.error();
  exporter::Options eo;
  eo.format = options.format;
  eo.events = options.events;
  eo.output = options.output;
  eo.filter = std::move(*f);
  if (!options.report.tlp.empty()) eo.render.tlp = options.report.tlp;
  // Writing a file records it in the store; standard output leaves the store as it was.
  auto db = store::OpenStore(ctx.global.db, options.output == "-" ? store::StoreAccess::kRead
                                                                  : store::StoreAccess::kWrite);
  if (!db) return db.error();
  auto sum = exporter::Run(eo, *db);
  if (!sum) return sum.error();
  if (options.output == "-") {
    ctx.out << sum->content;
  } else {
    Note(ctx, fmt::format("wrote {} ({} {}, sha256 {}), recorded as report {}", options.output,
                          options.events ? sum->events : sum->incidents,
                          options.events ? "events" : "incidents", sum->sha256, sum->report_id));
  }
  return {};
}

}  // namespace vigil::cli
