// The one table of input formats. A new format is one file in this folder (its descriptor),
// one line below, and its tests; the table's order is the order help and the man page list.
#include "formats/format.h"
#include "formats/generic.h"

namespace vigil::formats {

extern const FormatDescriptor kNdjsonFormat;      // ndjson.cpp
extern const FormatDescriptor kJsonArrayFormat;   // ndjson.cpp
extern const FormatDescriptor kBundleFormat;      // bundle.cpp
extern const FormatDescriptor kSingleFormat;      // single.cpp
extern const FormatDescriptor kSyslogFormat;      // syslog.cpp
extern const FormatDescriptor kZeekFormat;        // zeek.cpp
extern const FormatDescriptor kZeekTsvFormat;     // zeek.cpp
extern const FormatDescriptor kSuricataFormat;    // suricata.cpp
extern const FormatDescriptor kWindowsFormat;     // windows.cpp
extern const FormatDescriptor kCloudTrailFormat;  // cloudtrail.cpp
extern const FormatDescriptor kCefFormat;         // cef.cpp
extern const FormatDescriptor kCsvFormat;         // csv.cpp

namespace {

constexpr const FormatDescriptor* kFormats[] = {
    &kNdjsonFormat,  &kJsonArrayFormat,  &kBundleFormat,  &kSingleFormat,
    &kSyslogFormat,  &kZeekFormat,       &kZeekTsvFormat, &kSuricataFormat,
    &kWindowsFormat, &kCloudTrailFormat, &kCefFormat,     &kCsvFormat,
};

}  // namespace

const char* TypeName(ValueType type) {
  switch (type) {
    case ValueType::kArray:
      return "an array";
    case ValueType::kObject:
      return "an object";
    case ValueType::kNumber:
      return "a number";
    case ValueType::kString:
      return "a string";
    case ValueType::kBool:
      return "a boolean";
    case ValueType::kNull:
      return "null";
  }
  return "a value";
}

std::span<const FormatDescriptor* const> All() { return kFormats; }

const FormatDescriptor* Find(std::string_view name) {
  for (const FormatDescriptor* f : kFormats) {
    if (f->name == name) return f;
  }
  return nullptr;
}

const FormatDescriptor& RecordsOf(const FormatDescriptor& format) {
  if (format.records_as.empty()) return format;
  const FormatDescriptor* target = Find(format.records_as);
  return target != nullptr ? *target : format;
}

const Sigma& SigmaOf(std::string_view source_format) {
  const FormatDescriptor* f = Find(source_format);
  if (f == nullptr) return kVigilSigma;
  f = &RecordsOf(*f);
  return f->sigma != nullptr ? *f->sigma : kVigilSigma;
}

std::vector<std::string> AllNames() {
  std::vector<std::string> out;
  for (const FormatDescriptor* f : kFormats) out.emplace_back(f->name);
  return out;
}

}  // namespace vigil::formats
