#include "core/encoding.h"

#include "core/json.h"
#include "core/time.h"
#include "support/test_support.h"

using namespace vigil;

TEST_CASE("Hex round-trips and rejects odd or non-hex input", "[core]") {
  CHECK(ToHex(std::string("\x00\xff\x10", 3)) == "00ff10");
  CHECK(FromHex("00FF10") == std::string("\x00\xff\x10", 3));
  CHECK_FALSE(FromHex("abc").has_value());
  CHECK_FALSE(FromHex("zz").has_value());
}

TEST_CASE("Base64 matches RFC 4648 test vectors and is strict", "[core]") {
  const std::pair<const char*, const char*> vectors[] = {{"", ""},
                                                         {"f", "Zg=="},
                                                         {"fo", "Zm8="},
                                                         {"foo", "Zm9v"},
                                                         {"foob", "Zm9vYg=="},
                                                         {"fooba", "Zm9vYmE="},
                                                         {"foobar", "Zm9vYmFy"}};
  for (auto [plain, encoded] : vectors) {
    CHECK(ToBase64(plain) == encoded);
    CHECK(FromBase64(encoded) == std::string(plain));
  }
  CHECK_FALSE(FromBase64("Zg").has_value());    // no padding
  CHECK_FALSE(FromBase64("Zh==").has_value());  // stray bits under the padding
  CHECK_FALSE(FromBase64("Zg=a").has_value());  // data after padding
  CHECK_FALSE(FromBase64("Z g=").has_value());  // white space
  CHECK_FALSE(FromBase64("=Zg=").has_value());
}

TEST_CASE("FormatUtc prints UTC ISO-8601 with microseconds only when needed", "[core]") {
  CHECK(FormatUtc(0) == "1970-01-01T00:00:00Z");
  CHECK(FormatUtc(1794700800000000) == "2026-11-15T00:00:00Z");
  CHECK(FormatUtc(951782400123456) == "2000-02-29T00:00:00.123456Z");
  CHECK(FormatUtc(-1) == "1969-12-31T23:59:59.999999Z");
}

TEST_CASE("JsonWriter escapes control characters and replaces invalid UTF-8", "[core]") {
  JsonWriter w;
  w.BeginObject()
      .Key("a")
      .String(std::string("x\"\\\n\x01\x7f\xff\xc3\xa4", 9))
      .Key("b")
      .BeginArray()
      .Int(-3)
      .Bool(true)
      .Null()
      .EndArray()
      .EndObject();
  CHECK(w.str() == "{\"a\":\"x\\\"\\\\\\n\\u0001\\u007f\\ufffd\xc3\xa4\",\"b\":[-3,true,null]}");
}

TEST_CASE("TerminalSafe replaces C0, DEL and C1 controls, keeps other text", "[core]") {
  using vigil::TerminalSafe;
  CHECK(TerminalSafe("plain text") == "plain text");
  CHECK(TerminalSafe("a\x1b[31mred\x07") == "a?[31mred?");
  CHECK(TerminalSafe("del\x7f") == "del?");
  CHECK(TerminalSafe("csi\xc2\x9b" "2J") == "csi?2J");   // U+009B, the 8-bit CSI
  CHECK(TerminalSafe("nbsp\xc2\xa0ok") == "nbsp\xc2\xa0ok");  // U+00A0 is not a control
  CHECK(TerminalSafe("j\xc3\xbcrgen \xe2\x86\x92") == "j\xc3\xbcrgen \xe2\x86\x92");
  CHECK(TerminalSafe(std::string("nul\0x", 5)) == "nul?x");
  CHECK(TerminalSafe("cut\xc2") == "cut\xc2");
}
