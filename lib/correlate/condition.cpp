// Recursive-descent parser for the Sigma condition grammar (see condition.h).

#include "correlate/condition.h"

#include <string>
#include <utility>

namespace vigil::correlate {
namespace {

Error Bad(std::string message) { return MakeError(ErrorCode::kBadInput, std::move(message)); }

std::vector<std::string_view> Lex(std::string_view text) {
  std::vector<std::string_view> tokens;
  size_t i = 0;
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (i < text.size()) {
    if (is_space(text[i])) {
      ++i;
    } else if (text[i] == '(' || text[i] == ')') {
      tokens.push_back(text.substr(i++, 1));
    } else {
      const size_t start = i;
      while (i < text.size() && !is_space(text[i]) && text[i] != '(' && text[i] != ')') ++i;
      tokens.push_back(text.substr(start, i - start));
    }
  }
  return tokens;
}

class Parser {
 public:
  Parser(std::vector<std::string_view> tokens, const std::vector<std::string>& names,
         Condition* out)
      : tokens_(std::move(tokens)), names_(names), out_(out) {}

  Result<size_t> Parse() {
    if (tokens_.empty()) return Bad("empty condition");
    Result<size_t> root = Or();
    if (!root) return root;
    if (pos_ < tokens_.size()) return Unexpected();
    return root;
  }

 private:
  std::string_view Peek() const { return pos_ < tokens_.size() ? tokens_[pos_] : ""; }

  Error Unexpected() const {
    if (pos_ >= tokens_.size()) return Bad("condition ends too early");
    return Bad("unexpected '" + std::string(tokens_[pos_]) + "' in condition");
  }

  size_t Add(ConditionNode node) {
    out_->nodes.push_back(std::move(node));
    return out_->nodes.size() - 1;
  }

  size_t Combine(ConditionNode::Op op, std::vector<size_t> children) {
    if (children.size() == 1) return children[0];
    ConditionNode node;
    node.op = op;
    node.children = std::move(children);
    return Add(std::move(node));
  }

  // or_expr := and_expr ('or' and_expr)*   (and likewise one level down)
  Result<size_t> Or() { return Binary("or", ConditionNode::Op::kOr, &Parser::And); }
  Result<size_t> And() { return Binary("and", ConditionNode::Op::kAnd, &Parser::Not); }

  Result<size_t> Binary(std::string_view word, ConditionNode::Op op,
                        Result<size_t> (Parser::*operand)()) {
    std::vector<size_t> children;
    while (true) {
      Result<size_t> child = (this->*operand)();
      if (!child) return child;
      children.push_back(*child);
      if (Peek() != word) break;
      ++pos_;
    }
    return Combine(op, std::move(children));
  }

  // Parsing and evaluating recurse once per level of parentheses or `not`: a rule file's
  // condition may not go deeper than this (real ones use a handful).
  static constexpr int kMaxDepth = 100;
  struct Nest {
    explicit Nest(int& d) : depth(++d) {}
    ~Nest() { --depth; }
    int& depth;
  };
  Error TooDeep() const {
    return Bad("condition nested deeper than " + std::to_string(kMaxDepth) +
               " levels of parentheses and 'not'");
  }

  Result<size_t> Not() {
    if (Peek() != "not") return Primary();
    ++pos_;
    const Nest nest(depth_);
    if (depth_ > kMaxDepth) return TooDeep();
    Result<size_t> child = Not();
    if (!child) return child;
    ConditionNode node;
    node.op = ConditionNode::Op::kNot;
    node.children = {*child};
    return Add(std::move(node));
  }

  Result<size_t> Primary() {
    const std::string_view tok = Peek();
    if (tok.empty() || tok == ")" || tok == "and" || tok == "or" || tok == "of") {
      return Unexpected();
    }
    ++pos_;
    if (tok == "(") {
      const Nest nest(depth_);
      if (depth_ > kMaxDepth) return TooDeep();
      Result<size_t> inner = Or();
      if (!inner) return inner;
      if (Peek() != ")") return pos_ < tokens_.size() ? Unexpected() : Bad("missing ')'");
      ++pos_;
      return inner;
    }
    if ((tok == "1" || tok == "all") && Peek() == "of") {
      ++pos_;
      return Quantified(tok == "all" ? ConditionNode::Op::kAnd : ConditionNode::Op::kOr, tok);
    }
    for (size_t i = 0; i < names_.size(); ++i) {
      if (names_[i] == tok) return Search(i);
    }
    return Bad("unknown search identifier '" + std::string(tok) + "' in condition");
  }

  Result<size_t> Quantified(ConditionNode::Op op, std::string_view quantifier) {
    const std::string_view pattern = Peek();
    if (pattern.empty() || pattern == "(" || pattern == ")") return Unexpected();
    ++pos_;
    std::vector<size_t> children;
    for (size_t i = 0; i < names_.size(); ++i) {
      const bool hit = pattern == "them" ? names_[i].empty() || names_[i][0] != '_'
                                         : IdentifierGlob(pattern, names_[i]);
      if (hit) children.push_back(Search(i));
    }
    if (children.empty()) {
      return Bad("'" + std::string(quantifier) + " of " + std::string(pattern) +
                 "' matches no search identifier");
    }
    return Combine(op, std::move(children));
  }

  size_t Search(size_t index) {
    ConditionNode node;
    node.op = ConditionNode::Op::kSearch;
    node.search = index;
    return Add(std::move(node));
  }

  std::vector<std::string_view> tokens_;
  const std::vector<std::string>& names_;
  Condition* out_;
  size_t pos_ = 0;
  int depth_ = 0;  // open parentheses and `not`s around the current token
};

}  // namespace

bool IdentifierGlob(std::string_view pattern, std::string_view name) {
  size_t p = 0, n = 0, star_p = std::string_view::npos, star_n = 0;
  while (n < name.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star_p = p++;
      star_n = n;
    } else if (p < pattern.size() && pattern[p] == name[n]) {
      ++p;
      ++n;
    } else if (star_p != std::string_view::npos) {
      p = star_p + 1;
      n = ++star_n;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

Result<size_t> ParseCondition(std::string_view text, const std::vector<std::string>& names,
                              Condition* out) {
  // v1 aggregations (`sel | count(x) by y > 3`, `| near ...`) are correlation rules in v2.
  if (text.find('|') != std::string_view::npos) {
    return Bad("unsupported v1 aggregation in condition; write a Sigma correlation rule");
  }
  return Parser(Lex(text), names, out).Parse();
}

}  // namespace vigil::correlate
