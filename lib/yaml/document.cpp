// The tree is built straight from yaml-cpp's parser events (the way its own NodeBuilder builds
// YAML::Node), into one vector of nodes: a container's children are stored together once it
// closes, and an alias is the index of its anchored node. yaml-cpp reports syntax errors by
// exception only; they are caught here and nowhere else.

#include "yaml/document.h"

#include <fmt/format.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

#include <sstream>
#include <utility>

namespace vigil::yaml {

enum class Kind : uint8_t { kNull, kScalar, kSequence, kMap };

struct NodeData {
  Kind kind = Kind::kNull;
  Mark mark;
  uint32_t first = 0;  // into Tree::children
  uint32_t count = 0;  // children: items, or key and value per map entry
  std::string scalar;
};

struct Tree {
  std::string name;
  std::vector<NodeData> nodes;     // nodes[0] is the root
  std::vector<uint32_t> children;  // by container, contiguous
};

namespace {

const std::string kEmpty;

class Builder final : public YAML::EventHandler {
 public:
  Builder(Tree* tree, int first_line) : tree_(tree), first_line_(first_line) {}

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    Add(Kind::kNull, mark, anchor);
  }
  void OnAlias(const YAML::Mark&, YAML::anchor_t anchor) override {
    // The parser refuses an alias to an unknown anchor before calling this.
    AddChild(anchors_[anchor]);
  }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                const std::string& value) override {
    tree_->nodes[Add(Kind::kScalar, mark, anchor)].scalar = value;
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    Open(Add(Kind::kSequence, mark, anchor));
  }
  void OnSequenceEnd() override { Close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    Open(Add(Kind::kMap, mark, anchor));
  }
  void OnMapEnd() override { Close(); }

  bool empty() const { return tree_->nodes.empty(); }

 private:
  uint32_t Add(Kind kind, const YAML::Mark& mark, YAML::anchor_t anchor) {
    const auto index = static_cast<uint32_t>(tree_->nodes.size());
    NodeData& node = tree_->nodes.emplace_back();
    node.kind = kind;
    node.mark = Mark{mark.line >= 0 ? mark.line + first_line_ : -1, mark.column};
    if (anchor != YAML::NullAnchor) {
      if (anchors_.size() <= anchor) anchors_.resize(anchor + 1);
      anchors_[anchor] = index;
    }
    AddChild(index);
    return index;
  }
  void AddChild(uint32_t index) {
    if (!open_.empty()) open_.back().second.push_back(index);
  }
  void Open(uint32_t index) { open_.emplace_back(index, std::vector<uint32_t>()); }
  void Close() {
    auto [index, kids] = std::move(open_.back());
    open_.pop_back();
    NodeData& node = tree_->nodes[index];
    node.first = static_cast<uint32_t>(tree_->children.size());
    node.count = static_cast<uint32_t>(kids.size());
    tree_->children.insert(tree_->children.end(), kids.begin(), kids.end());
  }

  Tree* tree_;
  int first_line_;
  std::vector<uint32_t> anchors_;                                 // by yaml-cpp's anchor id
  std::vector<std::pair<uint32_t, std::vector<uint32_t>>> open_;  // containers being read
};

}  // namespace

bool Node::IsNull() const { return tree_ && tree_->nodes[index_].kind == Kind::kNull; }
bool Node::IsScalar() const { return tree_ && tree_->nodes[index_].kind == Kind::kScalar; }
bool Node::IsSequence() const { return tree_ && tree_->nodes[index_].kind == Kind::kSequence; }
bool Node::IsMap() const { return tree_ && tree_->nodes[index_].kind == Kind::kMap; }

const std::string& Node::Scalar() const {
  return IsScalar() ? tree_->nodes[index_].scalar : kEmpty;
}

size_t Node::size() const {
  if (IsSequence()) return tree_->nodes[index_].count;
  if (IsMap()) return tree_->nodes[index_].count / 2;
  return 0;
}

Mark Node::mark() const { return tree_ ? tree_->nodes[index_].mark : Mark{}; }

uint32_t Node::Child(size_t i) const { return tree_->children[tree_->nodes[index_].first + i]; }

Node Node::operator[](size_t i) const {
  if (!IsSequence() || i >= size()) return Node();
  return Node(tree_, Child(i));
}

Node Node::operator[](std::string_view key) const {
  if (!IsMap()) return Node();
  for (size_t i = 0; i < size(); ++i) {
    const NodeData& k = tree_->nodes[Child(2 * i)];
    if (k.kind == Kind::kScalar && k.scalar == key) return Node(tree_, Child(2 * i + 1));
  }
  return Node();
}

Node Node::Key(size_t i) const {
  return IsMap() && i < size() ? Node(tree_, Child(2 * i)) : Node();
}

Node Node::Value(size_t i) const {
  return IsMap() && i < size() ? Node(tree_, Child(2 * i + 1)) : Node();
}

Document::Document(std::unique_ptr<Tree> tree) : tree_(std::move(tree)) {}
Document::Document(Document&&) noexcept = default;
Document& Document::operator=(Document&&) noexcept = default;
Document::~Document() = default;

Node Document::root() const { return Node(tree_.get(), 0); }

std::string Document::Where(Node node) const {
  const int line = node.mark().line;
  return line >= 0 ? fmt::format("{}:{}", tree_->name, line + 1) : tree_->name;
}

const std::string& Document::name() const { return tree_->name; }

Result<Document> Parse(std::string_view text, std::string_view name, int first_line) {
  auto tree = std::make_unique<Tree>();
  tree->name = std::string(name);
  try {
    std::istringstream in{std::string(text)};
    YAML::Parser parser(in);
    Builder builder(tree.get(), first_line);
    parser.HandleNextDocument(builder);
  } catch (const YAML::Exception& e) {
    return MakeError(ErrorCode::kBadInput, fmt::format("YAML: {}", e.msg),
                     e.mark.line >= 0 ? fmt::format("{}:{}", name, first_line + e.mark.line + 1)
                                      : std::string(name));
  }
  if (tree->nodes.empty()) tree->nodes.emplace_back();  // nothing in it: a null root
  return Document(std::move(tree));
}

bool IsDocumentMarker(std::string_view line) {
  return line.substr(0, 3) == "---" &&
         (line.size() == 3 || line[3] == ' ' || line[3] == '\t' || line[3] == '\r');
}

std::vector<DocumentText> SplitDocuments(std::string_view text) {
  std::vector<DocumentText> docs;
  size_t start = 0;
  int start_line = 0, line = 0;
  for (size_t at = 0; at <= text.size();) {
    const size_t nl = text.find('\n', at);
    const size_t end = nl == std::string_view::npos ? text.size() : nl;
    if (IsDocumentMarker(text.substr(at, end - at)) && at > start) {
      docs.push_back({text.substr(start, at - start), start_line});
      start = at;
      start_line = line;
    }
    if (nl == std::string_view::npos) break;
    at = nl + 1;
    ++line;
  }
  if (start < text.size()) docs.push_back({text.substr(start), start_line});
  return docs;
}

bool HasContent(std::string_view text) {
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    const size_t first = line.find_first_not_of(" \t\r");
    if (first == std::string_view::npos) continue;
    line.remove_prefix(first);
    if (line[0] == '#' || line.substr(0, 3) == "---" || line.substr(0, 3) == "...") continue;
    if (line.substr(0, 1) == "%") continue;  // a directive
    return true;
  }
  return false;
}

}  // namespace vigil::yaml
