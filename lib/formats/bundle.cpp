// bundle: an analysis bundle {"firewall_logs": [...], "auth_logs": [...], "phishing_alerts":
// [...]}; each array's records are common records whose category the array names.
#include "formats/generic.h"

namespace vigil::formats {
namespace {

constexpr std::string_view kKeys[] = {"firewall_logs", "auth_logs", "phishing_alerts"};

void MapBundle(Record& f, Event& ev, const MapContext& context) {
  MapTime(f, ev, context);
  const char* category = context.item_key == "firewall_logs" ? "network"
                         : context.item_key == "auth_logs"   ? "authentication"
                                                             : "email";
  MapGeneric(f, ev, category);
  // The array's name says what its records are: a phishing detector's alerts (a click it
  // reports is an alert, not a mail log's line).
  if (context.item_key == "phishing_alerts") ev.event_kind = "alert";
}

}  // namespace

// Records outside the three arrays (none in a bundle the detector recognised) and lines read
// with --input-format bundle are ndjson records: ingest maps only the arrays' items here.
extern const FormatDescriptor kBundleFormat = {
    .name = "bundle",
    .reader = Reader::kJsonDocument,
    .reads_documents = true,
    .document_keys = kKeys,
    .map = MapBundle,
    .time_fields = kCommonTimeFields,
    .sigma = &kVigilSigma,
};

}  // namespace vigil::formats
