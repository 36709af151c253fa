// cloudtrail: AWS CloudTrail records, one per line or in a {"Records": [...]} document.
#include "formats/details.h"
#include "formats/format.h"
#include "formats/words.h"

namespace vigil::formats {
namespace {

const char* JsonLine(std::string_view line) {
  if (Contains(line, "\"eventVersion\"") ||
      (Contains(line, "\"eventSource\"") && Contains(line, "\"eventName\""))) {
    return "keys eventSource and eventName";
  }
  return nullptr;
}

constexpr std::string_view kDocumentKeys[] = {"Records"};
constexpr std::string_view kTimeFields[] = {"eventTime", "@timestamp"};

void MapCloudTrail(Record& f, Event& ev, const MapContext&) {
  if (auto t = f.Time({"eventTime", "@timestamp"}, false)) ev.ts_us = *t;
  ev.event_kind = "event";
  ev.event_action = f.Str({"eventName"});
  const std::string source = f.Str({"eventSource"}).value_or("");
  if (Contains(source, "iam.") || Contains(source, "sts.")) {
    ev.event_category = "iam";
  } else if (Contains(source, "s3.")) {
    ev.event_category = "file";
  } else if (Contains(source, "signin.")) {
    ev.event_category = "authentication";
  } else {
    ev.event_category = "configuration";
  }
  ev.source_ip = f.Str({"sourceIPAddress"});
  ev.user_name =
      f.Str({"userIdentity.userName", "userIdentity.sessionContext.sessionIssuer.userName",
             "userIdentity.arn", "userIdentity.principalId"});
  ev.host_name = f.Str({"awsRegion"});
  ev.domain = f.Str({"requestParameters.bucketName"});
  auto error = f.Str({"errorCode"});
  ev.event_outcome = error ? "failure" : "success";
  ev.message = f.Str({"errorMessage"});
  if (!ev.message) ev.message = error;
  CloudTrailDetails(f, ev);
}

std::string Service(const Event&, const RecordStrings&) { return "cloudtrail"; }

constexpr Sigma kSigma = {
    .product = "aws",
    .service = Service,
};

}  // namespace

extern const FormatDescriptor kCloudTrailFormat = {
    .name = "cloudtrail",
    .reader = Reader::kJsonLines,
    .reads_documents = true,
    .json_line_rank = 3,
    .json_line = JsonLine,
    .document_keys = kDocumentKeys,
    .map = MapCloudTrail,
    .time_fields = kTimeFields,
    .sigma = &kSigma,
};

}  // namespace vigil::formats
