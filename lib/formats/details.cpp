// The decisive fields per format (details.h).
#include "formats/details.h"

#include <cstdint>
#include <string>

#include "core/event_details.h"
#include "formats/words.h"

namespace vigil::formats {
namespace {

// A string value, or nothing: a detail never fails a record, whatever type a field has.
std::optional<std::string> Text(Record& f, Names names) {
  auto found = f.Find(names);
  if (!found || found->type != ValueType::kString || found->string.empty()) return std::nullopt;
  return std::string(found->string);
}

// A whole number given as a JSON number or as digits, or nothing (as Text).
std::optional<int64_t> Number(Record& f, Names names) {
  auto found = f.Find(names);
  if (!found) return std::nullopt;
  if (found->type == ValueType::kString) {
    const std::string_view s = found->string;
    if (s.empty() || s.size() > 18 || s.find_first_not_of("0123456789") != std::string_view::npos) {
      return std::nullopt;
    }
    return std::stoll(std::string(s));
  }
  if (found->type != ValueType::kNumber) return std::nullopt;
  return f.Int({found->name}, 0, INT64_MAX, false);
}

// A Windows event-data value under its plain, winlogbeat or EventData name ("-" is none).
std::optional<std::string> Win(Record& f, std::string_view name) {
  const std::string a(name), b = "winlog.event_data." + a, c = "EventData." + a;
  auto v = Text(f, {a, b, c});
  if (v && (*v == "-" || v->empty())) return std::nullopt;
  return v;
}

void Store(const DetailsBuilder& d, Event& ev) {
  if (auto json = d.Json()) ev.details = std::move(json);
}

}  // namespace

void SuricataDetails(Record& f, Event& ev) {
  DetailsBuilder d;
  d.Set(Detail::kSignature, Text(f, {"alert.signature"}));
  d.Set(Detail::kCategory, Text(f, {"alert.category"}));
  d.Set(Detail::kSignatureId, Number(f, {"alert.signature_id"}));
  d.Set(Detail::kHttpMethod, Text(f, {"http.http_method"}));
  d.Set(Detail::kHttpStatus, Number(f, {"http.status"}));
  d.Set(Detail::kHttpBytes, Number(f, {"http.length"}));
  d.Set(Detail::kUserAgent, Text(f, {"http.http_user_agent"}));
  Store(d, ev);
}

void WindowsDetails(Record& f, Event& ev) {
  DetailsBuilder d;
  const std::string action = ev.event_action.value_or("");
  if (action.starts_with("kerberos")) {
    d.Set(Detail::kKerberosService, Win(f, "ServiceName"));
    d.Set(Detail::kTicketEncryption, Win(f, "TicketEncryptionType"));
  } else if (auto binary = Win(f, "ImagePath") ? Win(f, "ImagePath") : Win(f, "ServiceFileName")) {
    d.Set(Detail::kServiceName, Win(f, "ServiceName"));
    d.Set(Detail::kServiceBinary, binary);
  }
  auto image = Win(f, "Image");
  if (!image) image = Win(f, "NewProcessName");
  d.Set(Detail::kImage, image);
  d.Set(Detail::kCommandLine, Win(f, "CommandLine"));
  auto parent = Win(f, "ParentImage");
  if (!parent) parent = Win(f, "ParentProcessName");
  if (!parent) parent = Win(f, "ParentCommandLine");
  d.Set(Detail::kParent, parent);
  Store(d, ev);
}

void CloudTrailDetails(Record& f, Event& ev) {
  DetailsBuilder d;
  d.Set(Detail::kApiService, Text(f, {"eventSource"}));
  d.Set(Detail::kApi, Text(f, {"eventName"}));
  std::optional<std::string> resource = Text(f, {"requestParameters.bucketName"});
  if (resource) {
    if (auto key = Text(f, {"requestParameters.key"})) *resource += "/" + *key;
  }
  if (!resource) {
    resource = Text(f, {"requestParameters.roleArn", "requestParameters.policyArn",
                        "requestParameters.userName", "requestParameters.roleName",
                        "requestParameters.groupName", "requestParameters.instanceId",
                        "requestParameters.secretId", "requestParameters.name"});
  }
  d.Set(Detail::kResource, resource);
  d.Set(Detail::kAccount, Text(f, {"recipientAccountId", "userIdentity.accountId"}));
  d.Set(Detail::kUserAgent, Text(f, {"userAgent"}));
  Store(d, ev);
}

void ZeekDetails(Record& f, Event& ev, std::string_view log) {
  DetailsBuilder d;
  if (log == "http") {
    d.Set(Detail::kHttpMethod, Text(f, {"method"}));
    d.Set(Detail::kHttpStatus, Number(f, {"status_code"}));
    d.Set(Detail::kHttpBytes, Number(f, {"response_body_len"}));
    d.Set(Detail::kUserAgent, Text(f, {"user_agent"}));
  } else if (log == "kerberos") {
    d.Set(Detail::kKerberosService, Text(f, {"service"}));
    d.Set(Detail::kTicketEncryption, Text(f, {"cipher"}));
  } else if (log == "notice") {
    d.Set(Detail::kSignature, Text(f, {"note"}));
  }
  Store(d, ev);
}

void GenericDetails(Record& f, Event& ev) {
  DetailsBuilder d;
  d.Set(Detail::kSignature, Text(f, {"rule.name", "signature", "alert.signature"}));
  d.Set(Detail::kCategory, Text(f, {"rule.category", "alert.category"}));
  d.Set(Detail::kHttpMethod, Text(f, {"http.request.method", "http_method"}));
  d.Set(Detail::kHttpStatus, Number(f, {"http.response.status_code", "status_code"}));
  d.Set(Detail::kHttpBytes, Number(f, {"http.response.body.bytes"}));
  d.Set(Detail::kUserAgent, Text(f, {"user_agent.original", "user_agent", "userAgent"}));
  d.Set(Detail::kImage, Text(f, {"process.executable"}));
  d.Set(Detail::kCommandLine, Text(f, {"process.command_line", "command_line", "CommandLine"}));
  d.Set(Detail::kParent, Text(f, {"process.parent.executable", "parent_process"}));
  Store(d, ev);
}

}  // namespace vigil::formats
