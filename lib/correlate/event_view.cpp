// EventView: the lazy field lookup over one stored event. The record is parsed with a reused
// JSON parser (json/json.h) into its reused padded buffer, so after warm-up an event costs one
// memcpy and one parse, and only if a rule asks for a field that the normalised columns do not
// answer.
// Texts that are not views into the record or the event (numbers, objects) live in `scratch`,
// a deque of strings reused across events: a deque never moves its elements, so views handed
// out earlier in the same Get stay valid while more are produced.
#include "correlate/event_view.h"

#include <array>
#include <charconv>
#include <deque>
#include <optional>

#include "formats/format.h"
#include "formats/legacy_labels.h"
#include "json/json.h"

namespace vigil::correlate {
namespace {

using json::Type;
using json::Value;

char LowerChar(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (LowerChar(a[i]) != LowerChar(b[i])) return false;
  }
  return true;
}

void AssignLower(std::string_view s, std::string* out) {
  out->assign(s);
  for (char& c : *out) c = LowerChar(c);
}

// The normalised columns under their ECS names. Integer columns carry a slot for their text.
struct Column {
  std::string_view name;
  std::optional<std::string> Event::*text;
  std::optional<int64_t> Event::*number;
  size_t slot;
};

constexpr size_t kNumberSlots = 4;
const Column kColumns[] = {
    {"event.kind", &Event::event_kind, nullptr, 0},
    {"event.category", &Event::event_category, nullptr, 0},
    {"event.type", &Event::event_type, nullptr, 0},
    {"event.outcome", &Event::event_outcome, nullptr, 0},
    {"event.action", &Event::event_action, nullptr, 0},
    {"event.severity", &Event::event_severity, nullptr, 0},
    {"user.name", &Event::user_name, nullptr, 0},
    {"source.ip", &Event::source_ip, nullptr, 0},
    {"source.port", nullptr, &Event::source_port, 0},
    {"destination.ip", &Event::destination_ip, nullptr, 0},
    {"destination.port", nullptr, &Event::destination_port, 1},
    {"network.transport", &Event::network_protocol, nullptr, 0},
    {"host.name", &Event::host_name, nullptr, 0},
    {"source.bytes", nullptr, &Event::source_bytes, 2},
    {"destination.bytes", nullptr, &Event::destination_bytes, 3},
    {"url.full", &Event::url, nullptr, 0},
    {"url.domain", &Event::domain, nullptr, 0},
    {"email.from.address", &Event::email_from, nullptr, 0},
    {"email.subject", &Event::email_subject, nullptr, 0},
    {"process.name", &Event::process_name, nullptr, 0},
    {"message", &Event::message, nullptr, 0},
};

const Column* FindColumn(std::string_view name) {
  for (const Column& c : kColumns) {
    if (c.name.size() == name.size() && c.name == name) return &c;
  }
  return nullptr;
}

}  // namespace

struct EventView::Impl {
  const formats::Sigma* sigma = nullptr;
  bool parsed = false;
  bool has_root = false;
  Value root;
  json::Parser parser;

  // The product and service of an event stored before schema version 7, derived once.
  bool legacy_done = false;
  formats::LegacyLabels legacy;

  std::deque<std::string> scratch;
  size_t scratch_used = 0;
  std::array<std::array<char, 24>, kNumberSlots> numbers{};
  std::string key;  // a name with dots as underscores

  std::string& Scratch() {
    if (scratch_used == scratch.size()) scratch.emplace_back();
    return scratch[scratch_used++];
  }

  void Parse(const StoredEvent& ev) {
    parsed = true;
    const std::string_view text = ev.event.fields ? std::string_view(*ev.event.fields) : ev.raw;
    size_t start = 0;
    while (start < text.size() && (text[start] == ' ' || text[start] == '\n' ||
                                   text[start] == '\r' || text[start] == '\t')) {
      ++start;
    }
    if (start == text.size() || text[start] != '{') return;
    auto doc = parser.Parse(text);
    if (!doc || !doc->IsObject()) return;
    root = *doc;
    has_root = true;
  }

  void EmitNumber(FieldValue::Kind kind, const char* begin, const char* end,
                  std::vector<FieldValue>* out) {
    std::string& s = Scratch();
    s.assign(begin, end);
    out->push_back({kind, s});
  }

