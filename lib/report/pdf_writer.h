#pragma once
// The PDF report (vigil-export(1), PDF), drawn through pdf_document.h (whose .cpp is the only
// file that includes PoDoFo). A cover with the period and
// the store's identity (record count, chain head), an executive summary by severity with a
// vector chart, then one section per incident: facts, the drafted narrative, risk parts,
// timeline, indicators, ATT&CK, actions, confidence and reviews. Text is set in DejaVu Sans
// (embedded as a subset), so any Unicode in log data renders; pages are numbered "N of M".

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"
#include "report/facts.h"
#include "report/render.h"
#include "stats/stats.h"

namespace vigil::report {

struct PdfMeta {
  std::string store_id, chain_head;  // the store's identity and its chain head (hex)
  int64_t records = 0;               // chain entries
  std::string checkpoint;            // the newest signed checkpoint's note, "" if none
  int64_t generated_us = 0;
  // The activity charts of vigil stats for the same selection (events by source, weekday by
  // hour, risk over time); left out when null.
  const stats::Stats* stats = nullptr;
};

// The PDF bytes. kIo when the DejaVu fonts cannot be found (fonts-dejavu-core), kInternal
// when PoDoFo fails.
Result<std::string> WritePdf(const std::vector<Incident>& incidents, const PdfMeta& meta,
                             const RenderOptions& options);

}  // namespace vigil::report
