// libFuzzer target for every ingest parser: the first byte picks the parser, the rest is the
// input (attacker-controlled log data). Built by -DVIGIL_FUZZ=ON with clang; see
// tests/fuzz/run_fuzz.sh. Any crash, hang, leak or sanitizer report is a bug.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/event.h"
#include "ingest/detect.h"
#include "ingest/json_event.h"
#include "ingest/json_split.h"
#include "ingest/syslog_parser.h"
#include "ingest/text_records.h"
#include "ingest/zeek_tsv.h"

using namespace vigil;
using namespace vigil::ingest;

namespace {

std::vector<std::string_view> Lines(std::string_view s) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t nl = s.find('\n', start);
    out.push_back(s.substr(start, nl == std::string_view::npos ? nl : nl - start));
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t selector = data[0];
  const std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
  static JsonEventParser json;
  Event ev;
  switch (selector % 6) {
    case 0: {
      // One JSON flavour, chosen by the next byte (one parse per run keeps runs fast).
      if (input.empty()) break;
      // Every format in the registry (those without a JSON mapping map as their records_as).
      const auto all = vigil::formats::All();
      const auto* format = all[static_cast<uint8_t>(input[0]) % all.size()];
      (void)json.Parse(input.substr(1), *format, {1794700800000000, {}}, ev);
      break;
    }
    case 1: {
      SyslogParser parser(SyslogOptions{2026});
      std::vector<Event> out;
      for (std::string_view line : Lines(input)) (void)parser.Parse(line, out);
      break;
    }
    case 2: {
      for (std::string_view line : Lines(input)) {
        auto j = CefToJson(line);
        if (j) (void)json.Parse(*j, *vigil::formats::Find("cef"), {}, ev);
      }
      break;
    }
    case 3: {
      CsvRecords csv;
      for (std::string_view line : Lines(input)) {
        auto done = csv.Add(line);
        if (done && *done)
          (void)json.Parse(csv.TakeNormalised(), *vigil::formats::Find("csv"), {}, ev);
      }
      break;
    }
    case 4: {
      ZeekTsv zeek;
      for (std::string_view line : Lines(input)) {
        if (zeek.Header(line)) continue;
        auto j = zeek.ToJson(line);
        if (j) (void)json.Parse(*j, *vigil::formats::Find("zeek"), {}, ev);
      }
      break;
    }
    default: {
      (void)Detect(input);
      SplitResult split = SplitJsonDocument(input);
      for (const JsonItem& item : split.items) {
        // Items must lie inside the input.
        if (item.text.data() < input.data() ||
            item.text.data() + item.text.size() > input.data() + input.size()) {
          __builtin_trap();
        }
        (void)json.Parse(item.text, *vigil::formats::Find("ndjson"), {}, ev);
      }
      if (split.error_offset < 0 || static_cast<size_t>(split.error_offset) > input.size()) {
        __builtin_trap();
      }
    }
  }
  return 0;
}