  void Emit(Value e, std::vector<FieldValue>* out) {
    std::array<char, 32> buf{};
    char* const first = buf.data();
    char* const last = buf.data() + buf.size();
    switch (e.type()) {
      case Type::kString:
        out->push_back({FieldValue::Kind::kString, *e.String()});
        return;
      case Type::kInt64: {
        auto r = std::to_chars(first, last, *e.Int64());
        EmitNumber(FieldValue::Kind::kNumber, first, r.ptr, out);
        return;
      }
      case Type::kUint64: {
        auto r = std::to_chars(first, last, *e.Uint64());
        EmitNumber(FieldValue::Kind::kNumber, first, r.ptr, out);
        return;
      }
      case Type::kDouble: {
        auto r = std::to_chars(first, last, *e.Double());
        EmitNumber(FieldValue::Kind::kNumber, first, r.ptr, out);
        return;
      }
      case Type::kBool:
        out->push_back({FieldValue::Kind::kBool, *e.Bool() ? "true" : "false"});
        return;
      case Type::kNull:
        out->push_back({FieldValue::Kind::kNull, "null"});
        return;
      case Type::kArray:
        for (Value item : e.items()) Emit(item, out);  // nested arrays are flattened
        return;
      case Type::kObject: {
        std::string& s = Scratch();
        s = e.Minify();
        out->push_back({FieldValue::Kind::kObject, s});
        return;
      }
    }
  }

  // The record's field `name`: literal, dotted path, then with dots as underscores.
  std::optional<Value> Find(std::string_view name) {
    if (!has_root) return std::nullopt;
    if (auto found = root.FindPath(name)) return found;
    if (name.find('.') == std::string_view::npos) return std::nullopt;
    key.assign(name);
    for (char& c : key) c = c == '.' ? '_' : c;
    return root.Find(key);
  }
};

EventView::EventView() : impl_(std::make_unique<Impl>()) {}
EventView::~EventView() = default;

void EventView::Reset(const StoredEvent& ev) {
  ev_ = &ev;
  impl_->sigma = &formats::SigmaOf(ev.event.source_format);
  impl_->parsed = false;
  impl_->has_root = false;
  impl_->legacy_done = false;
  impl_->scratch_used = 0;
}

void EventView::Get(std::string_view name, std::vector<FieldValue>* out) const {
  if (ev_ == nullptr) return;
  Impl& m = *impl_;
  const Event& event = ev_->event;
  const Column* column = FindColumn(name);
  if (column != nullptr) {
    if (column->text != nullptr && event.*(column->text)) {
      out->push_back({FieldValue::Kind::kString, *(event.*(column->text))});
      return;
    }
    if (column->number != nullptr && event.*(column->number)) {
      std::array<char, 24>& buf = m.numbers[column->slot];
      auto r = std::to_chars(buf.data(), buf.data() + buf.size(), *(event.*(column->number)));
      out->push_back({FieldValue::Kind::kNumber,
                      std::string_view(buf.data(), static_cast<size_t>(r.ptr - buf.data()))});
      return;
    }
    // The format mappers read these names from their records already (generic JSON
    // included: it takes every ECS name, nested or dotted, before its own aliases), so an
    // empty column means the record has no such field: no need to parse it.
    return;
  }
  if (!m.parsed) m.Parse(*ev_);
  if (auto e = m.Find(name)) {
    m.Emit(*e, out);
    return;
  }
  const formats::Sigma& sigma = *m.sigma;
  for (const formats::FieldAlias& a : sigma.record_aliases) {
    if (a.from != name) continue;
    auto e = m.Find(a.to);
    if (!e) continue;
    if (sigma.empty_alias_is_absent) {
      if (auto text = e->String(); text && text->empty()) return;
    }
    m.Emit(*e, out);
    return;
  }
  if (sigma.derived_field != nullptr) {
    std::string_view text = sigma.derived_field(name, event);
    if (!text.empty()) out->push_back({FieldValue::Kind::kString, text});
  }
}

void EventView::KeywordTexts(std::vector<std::string_view>* out) const {
  if (ev_ == nullptr) return;
  // A syslog line contains its message already.
  if (ev_->event.message && !impl_->sigma->raw_holds_message) out->push_back(*ev_->event.message);
  out->push_back(ev_->raw);
}

