// ndjson: one JSON object per line with common field names (ECS, src_ip, user, ...), and
// json-array: one JSON array of such objects, whose records are ndjson's.
#include "formats/generic.h"

namespace vigil::formats {

extern const FormatDescriptor kNdjsonFormat = {
    .name = "ndjson",
    .reader = Reader::kJsonLines,
    .reads_documents = true,
    .map = MapCommon,
    .time_fields = kCommonTimeFields,
    .sigma = &kVigilSigma,
};

extern const FormatDescriptor kJsonArrayFormat = {
    .name = "json-array",
    .records_as = "ndjson",
    .reader = Reader::kJsonDocument,
    .reads_documents = true,
    .document_array = true,
};

}  // namespace vigil::formats
