#include "yaml/document.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace vigil::yaml {
namespace {

Document Parsed(const std::string& text, int first_line = 0) {
  Result<Document> doc = Parse(text, "t.yml", first_line);
  if (!doc) FAIL(doc.error().ToString());
  return std::move(doc).value();
}

std::string ParseError(const std::string& text, int first_line = 0) {
  Result<Document> doc = Parse(text, "t.yml", first_line);
  REQUIRE_FALSE(doc.has_value());
  CHECK(doc.error().code == ErrorCode::kBadInput);
  return doc.error().ToString();
}

TEST_CASE("yaml::Parse reads scalars and nulls as yaml-cpp's Load did", "[yaml]") {
  const Document doc = Parsed(
      "plain: hello world\n"
      "quoted: 'null'\n"
      "tilde: ~\n"
      "word: null\n"
      "empty:\n"
      "number: 0x1F\n"
      "block: |\n"
      "  two\n"
      "  lines\n");
  const Node root = doc.root();
  REQUIRE(root.IsMap());
  CHECK(root.size() == 7);
  CHECK(root["plain"].IsScalar());
  CHECK(root["plain"].Scalar() == "hello world");
  CHECK(root["quoted"].IsScalar());  // quoted: text, not null
  CHECK(root["quoted"].Scalar() == "null");
  CHECK(root["tilde"].IsNull());
  CHECK(root["word"].IsNull());
  CHECK(root["empty"].IsNull());
  CHECK(root["empty"].Scalar().empty());
  CHECK(root["number"].Scalar() == "0x1F");  // text as written, no conversion
  CHECK(root["block"].Scalar() == "two\nlines\n");
}

TEST_CASE("yaml::Node lookups that find nothing give an absent node", "[yaml]") {
  const Document doc = Parsed("a: 1\nlist: [x]\n");
  const Node root = doc.root();
  const Node missing = root["b"];
  CHECK_FALSE(missing);
  CHECK_FALSE(missing.IsNull());
  CHECK_FALSE(missing.IsMap());
  CHECK(missing.Scalar().empty());
  CHECK(missing.size() == 0);
  CHECK(missing.mark().line == -1);
  CHECK_FALSE(root["a"]["x"]);     // a scalar has no keys
  CHECK_FALSE(root["list"]["x"]);  // nor a sequence
  CHECK_FALSE(root["list"][1]);    // past the end
  CHECK_FALSE(root[0]);            // a map has no items
  int visited = 0;
  for (Node item : root["a"].Items()) visited += item ? 1 : 0;  // a scalar has no items
  for (const Entry& e : root["list"].Entries()) visited += e.first ? 1 : 0;
  CHECK(visited == 0);
}

TEST_CASE("yaml::Node walks nested maps and sequences with their marks", "[yaml]") {
  const Document doc = Parsed(
      "detection:\n"
      "  sel:\n"
      "    - a: 1\n"
      "      b: [x, y]\n"
      "    - c: {d: e}\n"
      "  condition: sel\n");
  const Node sel = doc.root()["detection"]["sel"];
  REQUIRE(sel.IsSequence());
  REQUIRE(sel.size() == 2);
  CHECK(sel.mark().line == 2);
  CHECK(sel[0]["b"].IsSequence());
  CHECK(sel[0]["b"][1].Scalar() == "y");
  CHECK(sel[0]["b"][1].mark().line == 3);
  CHECK(sel[0]["b"][1].mark().column == 13);
  CHECK(sel[1]["c"]["d"].Scalar() == "e");
  std::vector<std::string> keys;
  for (const Entry& e : doc.root()["detection"].Entries()) keys.push_back(e.first.Scalar());
  CHECK(keys == std::vector<std::string>{"sel", "condition"});
  std::vector<std::string> items;
  for (Node item : sel[0]["b"].Items()) items.push_back(item.Scalar());
  CHECK(items == std::vector<std::string>{"x", "y"});
  CHECK(doc.Where(sel[1]["c"]) == "t.yml:5");
}

TEST_CASE("yaml::Node keeps duplicate keys in order and finds the first", "[yaml]") {
  const Document doc = Parsed("a: 1\nb: 2\na: 3\n");
  const Node root = doc.root();
  CHECK(root.size() == 3);
  CHECK(root["a"].Scalar() == "1");
  CHECK(root.Key(2).Scalar() == "a");
  CHECK(root.Value(2).Scalar() == "3");
  CHECK(root.Key(2).mark().line == 2);
}

TEST_CASE("yaml::Parse resolves an alias to its anchored node", "[yaml]") {
  const Document doc = Parsed(
      "base: &b\n"
      "  user: admin\n"
      "  hosts: [h1, h2]\n"
      "word: &w text\n"
      "copy: *b\n"
      "again: *w\n"
      "list: [*w, *b]\n");
  const Node root = doc.root();
  CHECK(root["copy"]["user"].Scalar() == "admin");
  CHECK(root["copy"]["hosts"][1].Scalar() == "h2");
  CHECK(root["copy"].mark().line == root["base"].mark().line);  // the same node
  CHECK(root["again"].Scalar() == "text");
  CHECK(root["list"][0].Scalar() == "text");
  CHECK(root["list"][1]["user"].Scalar() == "admin");
  CHECK(ParseError("a: *nowhere\n") == "t.yml:1: YAML: the referenced anchor is not defined");
}

TEST_CASE("yaml::Parse reports syntax errors at the file's line", "[yaml]") {
  CHECK(ParseError("a: 1\nb: {c: 2\n") == "t.yml:3: YAML: end of map flow not found");
  CHECK(ParseError("a: [1, 2\n") == "t.yml:2: YAML: end of sequence flow not found");
  CHECK(ParseError("a: 1\n b: 2\n") == "t.yml:2: YAML: illegal map value");
  // A document that starts at line 10 of its file counts from there.
  CHECK(ParseError("a: 1\nb: {c: 2\n", 10) == "t.yml:13: YAML: end of map flow not found");
  const Document doc = Parsed("\n\na: 1\n", 10);
  CHECK(doc.root().mark().line == 12);
  CHECK(doc.Where(doc.root()) == "t.yml:13");
}

TEST_CASE("yaml::Parse gives a null root without marks for an empty document", "[yaml]") {
  for (const std::string text : {"", "# only a comment\n", "\n\n"}) {
    INFO(text);
    const Document doc = Parsed(text);
    CHECK(doc.root());
    CHECK(doc.root().IsNull());
    CHECK(doc.root().mark().line == -1);
    CHECK(doc.Where(doc.root()) == "t.yml");
  }
  // A marker alone starts a document whose (null) root is marked after it, as in yaml-cpp.
  const Document marker = Parsed("---\n");
  CHECK(marker.root().IsNull());
  CHECK(marker.root().mark().line == 1);
}

TEST_CASE("yaml::Parse reads only the first document", "[yaml]") {
  const Document doc = Parsed("a: 1\n---\nb: 2\n");
  CHECK(doc.root()["a"].Scalar() == "1");
  CHECK_FALSE(doc.root()["b"]);
}

TEST_CASE("yaml::SplitDocuments cuts a Sigma correlation file at its --- lines", "[yaml]") {
  const std::string text =
      "title: base\n"         // 0
      "detection: {}\n"       // 1
      "---\n"                 // 2
      "title: corr\n"         // 3
      "description: |\n"      // 4
      "  --- not a marker\n"  // 5: indented, inside a block scalar
      "--- # a comment\n"     // 6
      "---x: not a marker\n"  // 7
      "---\r\n"               // 8
      "\n";
  const std::vector<DocumentText> docs = SplitDocuments(text);
  REQUIRE(docs.size() == 4);
  CHECK(docs[0].first_line == 0);
  CHECK(docs[0].text == "title: base\ndetection: {}\n");
  CHECK(docs[1].first_line == 2);
  CHECK(docs[1].text == "---\ntitle: corr\ndescription: |\n  --- not a marker\n");
  CHECK(docs[2].first_line == 6);
  CHECK(docs[2].text == "--- # a comment\n---x: not a marker\n");
  CHECK(docs[3].first_line == 8);
  CHECK_FALSE(HasContent(docs[3].text));
  CHECK(HasContent(docs[1].text));
  CHECK_FALSE(HasContent("# c\n  \n%YAML 1.2\n...\n"));
  // Each part parses on its own, its lines counted in the file.
  const Document second = Parsed(std::string(docs[1].text), docs[1].first_line);
  CHECK(second.root()["title"].Scalar() == "corr");
  CHECK(second.root()["title"].mark().line == 3);
  CHECK(SplitDocuments("").empty());
  CHECK(IsDocumentMarker("---"));
  CHECK(IsDocumentMarker("--- a"));
  CHECK_FALSE(IsDocumentMarker("----"));
  CHECK_FALSE(IsDocumentMarker(" ---"));
}

TEST_CASE("yaml::Node stays valid when its Document is moved", "[yaml]") {
  Document first = Parsed("k: v0\n");
  const Node k = first.root()["k"];
  std::vector<Document> docs;
  docs.push_back(std::move(first));
  for (int i = 1; i < 20; ++i) docs.push_back(Parsed("k: v" + std::to_string(i) + "\n"));
  CHECK(k.Scalar() == "v0");
  CHECK(docs[19].root()["k"].Scalar() == "v19");
}

}  // namespace
}  // namespace vigil::yaml
