// json/json.h: the read-only DOM over simdjson that every JSON reader in lib/ goes through.
#include "json/json.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "support/test_support.h"

using vigil::ErrorCode;
using vigil::json::IndexedObject;
using vigil::json::Parser;
using vigil::json::Type;
using vigil::json::Value;

TEST_CASE("json: each value has its type and its getter answers only for that type", "[json]") {
  Parser parser;
  auto doc = parser.Parse(
      R"({"s":"text","i":-5,"u":18446744073709551615,"d":2.5,"t":true,"f":false,"n":null,)"
      R"("a":[1,"two",null],"o":{"k":"v"}})");
  REQUIRE(doc.has_value());
  const Value root = *doc;
  CHECK(root.type() == Type::kObject);
  CHECK(root.IsObject());

  const Value s = *root.Find("s");
  CHECK(s.type() == Type::kString);
  CHECK(s.String() == std::optional<std::string_view>("text"));
  CHECK_FALSE(s.Int64());
  CHECK_FALSE(s.Double());
  CHECK_FALSE(s.Bool());

  const Value i = *root.Find("i");
  CHECK(i.type() == Type::kInt64);
  CHECK(i.Int64() == std::optional<int64_t>(-5));
  CHECK_FALSE(i.Uint64());  // negative
  CHECK(i.Double() == std::optional<double>(-5.0));
  CHECK_FALSE(i.String());

  const Value d = *root.Find("d");
  CHECK(d.type() == Type::kDouble);
  CHECK(d.Double() == std::optional<double>(2.5));
  CHECK_FALSE(d.Int64());

  CHECK(root.Find("t")->type() == Type::kBool);
  CHECK(root.Find("t")->Bool() == std::optional<bool>(true));
  CHECK(root.Find("f")->Bool() == std::optional<bool>(false));
  CHECK_FALSE(root.Find("s")->Bool());

  const Value n = *root.Find("n");
  CHECK(n.type() == Type::kNull);
  CHECK(n.IsNull());
  CHECK_FALSE(n.String());

  const Value a = *root.Find("a");
  CHECK(a.IsArray());
  std::vector<Type> types;
  for (Value item : a.items()) types.push_back(item.type());
  CHECK(types == std::vector<Type>{Type::kInt64, Type::kString, Type::kNull});
  CHECK(a.items().size() == 3);
  CHECK_FALSE(a.fields().begin() != a.fields().end());  // an array has no fields

  const Value o = *root.Find("o");
  CHECK(o.type() == Type::kObject);
  CHECK(o.items().size() == 0);  // an object has no items
  CHECK(o.Minify() == R"({"k":"v"})");
}

TEST_CASE("json: big integers keep every digit or say they do not fit", "[json]") {
  Parser parser;
  auto doc = parser.Parse(
      R"({"max":9223372036854775807,"min":-9223372036854775808,"umax":18446744073709551615,)"
      R"("over":9223372036854775808})");
  REQUIRE(doc.has_value());
  CHECK(doc->Find("max")->Int64() == std::optional<int64_t>(INT64_MAX));
  CHECK(doc->Find("min")->Int64() == std::optional<int64_t>(INT64_MIN));
  CHECK(doc->Find("max")->Uint64() == std::optional<uint64_t>(INT64_MAX));
  const Value umax = *doc->Find("umax");
  CHECK(umax.type() == Type::kUint64);
  CHECK(umax.Uint64() == std::optional<uint64_t>(UINT64_MAX));
  CHECK_FALSE(umax.Int64());  // out of range, not wrapped
  CHECK(doc->Find("over")->Uint64() == std::optional<uint64_t>(9223372036854775808u));
  CHECK_FALSE(doc->Find("over")->Int64());
  CHECK(doc->Int64At("max") == std::optional<int64_t>(INT64_MAX));
  CHECK_FALSE(doc->Int64At("umax"));
}

TEST_CASE("json: missing keys and other types are empty, never an error", "[json]") {
  Parser parser;
  auto doc = parser.Parse(R"({"a":{"b":1},"s":"x","list":[{"k":1}]})");
  REQUIRE(doc.has_value());
  CHECK_FALSE(doc->Find("nope"));
  CHECK_FALSE(doc->StringAt("a"));  // an object, not a string
  CHECK_FALSE(doc->Int64At("s"));
  CHECK_FALSE(doc->DoubleAt("nope"));
  CHECK_FALSE(doc->Find("s")->Find("b"));     // a string has no keys
  CHECK_FALSE(doc->Find("list")->Find("k"));  // nor has an array
  CHECK_FALSE(doc->Find("s")->fields().begin() != doc->Find("s")->fields().end());
  const Value empty_list = *parser.Parse("[]");
  CHECK(empty_list.items().size() == 0);
  CHECK_FALSE(empty_list.items().begin() != empty_list.items().end());
}

