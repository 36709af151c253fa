// The labels ingest stores with an event (formats/labels.h).
#include "formats/labels.h"

namespace vigil::formats {
namespace {

std::optional<std::string_view> StringOf(const std::optional<Found>& found) {
  if (!found || found->type != ValueType::kString) return std::nullopt;
  return found->string;
}

}  // namespace

std::optional<std::string_view> RecordStringsOf::String(std::string_view path) const {
  if (auto found = record_.Find({path})) return StringOf(found);
  if (path.find('.') == std::string_view::npos) return std::nullopt;
  key_.assign(path);
  for (char& c : key_) c = c == '.' ? '_' : c;
  return StringOf(record_.Find({std::string_view(key_)}));
}

std::optional<std::string_view> RecordStringsOf::DoAt(
    std::span<const std::string_view> keys) const {
  switch (keys.size()) {
    case 1:
      return StringOf(record_.FindAt({keys[0]}));
    case 2:
      return StringOf(record_.FindAt({keys[0], keys[1]}));
    case 3:
      return StringOf(record_.FindAt({keys[0], keys[1], keys[2]}));
    default:
      return std::nullopt;
  }
}

std::optional<std::string> SourceCountry(const RecordStrings& record) {
  auto non_empty = [](std::optional<std::string_view> s) { return s && !s->empty(); };
  for (std::string_view key : {"geo", "country", "source.geo.country_iso_code", "src_country",
                               "client.geo.country_iso_code", "source_country"}) {
    if (auto s = record.At({key}); non_empty(s)) return std::string(*s);
  }
  for (std::string_view parent : {"source", "client", "geo"}) {
    auto s = parent == "geo" ? record.At({"geo", "country_iso_code"})
                             : record.At({parent, "geo", "country_iso_code"});
    if (non_empty(s)) return std::string(*s);
  }
  return std::nullopt;
}

void Label(Event& event, const RecordStrings* record, bool json_raw) {
  const Sigma& sigma = SigmaOf(event.source_format);
  const NoRecordStrings none;
  const RecordStrings& strings = record != nullptr ? *record : none;
  event.product.emplace(sigma.product);
  std::string service = sigma.service != nullptr ? sigma.service(event, strings) : std::string();
  if (service.empty()) {
    event.service.reset();
  } else {
    event.service = std::move(service);
  }
  event.source_country.reset();
  if (json_raw && record != nullptr) event.source_country = SourceCountry(*record);
}

}  // namespace vigil::formats
