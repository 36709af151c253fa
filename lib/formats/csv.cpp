// csv: rows under a header row (ingest/text_records.h turns each row into JSON with normalised
// header names); mapped as common records, numbers arriving as text.
#include "formats/generic.h"

namespace vigil::formats {

extern const FormatDescriptor kCsvFormat = {
    .name = "csv",
    .reader = Reader::kCsv,
    .map = MapCommon,
    .time_fields = kCommonTimeFields,
    .numbers_as_text = true,
    .sigma = &kVigilSigma,
};

}  // namespace vigil::formats