TEST_CASE("json: a dotted path is a literal key first, then nested objects", "[json]") {
  Parser parser;
  auto doc =
      parser.Parse(R"({"id.orig_h":"flat","winlog":{"event_data":{"IpAddress":"10.0.0.1"}},)"
                   R"("a":{"b.c":"split at the first dot"},"a.b":{"c":"split at the second dot"},)"
                   R"("x":{"y":"not an object"}})");
  REQUIRE(doc.has_value());
  CHECK(doc->FindPath("id.orig_h")->String() == std::optional<std::string_view>("flat"));
  CHECK(doc->FindPath("winlog.event_data.IpAddress")->String() ==
        std::optional<std::string_view>("10.0.0.1"));
  // Both "a" -> "b.c" and "a.b" -> "c" exist: the leftmost split point wins.
  CHECK(doc->FindPath("a.b.c")->String() ==
        std::optional<std::string_view>("split at the first dot"));
  CHECK_FALSE(doc->FindPath("x.y.z"));
  CHECK_FALSE(doc->FindPath("winlog.event_data.Missing"));
  CHECK(doc->FindPath("winlog")->IsObject());

  // IndexedObject answers the same, through its table.
  const IndexedObject index(*doc);
  CHECK(index.Find("id.orig_h")->String() == std::optional<std::string_view>("flat"));
  CHECK_FALSE(index.Find("winlog.event_data.IpAddress"));  // Find is one key only
  CHECK(index.FindPath("winlog.event_data.IpAddress")->String() ==
        std::optional<std::string_view>("10.0.0.1"));
  CHECK(index.FindPath("a.b.c")->String() ==
        std::optional<std::string_view>("split at the first dot"));
  CHECK_FALSE(index.Find("nope"));
}

TEST_CASE("json: an object with more keys than the index holds is still searched", "[json]") {
  std::string text = "{";
  for (int i = 0; i < 300; ++i)
    text += (i ? "," : "") + std::string("\"k") + std::to_string(i) + "\":" + std::to_string(i);
  text += "}";
  Parser parser;
  auto doc = parser.Parse(text);
  REQUIRE(doc.has_value());
  const IndexedObject index(*doc);
  for (int i : {0, 127, 128, 299}) {
    INFO(i);
    REQUIRE(index.Find("k" + std::to_string(i)));
    CHECK(index.Find("k" + std::to_string(i))->Int64() == std::optional<int64_t>(i));
  }
  CHECK_FALSE(index.Find("k300"));
  size_t n = 0;
  for (const vigil::json::Field f : doc->fields()) n += f.key.rfind('k', 0) == 0 ? 1u : 0u;
  CHECK(n == 300);
}

TEST_CASE("json: invalid JSON is an error value naming the reason", "[json]") {
  Parser parser;
  for (const char* bad : {R"({"a":)", R"({"a" 1})", "", "nul", R"({"a":"\x"})", "[1,]"}) {
    INFO(bad);
    auto doc = parser.Parse(bad);
    REQUIRE_FALSE(doc.has_value());
    CHECK(doc.error().code == ErrorCode::kBadInput);
    CHECK(doc.error().message.rfind("invalid JSON: ", 0) == 0);
    CHECK(doc.error().message.size() > std::string("invalid JSON: ").size());
  }
  const std::string bad_utf8 = "{\"a\":\"\xff\xfe\"}";
  auto doc = parser.Parse(bad_utf8);
  REQUIRE_FALSE(doc.has_value());
  CHECK(doc.error().message.find("UTF-8") != std::string::npos);
  // The parser is usable again after an error.
  CHECK(parser.Parse("[1]").has_value());
}

TEST_CASE("json: UTF-8 strings and escapes come back as their bytes", "[json]") {
  Parser parser;
  auto doc = parser.Parse(
      "{\"plain\":\"Zo\xc3\xab \xe2\x82\xac "
      "\xf0\x9f\x94\x92\",\"esc\":\"\\u00e9\\n\\\"\\ud83d\\udd12\","
      "\"k\xc3\xa9y\":1,\"nul\":\"a\\u0000b\"}");
  REQUIRE(doc.has_value());
  CHECK(doc->StringAt("plain") ==
        std::optional<std::string_view>("Zo\xc3\xab \xe2\x82\xac \xf0\x9f\x94\x92"));
  CHECK(doc->StringAt("esc") == std::optional<std::string_view>("\xc3\xa9\n\"\xf0\x9f\x94\x92"));
  CHECK(doc->Int64At("k\xc3\xa9y") == std::optional<int64_t>(1));
  CHECK(doc->StringAt("nul") == std::optional<std::string_view>(std::string_view("a\0b", 3)));
  std::vector<std::string> keys;
  for (const vigil::json::Field f : doc->fields()) keys.emplace_back(f.key);
  CHECK(keys == std::vector<std::string>{"plain", "esc", "k\xc3\xa9y", "nul"});
}

TEST_CASE("json: a repeated key is found at any depth", "[json]") {
  Parser parser;
  std::vector<std::string_view> scratch;
  auto ok = parser.Parse(R"({"a":1,"b":{"a":2,"c":[{"a":3,"b":4}]}})");
  REQUIRE(ok.has_value());
  CHECK_FALSE(ok->DuplicateKey(scratch));
  CHECK(scratch.empty());  // left as it was found
  for (const char* text : {R"({"a":1,"a":2})", R"({"x":{"y":1,"z":2,"y":3}})",
                           R"([{"ok":1},{"k":[{"d":1,"d":2}]}])"}) {
    INFO(text);
    auto doc = parser.Parse(text);
    REQUIRE(doc.has_value());
    scratch.clear();
    const auto dup = doc->DuplicateKey(scratch);
    REQUIRE(dup);
    CHECK((*dup == "a" || *dup == "y" || *dup == "d"));
  }
}
