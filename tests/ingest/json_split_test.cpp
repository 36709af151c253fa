// Cutting JSON documents into records (ingest/json_split.h), above all when they are cut
// short or broken: found by the fuzz campaign of issue 8, a document ending in a backslash
// inside a key put the error offset past its end, and ingest stopped with an internal error.
#include "ingest/json_split.h"

#include <catch2/catch.hpp>

using namespace vigil::ingest;

namespace {

// What ingest relies on: items and the error offset lie inside the document.
void CheckInside(std::string_view doc, const SplitResult& split) {
  for (const JsonItem& item : split.items) {
    CHECK(item.text.data() >= doc.data());
    CHECK(item.text.data() + item.text.size() <= doc.data() + doc.size());
    CHECK(item.offset == item.text.data() - doc.data());
  }
  CHECK(split.error_offset >= 0);
  CHECK(static_cast<size_t>(split.error_offset) <= doc.size());
}

}  // namespace

TEST_CASE("SplitJsonDocument keeps every offset inside any prefix of a document", "[ingest]") {
  const std::string docs[] = {
      "{\n \"Records\": [{\"a\": \"x\\\\y\\\"z\"}, {\"b\": [1, {\"c\": \"\\n\"}]}],\n"
      " \"x\\\"y\": {\"k\": \"v\\\\\"}, \"n\": -1.5e3\n}\n",
      "[{\"m\": \"\\u00e9\\\\\"},\n {\"q\": \"a\\\"]\"}, 7, \"s\\\\\"]",
      "\xEF\xBB\xBF{\"firewall_logs\": [{\"ts\": 1}], \"auth\\\\logs\": []}",
  };
  for (const std::string& doc : docs) {
    for (size_t n = 0; n <= doc.size(); ++n) {
      const std::string_view prefix(doc.data(), n);
      INFO("prefix of " << n << " bytes: " << prefix);
      const SplitResult split = SplitJsonDocument(prefix);
      CheckInside(prefix, split);
      if (n == doc.size()) CHECK(split.error.empty());
    }
  }
}

TEST_CASE("SplitJsonDocument reports a broken key from where the key starts", "[ingest]") {
  const std::string doc = "{\n \"Records\": [{\"a\": 1}],\n \"x\\";
  const SplitResult split = SplitJsonDocument(doc);
  REQUIRE(split.items.size() == 1);
  CHECK(split.items[0].text == "{\"a\": 1}");
  CHECK_FALSE(split.error.empty());
  CHECK(split.error_offset == static_cast<int64_t>(doc.find("\"x\\")));
  CHECK(split.error_line == 3);
}

TEST_CASE("SplitJsonDocument reports a broken scalar value from where it starts", "[ingest]") {
  const std::string doc = "{\"Records\": [], \"note\": \"cut \\";
  const SplitResult split = SplitJsonDocument(doc);
  CHECK(split.items.empty());
  CHECK(split.error_offset == static_cast<int64_t>(doc.find("\"cut")));
  CHECK(split.error_line == 1);
}

TEST_CASE("SplitJsonDocument counts a newline that a backslash escapes", "[ingest]") {
  // Not valid JSON, but the line of what follows must still be right.
  const std::string doc = "[\"a\\\nb\",\n {\"c\": 1}]";
  const SplitResult split = SplitJsonDocument(doc);
  REQUIRE(split.items.size() == 2);
  CHECK(split.items[1].line == 3);
}
