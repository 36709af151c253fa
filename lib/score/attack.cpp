#include "score/attack.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "core/ascii.h"

namespace vigil::score {

// Generated from lib/score/attack/*.tsv (embed_attack.cmake).
std::string_view EmbeddedTechniques();
std::string_view EmbeddedTactics();

namespace {

std::vector<std::vector<std::string_view>> Rows(std::string_view tsv) {
  std::vector<std::vector<std::string_view>> rows;
  bool header = true;
  while (!tsv.empty()) {
    const size_t nl = tsv.find('\n');
    std::string_view line = tsv.substr(0, nl);
    tsv = nl == std::string_view::npos ? std::string_view() : tsv.substr(nl + 1);
    if (header) {
      header = false;
      continue;
    }
    if (line.empty()) continue;
    std::vector<std::string_view> cells;
    for (size_t tab; (tab = line.find('\t')) != std::string_view::npos;
         line.remove_prefix(tab + 1)) {
      cells.push_back(line.substr(0, tab));
    }
    cells.push_back(line);
    rows.push_back(std::move(cells));
  }
  return rows;
}

}  // namespace

const std::vector<Technique>& Techniques() {
  static const std::vector<Technique> kTable = [] {
    std::vector<Technique> out;
    for (const auto& cells : Rows(EmbeddedTechniques())) {
      if (cells.size() < 3) continue;
      Technique t{std::string(cells[0]), std::string(cells[1]), {}};
      std::string_view tactics = cells[2];
      while (!tactics.empty()) {
        const size_t comma = tactics.find(',');
        t.tactics.emplace_back(tactics.substr(0, comma));
        tactics = comma == std::string_view::npos ? std::string_view() : tactics.substr(comma + 1);
      }
      out.push_back(std::move(t));
    }
    return out;
  }();
  return kTable;
}

const std::vector<Tactic>& Tactics() {
  static const std::vector<Tactic> kTable = [] {
    std::vector<Tactic> out;
    for (const auto& cells : Rows(EmbeddedTactics())) {
      if (cells.size() < 4) continue;
      Tactic t{std::string(cells[0]), std::string(cells[1]), std::string(cells[2]), 0};
      std::from_chars(cells[3].data(), cells[3].data() + cells[3].size(), t.order);
      out.push_back(std::move(t));
    }
    return out;
  }();
  return kTable;
}

const Technique* FindTechnique(std::string_view id) {
  std::string upper(id);
  for (char& c : upper) c = char(std::toupper(static_cast<unsigned char>(c)));
  for (const Technique& t : Techniques()) {
    if (t.id == upper) return &t;
  }
  return nullptr;
}

const Tactic* FindTactic(std::string_view name) {
  std::string key = Lower(name);
  std::replace(key.begin(), key.end(), '_', '-');
  for (const Tactic& t : Tactics()) {
    if (t.shortname == key || Lower(t.id) == key) return &t;
  }
  return nullptr;
}

TagMapping MapTags(const std::vector<std::string>& tags) {
  TagMapping m;
  for (const std::string& tag : tags) {
    const std::string lower = Lower(tag);
    if (lower.rfind("attack.", 0) != 0) continue;  // cve.*, detection.*, car.*: not ATT&CK
    const std::string_view rest = std::string_view(lower).substr(7);
    if (rest.size() > 1 && rest[0] == 't' && std::isdigit(static_cast<unsigned char>(rest[1]))) {
      const Technique* t = FindTechnique(rest);
      if (t == nullptr) {
        m.unknown.push_back(tag);
      } else if (std::find(m.techniques.begin(), m.techniques.end(), t) == m.techniques.end()) {
        m.techniques.push_back(t);
      }
      continue;
    }
    if (rest.size() > 1 && rest[0] == 'g' && std::isdigit(static_cast<unsigned char>(rest[1]))) {
      continue;  // groups (attack.g0007) and software (attack.s0002) are not in the table
    }
    if (rest.size() > 1 && rest[0] == 's' && std::isdigit(static_cast<unsigned char>(rest[1]))) {
      continue;
    }
    if (const Tactic* t = FindTactic(rest)) {
      if (std::find(m.tactics.begin(), m.tactics.end(), t) == m.tactics.end()) {
        m.tactics.push_back(t);
      }
    } else {
      m.unknown.push_back(tag);
    }
  }
  for (const Technique* t : m.techniques) {
    for (const std::string& shortname : t->tactics) {
      const Tactic* tactic = FindTactic(shortname);
      if (tactic && std::find(m.tactics.begin(), m.tactics.end(), tactic) == m.tactics.end()) {
        m.tactics.push_back(tactic);
      }
    }
  }
  std::sort(m.tactics.begin(), m.tactics.end(),
            [](const Tactic* a, const Tactic* b) { return a->order < b->order; });
  return m;
}

bool HasTactic(const std::vector<std::string>& tags, std::string_view tactic) {
  for (const Tactic* t : MapTags(tags).tactics) {
    if (t->shortname == tactic) return true;
  }
  return false;
}

std::string Describe(const Technique& t) {
  std::string out = t.id + " " + t.name + " (";
  for (size_t i = 0; i < t.tactics.size(); ++i) {
    const Tactic* tactic = FindTactic(t.tactics[i]);
    if (i) out += ", ";
    out += tactic ? tactic->name : t.tactics[i];
  }
  return out + ")";
}

}  // namespace vigil::score