std::string_view EventView::product() const {
  if (ev_ == nullptr) return {};
  if (ev_->event.product) return *ev_->event.product;
  return Legacy().product;
}

std::string_view EventView::service() const {
  if (ev_ == nullptr) return {};
  if (ev_->event.product) return ev_->event.service ? std::string_view(*ev_->event.service) : "";
  return Legacy().service;
}

const formats::LegacyLabels& EventView::Legacy() const {
  Impl& m = *impl_;
  if (!m.legacy_done) {
    m.legacy_done = true;
    m.legacy = formats::DeriveLegacyLabels(*ev_, {.logsource = true});
  }
  return m.legacy;
}

const formats::Sigma& EventView::sigma() const { return *impl_->sigma; }

bool EventView::IsProcessCreation() const {
  if (ev_ == nullptr || impl_->sigma->category == nullptr) return false;
  return impl_->sigma->category("process_creation", ev_->event, service()).value_or(false);
}

bool EventView::IsAuthLine() const {
  if (ev_ == nullptr || impl_->sigma->service_matches == nullptr) return false;
  return impl_->sigma->service_matches("auth", ev_->event, service()).value_or(false);
}

namespace {

bool CategoryIs(const EventView& ev, std::string_view category) {
  const std::optional<std::string>& c = ev.event()->event.event_category;
  return c && *c == category;
}

// `category` is lower case. The event's format decides first (formats::Sigma::category), then
// the ECS category does.
bool CategoryMatches(std::string_view category, const EventView& ev, const formats::Sigma& sigma) {
  if (sigma.category != nullptr) {
    if (auto decided = sigma.category(category, ev.event()->event, ev.service())) return *decided;
  }
  if (category == "process_creation" || category == "dns") return false;
  if (category == "firewall" || category == "network_connection") {
    return CategoryIs(ev, "network");
  }
  if (category == "proxy" || category == "webserver") return CategoryIs(ev, "web");
  static constexpr std::string_view kEcsCategories[] = {
      "authentication", "network", "web",           "email",    "intrusion_detection",
      "file",           "iam",     "configuration", "process",  "session",
      "malware",        "host",    "package",       "database", "driver",
      "registry",       "threat"};
  for (std::string_view c : kEcsCategories) {
    if (category == c) return CategoryIs(ev, c);
  }
  return false;
}

}  // namespace

bool LogsourceMatches(const Logsource& ls, const EventView& ev) {
  if (ev.event() == nullptr) return false;
  if (!ls.product.empty() && !EqualsIgnoreCase(ls.product, ev.product())) return false;
  const formats::Sigma& sigma = ev.sigma();
  if (!ls.category.empty()) {
    std::string category;
    AssignLower(ls.category, &category);
    if (!CategoryMatches(category, ev, sigma)) return false;
  }
  if (ls.service.empty()) return true;
  if (sigma.service_matches != nullptr) {
    std::string service;
    AssignLower(ls.service, &service);
    if (auto decided = sigma.service_matches(service, ev.event()->event, ev.service())) {
      return *decided;
    }
  }
  return EqualsIgnoreCase(ls.service, ev.service());
}

std::string MapFieldName(const Logsource& ls, std::string_view sigma_name) {
  // The format whose product the rule names, or with no product, the one whose events alone
  // can be of the rule's category (process_creation: Windows).
  const formats::Sigma* sigma = nullptr;
  for (const formats::FormatDescriptor* f : formats::All()) {
    const formats::Sigma* s = f->sigma;
    if (s == nullptr || s->rule_fields.empty()) continue;
    bool chosen = !ls.product.empty() && EqualsIgnoreCase(ls.product, s->product);
    for (std::string_view c : s->own_categories) {
      chosen = chosen || (ls.product.empty() && EqualsIgnoreCase(ls.category, c));
    }
    if (chosen) {
      sigma = s;
      break;
    }
  }
  if (sigma == nullptr) return std::string(sigma_name);
  for (const formats::RuleField& r : sigma->rule_fields) {
    if (r.from != sigma_name) continue;
    if (!r.category.empty() && !EqualsIgnoreCase(ls.category, r.category)) continue;
    if (!r.unless_service.empty() && EqualsIgnoreCase(ls.service, r.unless_service)) continue;
    return std::string(r.to);
  }
  return std::string(sigma_name);
}

}  // namespace vigil::correlate
