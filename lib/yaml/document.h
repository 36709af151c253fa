#pragma once
// vigil's own YAML tree: the one door to yaml-cpp, which only lib/yaml/ includes. A document is
// parsed once into an immutable tree of maps, sequences, scalars and nulls, each node carrying
// its line and column, which config/ and correlate/ read without exceptions.
//
// It keeps what yaml-cpp's Load gave: a plain `~`, `null` or empty value is null (a quoted one
// is a scalar); an alias is the very node its anchor named (same mark); a map keeps every
// entry in order, duplicate keys included, and a lookup by key finds the first.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace vigil::yaml {

// A position in the parsed text, 0-based; -1 when there is none (an absent node, the null root
// of a text with no document in it).
struct Mark {
  int line = -1;
  int column = -1;
};

struct Tree;  // the nodes of one Document (document.cpp)
struct Entry;
template <class T>
class Range;

// A view of one node of a Document; valid while the Document lives (moving the Document keeps
// it valid). A default Node, or one looked up where there is none, is absent: false in a
// condition, no Is*() holds, Scalar() is "", size() is 0 and mark() is {-1, -1}.
class Node {
 public:
  Node() = default;

  explicit operator bool() const { return tree_ != nullptr; }
  bool IsNull() const;
  bool IsScalar() const;
  bool IsSequence() const;
  bool IsMap() const;
  // The text of a scalar; "" for any other node.
  const std::string& Scalar() const;
  // Items of a sequence, entries of a map, else 0.
  size_t size() const;
  Mark mark() const;

  // Item `i` of a sequence; absent for other nodes or past the end.
  Node operator[](size_t i) const;
  // The value of the first entry of a map whose key is the scalar `key`; absent for other
  // nodes or when no key matches.
  Node operator[](std::string_view key) const;
  // Key and value of entry `i` of a map (absent for other nodes or past the end).
  Node Key(size_t i) const;
  Node Value(size_t i) const;

  // Range-for over a sequence's items (`for (Node item : node.Items())`) or a map's entries
  // (`for (const Entry& e : node.Entries())`); empty for other nodes.
  Range<Node> Items() const;
  Range<Entry> Entries() const;

 private:
  friend class Document;
  Node(const Tree* tree, uint32_t index) : tree_(tree), index_(index) {}
  uint32_t Child(size_t i) const;

  const Tree* tree_ = nullptr;
  uint32_t index_ = 0;
};

// A map entry.
struct Entry {
  Node first;   // the key
  Node second;  // the value
};

template <class T>
class Range {
 public:
  class Iterator {
   public:
    T operator*() const;
    Iterator& operator++() {
      ++i_;
      return *this;
    }
    bool operator!=(const Iterator& other) const { return i_ != other.i_; }

   private:
    friend class Range;
    Iterator(Node node, size_t i) : node_(node), i_(i) {}
    Node node_;
    size_t i_;
  };
  Iterator begin() const { return Iterator(node_, 0); }
  Iterator end() const { return Iterator(node_, node_.size()); }

 private:
  friend class Node;
  explicit Range(Node node) : node_(node) {}
  Node node_;
};

template <>
inline Node Range<Node>::Iterator::operator*() const {
  return node_[i_];
}
template <>
inline Entry Range<Entry>::Iterator::operator*() const {
  return Entry{node_.Key(i_), node_.Value(i_)};
}
inline Range<Node> Node::Items() const { return Range<Node>(IsSequence() ? *this : Node()); }
inline Range<Entry> Node::Entries() const { return Range<Entry>(IsMap() ? *this : Node()); }

// One parsed document. Lines in marks count in the file the text came from: `first_line`
// (0-based) is where the text starts in it.
class Document {
 public:
  Document(Document&&) noexcept;
  Document& operator=(Document&&) noexcept;
  ~Document();

  // The root: null for a document with nothing in it (blank, comments only).
  Node root() const;
  // "name:line" (1-based) of `node`, or just "name" when it has no mark.
  std::string Where(Node node) const;
  const std::string& name() const;

 private:
  friend Result<Document> Parse(std::string_view text, std::string_view name, int first_line);
  explicit Document(std::unique_ptr<Tree> tree);
  std::unique_ptr<Tree> tree_;
};

// Parses the first YAML document of `text`; a later one (after a "---") is not read, see
// SplitDocuments. `name` (a file name) is used for locations. A syntax error is kBadInput with
// message "YAML: <yaml-cpp's reason>" and where "name:line" (1-based, plus first_line), or
// "name" when yaml-cpp gives no line.
Result<Document> Parse(std::string_view text, std::string_view name, int first_line = 0);

// Whether `line` starts a document: "---" alone or followed by a blank.
bool IsDocumentMarker(std::string_view line);

// One document of a multi-document text: its text (a view of the input) and its first line.
struct DocumentText {
  std::string_view text;
  int first_line;  // 0-based
};
// The documents of `text`, split at "---" lines (YAML ends every document there, block
// scalars included); the first starts at line 0, each other one at its marker. yaml-cpp
// 0.7's LoadAll can loop forever on some malformed input (found by
// tests/fuzz/fuzz_rule_loader), so each document is parsed on its own.
std::vector<DocumentText> SplitDocuments(std::string_view text);

// Whether a document's text holds anything but blank lines, comments, document markers
// (with whatever follows them) and directives.
bool HasContent(std::string_view text);

}  // namespace vigil::yaml
