#include "ingest/json_split.h"

namespace vigil::ingest {
namespace {

class Scanner {
 public:
  explicit Scanner(std::string_view doc) : doc_(doc) {}

  void SkipSpace() {
    while (pos_ < doc_.size()) {
      const char c = doc_[pos_];
      if (c == '\n') ++line_;
      if (c != ' ' && c != '\t' && c != '\r' && c != '\n') break;
      ++pos_;
    }
  }
  bool At(char c) const { return pos_ < doc_.size() && doc_[pos_] == c; }
  bool Eat(char c) {
    SkipSpace();
    if (!At(c)) return false;
    ++pos_;
    return true;
  }
  bool End() {
    SkipSpace();
    return pos_ >= doc_.size();
  }

  // Moves past one JSON value (string, number, literal, object or array) without checking
  // more than its bracket structure. false if the document ends inside it.
  bool SkipValue() {
    SkipSpace();
    int depth = 0;
    while (pos_ < doc_.size()) {
      const char c = doc_[pos_];
      if (c == '"') {
        if (!SkipString()) return false;
        if (depth == 0) return true;
        continue;
      }
      if (c == '{' || c == '[') {
        ++depth;
      } else if (c == '}' || c == ']') {
        if (depth == 0) return true;  // end of the enclosing container: value was empty
        if (--depth == 0) {
          ++pos_;
          return true;
        }
      } else if (depth == 0 && (c == ',' || c == ' ' || c == '\n' || c == '\r' || c == '\t')) {
        return true;  // end of a scalar
      } else if (c == '\n') {
        ++line_;
      }
      ++pos_;
    }
    return depth == 0;
  }

  bool SkipString() {
    ++pos_;  // opening quote
    while (pos_ < doc_.size()) {
      const char c = doc_[pos_++];
      if (c == '\\') {
        // The escaped byte, unless the document ends first: pos_ never passes its end.
        if (pos_ == doc_.size()) return false;
        if (doc_[pos_++] == '\n') ++line_;
      } else if (c == '"') {
        return true;
      } else if (c == '\n') {
        ++line_;
      }
    }
    return false;
  }

  // A string's raw contents (escapes kept), for keys.
  bool ReadString(std::string& out) {
    SkipSpace();
    if (!At('"')) return false;
    const size_t start = pos_ + 1;
    if (!SkipString()) return false;
    out.assign(doc_.substr(start, pos_ - start - 1));
    return true;
  }

  size_t pos() const { return pos_; }
  int64_t line() const { return line_; }
  std::string_view doc() const { return doc_; }

 private:
  std::string_view doc_;
  size_t pos_ = 0;
  int64_t line_ = 1;
};

// Splits the array starting at the scanner's position. false on a structural error.
bool SplitArray(Scanner& s, const std::string& key, SplitResult& out) {
  if (!s.Eat('[')) return false;
  if (s.Eat(']')) return true;
  for (;;) {
    s.SkipSpace();
    const size_t start = s.pos();
    const int64_t line = s.line();
    if (!s.SkipValue() || s.pos() == start) {
      // Keep the broken element with the rest: it starts here, not where scanning stopped.
      out.error_offset = static_cast<int64_t>(start);
      out.error_line = line;
      return false;
    }
    out.items.push_back(
        {s.doc().substr(start, s.pos() - start), key, line, static_cast<int64_t>(start)});
    if (s.Eat(',')) continue;
    return s.Eat(']');
  }
}

}  // namespace

SplitResult SplitJsonDocument(std::string_view doc) {
  SplitResult out;
  // A UTF-8 byte order mark at the very start of a file is not part of the document.
  const size_t bom = doc.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
  Scanner s(doc.substr(bom));
  bool ok = false;
  s.SkipSpace();
  if (s.At('[')) {
    ok = SplitArray(s, "", out);
  } else if (s.Eat('{')) {
    ok = true;
    // A broken key or value is kept from where it starts, not from where scanning stopped.
    auto broken_at = [&out](size_t start, int64_t line) {
      out.error_offset = static_cast<int64_t>(start);
      out.error_line = line;
    };
    if (!s.Eat('}')) {
      for (;;) {
        std::string key;
        s.SkipSpace();
        size_t start = s.pos();
        int64_t line = s.line();
        if (!s.ReadString(key) || !s.Eat(':')) {
          broken_at(start, line);
          ok = false;
          break;
        }
        s.SkipSpace();
        start = s.pos();
        line = s.line();
        if (s.At('[')) {
          if (!SplitArray(s, key, out)) {
            ok = false;
            break;
          }
        } else if (!s.SkipValue()) {
          broken_at(start, line);
          ok = false;
          break;
        }
        if (s.Eat(',')) continue;
        ok = s.Eat('}');
        break;
      }
    }
  }
  if (ok && !s.End()) ok = false;  // something after the document
  if (!ok) {
    out.error = "malformed JSON document";
    if (out.error_line == 0) {
      out.error_line = s.line();
      out.error_offset = static_cast<int64_t>(s.pos());
    }
    out.error_offset += static_cast<int64_t>(bom);
  }
  for (JsonItem& item : out.items) item.offset += static_cast<int64_t>(bom);
  return out;
}

}  // namespace vigil::ingest
