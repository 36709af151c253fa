// The decisive fields of an event (event_details.h).
#include "core/event_details.h"

#include <algorithm>

#include "core/json.h"

namespace vigil {
namespace {

constexpr DetailName kNames[] = {
    {Detail::kSignature, "signature", "signature"},
    {Detail::kCategory, "category", "category"},
    {Detail::kSignatureId, "signature_id", "signature id"},
    {Detail::kKerberosService, "kerberos_service", "Kerberos service"},
    {Detail::kTicketEncryption, "ticket_encryption", "ticket encryption"},
    {Detail::kApiService, "api_service", "API service"},
    {Detail::kApi, "api", "API"},
    {Detail::kResource, "resource", "resource"},
    {Detail::kAccount, "account", "account"},
    {Detail::kHttpMethod, "http_method", "method"},
    {Detail::kHttpStatus, "http_status", "status"},
    {Detail::kHttpBytes, "http_bytes", "response bytes"},
    {Detail::kUserAgent, "user_agent", "user agent"},
    {Detail::kImage, "image", "image"},
    {Detail::kCommandLine, "command_line", "command line"},
    {Detail::kParent, "parent", "parent"},
    {Detail::kServiceName, "service_name", "service"},
    {Detail::kServiceBinary, "service_binary", "service binary"},
};

}  // namespace

std::span<const DetailName> DetailNames() { return kNames; }

const DetailName* FindDetail(std::string_view key) {
  for (const DetailName& n : kNames) {
    if (n.key == key) return &n;
  }
  return nullptr;
}

void DetailsBuilder::Set(Detail detail, const std::optional<std::string>& value) {
  if (!value || value->empty() || *value == "-") return;
  std::string json;
  AppendJsonString(json, *value);
  items_.emplace_back(detail, std::move(json));
}

void DetailsBuilder::Set(Detail detail, const std::optional<int64_t>& value) {
  if (value) items_.emplace_back(detail, std::to_string(*value));
}

std::optional<std::string> DetailsBuilder::Json() const {
  if (items_.empty()) return std::nullopt;
  std::string out = "{";
  for (const DetailName& n : kNames) {
    auto it = std::find_if(items_.begin(), items_.end(),
                           [&](const auto& i) { return i.first == n.detail; });
    if (it == items_.end()) continue;
    if (out.size() > 1) out += ',';
    AppendJsonString(out, n.key);
    out += ':';
    out += it->second;
  }
  return out + "}";
}

}  // namespace vigil
