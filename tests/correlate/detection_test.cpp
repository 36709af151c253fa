#include "correlate/detection.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/file_io.h"
#include "yaml/document.h"

namespace vigil::correlate {
namespace {

using Kind = FieldValue::Kind;

// A FieldSource over a map: name -> values (an array is several values), plus keyword texts.
class MapSource : public FieldSource {
 public:
  MapSource& Add(const std::string& name, Kind kind, std::string text) {
    fields_[name].emplace_back(kind, std::move(text));
    return *this;
  }
  MapSource& Str(const std::string& name, std::string text) {
    return Add(name, Kind::kString, std::move(text));
  }
  MapSource& Num(const std::string& name, std::string text) {
    return Add(name, Kind::kNumber, std::move(text));
  }
  MapSource& Null(const std::string& name) { return Add(name, Kind::kNull, "null"); }
  MapSource& Keyword(std::string text) {
    keywords_.push_back(std::move(text));
    return *this;
  }

  void Get(std::string_view name, std::vector<FieldValue>* out) const override {
    const auto it = fields_.find(std::string(name));
    if (it == fields_.end()) return;
    for (const auto& [kind, text] : it->second) out->push_back(FieldValue{kind, text});
  }
  void KeywordTexts(std::vector<std::string_view>* out) const override {
    for (const std::string& k : keywords_) out->push_back(k);
  }

 private:
  std::map<std::string, std::vector<std::pair<Kind, std::string>>> fields_;
  std::vector<std::string> keywords_;
};

// The detection map parsed from `text` (yaml::Parse must accept it).
yaml::Document Parsed(const std::string& text, const std::string& name = "t.yml") {
  Result<yaml::Document> doc = yaml::Parse(text, name);
  if (!doc) FAIL(doc.error().ToString());
  return std::move(doc).value();
}

Detection Compile(const std::string& yaml, const FieldMapper& mapper = nullptr) {
  const yaml::Document doc = Parsed(yaml);
  Result<Detection> d = CompileDetection(doc.root(), "t.yml", mapper);
  if (!d) FAIL(d.error().message);
  return std::move(d).value();
}

std::string CompileError(const std::string& yaml) {
  const yaml::Document doc = Parsed(yaml);
  Result<Detection> d = CompileDetection(doc.root(), "t.yml", nullptr);
  REQUIRE_FALSE(d.has_value());
  CHECK(d.error().code == ErrorCode::kBadInput);
  return d.error().message;
}

// One-field detection: `sel: {KEY: VALUE}`, condition sel.
Detection One(const std::string& key, const std::string& value) {
  return Compile("sel:\n  " + key + ": " + value + "\ncondition: sel\n");
}

bool Hit(const Detection& d, const std::string& field, const std::string& text,
         Kind kind = Kind::kString) {
  return d.Matches(MapSource().Add(field, kind, text));
}

TEST_CASE("Detection ANDs the fields of a map and ORs value lists and lists of maps",
          "[detection]") {
  const Detection map = Compile("sel:\n  a: x\n  b: [y, z]\ncondition: sel\n");
  CHECK(map.Matches(MapSource().Str("a", "x").Str("b", "z")));
  CHECK_FALSE(map.Matches(MapSource().Str("a", "x").Str("b", "w")));
  CHECK_FALSE(map.Matches(MapSource().Str("a", "q").Str("b", "y")));
  CHECK(map.fields() == std::vector<std::string>{"a", "b"});

  const Detection lom = Compile("sel:\n  - a: x\n  - b: y\ncondition: sel\n");
  CHECK(lom.Matches(MapSource().Str("b", "y")));
  CHECK(lom.Matches(MapSource().Str("a", "X")));
  CHECK_FALSE(lom.Matches(MapSource().Str("a", "y")));
}

TEST_CASE("Detection maps field names through the mapper", "[detection]") {
  const Detection d =
      Compile("sel:\n  Image|endswith: '\\cmd.exe'\ncondition: sel\n", [](std::string_view n) {
        return n == "Image" ? std::string("NewProcessName") : std::string(n);
      });
  CHECK(d.fields() == std::vector<std::string>{"NewProcessName"});
  CHECK(d.Matches(MapSource().Str("NewProcessName", "C:\\Windows\\System32\\CMD.EXE")));
  CHECK_FALSE(d.Matches(MapSource().Str("Image", "C:\\Windows\\System32\\cmd.exe")));
}

TEST_CASE("Detection keywords match anywhere in any keyword text, case-insensitively",
          "[detection]") {
  const Detection d =
      Compile("keywords:\n  - ' denied AXFR from '\n  - 'Trojan*FOUND'\ncondition: keywords\n");
  CHECK(
      d.Matches(MapSource().Keyword("x").Keyword("named[1]: client 1.2.3.4: DENIED axfr from y")));
  CHECK(d.Matches(MapSource().Keyword("/tmp/a: Win.Trojan.Agent FOUND")));
  CHECK_FALSE(d.Matches(MapSource().Keyword("denied AXFR from")));  // spaces are kept
  CHECK_FALSE(d.Matches(MapSource().Str("msg", "denied AXFR from")));
  const Detection scalar = Compile("kw: needle\ncondition: kw\n");
  CHECK(scalar.Matches(MapSource().Keyword("haystack NEEDLE haystack")));
}

TEST_CASE("Detection values are case-insensitive unless cased", "[detection]") {
  CHECK(Hit(One("a", "'Admin$'"), "a", "ADMIN$"));
  CHECK_FALSE(Hit(One("a", "'Admin$'"), "a", "ADMIN$x"));
  CHECK(Hit(One("a|cased", "'Admin$'"), "a", "Admin$"));
  CHECK_FALSE(Hit(One("a|cased", "'Admin$'"), "a", "ADMIN$"));
  CHECK_FALSE(Hit(One("a|contains|cased", "'min'"), "a", "ADMIN$"));
  CHECK(Hit(One("a|contains|cased", "'min'"), "a", "Admin$"));
}

TEST_CASE("Detection wildcards, ? and backslash escapes", "[detection]") {
  CHECK(Hit(One("a", "'a*c'"), "a", "abbbc"));
  CHECK(Hit(One("a", "'a*c'"), "a", "ac"));
  CHECK_FALSE(Hit(One("a", "'a*c'"), "a", "abcd"));
  CHECK(Hit(One("a", "'a?c'"), "a", "abc"));
  CHECK(Hit(One("a", "'a?c'"), "a",
            "a\xC3\xA9"
            "c"));  // ? is one UTF-8 character
  CHECK_FALSE(Hit(One("a", "'a?c'"), "a", "ac"));
  CHECK_FALSE(Hit(One("a", "'a?c'"), "a", "abbc"));
  // '\\\\\*\\IPC$' in single quotes is the literal \\*\IPC$.
  const Detection ipc = One("ShareName", "'\\\\\\\\\\*\\\\IPC$'");
  CHECK(Hit(ipc, "ShareName", "\\\\*\\IPC$"));
  CHECK(Hit(ipc, "ShareName", "\\\\*\\ipc$"));
  CHECK_FALSE(Hit(ipc, "ShareName", "\\\\SERVER\\IPC$"));
  // \? is a literal ?, a lone backslash is literal, \\x00 is the text \x00.
  CHECK(Hit(One("a", "'what\\?'"), "a", "what?"));
  CHECK_FALSE(Hit(One("a", "'what\\?'"), "a", "whatx"));
  CHECK(Hit(One("a", "'C:\\Windows\\'"), "a", "c:\\windows\\"));
  CHECK(Hit(One("a|endswith", "'\\\\x00'"), "a", "abc\\x00"));
  // ' ?:\\\*.' is: space, any character, ':\', a literal '*', '.'.
  const Detection rar = One("a|contains", "' ?:\\\\\\*.'");
  CHECK(Hit(rar, "a", "rar a x.rar c:\\*.doc"));
  CHECK_FALSE(Hit(rar, "a", "rar a x.rar c:\\x.doc"));
}

TEST_CASE("Detection compares numbers and strings by value", "[detection]") {
  const Detection port = One("DestPort", "[5985, 5986]");
  CHECK(Hit(port, "DestPort", "5985"));
  CHECK(Hit(port, "DestPort", "5986", Kind::kNumber));
  CHECK(Hit(port, "DestPort", "5985.0", Kind::kNumber));
  CHECK_FALSE(Hit(port, "DestPort", "59850"));
  CHECK_FALSE(Hit(port, "DestPort", "5987"));
  CHECK(Hit(One("Port", "'88'"), "Port", "88", Kind::kNumber));
  CHECK(Hit(One("T", "'0x17'"), "T", "0x17"));
  CHECK_FALSE(Hit(One("T", "'0x17'"), "T", "23"));  // hex is text, not a number
  CHECK(Hit(One("S", "'0xC0000072'"), "S", "0xc0000072"));
  CHECK(Hit(One("rejected", "'true'"), "rejected", "true", Kind::kBool));
  CHECK(Hit(One("rejected", "true"), "rejected", "true", Kind::kBool));
  CHECK_FALSE(Hit(One("rejected", "'true'"), "rejected", "false", Kind::kBool));
}

TEST_CASE("Detection null matches missing or JSON null; '' matches only an empty string",
          "[detection]") {
  for (const char* null_text : {"null", "~", ""}) {
    const Detection d = One("f", null_text);
    CHECK(d.Matches(MapSource()));
    CHECK(d.Matches(MapSource().Null("f")));
    CHECK_FALSE(d.Matches(MapSource().Str("f", "")));
    CHECK_FALSE(d.Matches(MapSource().Str("f", "x")));
  }
  const Detection empty = One("f", "''");
  CHECK(empty.Matches(MapSource().Str("f", "")));
  CHECK_FALSE(empty.Matches(MapSource()));
  CHECK_FALSE(empty.Matches(MapSource().Null("f")));
  CHECK_FALSE(empty.Matches(MapSource().Str("f", "-")));
  // A missing field fails every other comparison, so `not` of it holds.
  const Detection z = Compile("z:\n  Z: 0\ncondition: not z\n");
  CHECK(z.Matches(MapSource()));
  CHECK_FALSE(z.Matches(MapSource().Num("Z", "0")));
}

TEST_CASE("Detection matches an array if any element matches, and objects as raw JSON",
          "[detection]") {
  const Detection d = One("resp_mime_types|contains", "'dosexec'");
  CHECK(d.Matches(MapSource()
                      .Str("resp_mime_types", "text/plain")
                      .Str("resp_mime_types", "application/x-dosexec")));
  CHECK_FALSE(d.Matches(MapSource().Str("resp_mime_types", "text/plain")));
  const Detection all = One("a|contains|all", "['x', 'y']");
  CHECK(all.Matches(MapSource().Str("a", "1x").Str("a", "2y")));
  CHECK_FALSE(all.Matches(MapSource().Str("a", "1x")));
  const Detection obj = One("responseElements|contains", "'Failure'");
  CHECK(obj.Matches(
      MapSource().Add("responseElements", Kind::kObject, R"({"exportTask":{"state":"failure"}})")));
  CHECK_FALSE(obj.Matches(MapSource().Add("responseElements", Kind::kObject, R"({"a":1})")));
  const Detection any = One("errorCode|contains", "'*'");
  CHECK(any.Matches(MapSource().Str("errorCode", "AccessDenied")));
  CHECK_FALSE(any.Matches(MapSource()));
}

TEST_CASE("Detection contains, startswith, endswith and all", "[detection]") {
  CHECK(Hit(One("a|contains", "'B'"), "a", "abc"));
  CHECK_FALSE(Hit(One("a|contains", "'d'"), "a", "abc"));
  CHECK(Hit(One("a|startswith", "'AB'"), "a", "abc"));
  CHECK_FALSE(Hit(One("a|startswith", "'bc'"), "a", "abc"));
  CHECK(Hit(One("a|endswith", "'BC'"), "a", "abc"));
  CHECK_FALSE(Hit(One("a|endswith", "'ab'"), "a", "abc"));
  CHECK(Hit(One("a|startswith", "'a*c'"), "a", "abcdef"));  // inner wildcard stays one
  const Detection all = One("a|contains|all", "[' -hp', ' -r ']");
  CHECK(Hit(all, "a", "rar a -hpX -r x"));
  CHECK_FALSE(Hit(all, "a", "rar a -hpX x"));
  const Detection plain_all = One("a|all", "[x, y]");
  CHECK_FALSE(Hit(plain_all, "a", "x"));
}

TEST_CASE("Detection condition precedence: not > and > or, with parentheses", "[detection]") {
  const std::string searches = "a: {fa: 1}\nb: {fb: 1}\nc: {fc: 1}\n";
  auto eval = [&](const std::string& cond, bool a, bool b, bool c) {
    MapSource s;
    if (a) s.Num("fa", "1");
    if (b) s.Num("fb", "1");
    if (c) s.Num("fc", "1");
    return Compile(searches + "condition: " + cond + "\n").Matches(s);
  };
  CHECK(eval("a or b and c", true, false, false));  // a or (b and c)
  CHECK_FALSE(eval("(a or b) and c", true, false, false));
  CHECK(eval("not a and b", false, true, false));  // (not a) and b
  CHECK_FALSE(eval("not (a and b) or c", true, true, false));
  CHECK(eval("not not a", true, false, false));
  CHECK(eval("a and not b and not c", true, false, false));
  CHECK_FALSE(eval("a and not b and not c", true, false, true));
  // A list of conditions is their `or`.
  const Detection list = Compile(searches + "condition:\n  - a and b\n  - c\n");
  CHECK(list.Matches(MapSource().Num("fc", "1")));
  CHECK_FALSE(list.Matches(MapSource().Num("fa", "1")));
}

TEST_CASE("Detection refuses a condition nested deeper than 100 levels", "[detection]") {
  // The parser and the evaluation recurse per level: 200,000 parentheses or `not`s in a rule
  // file overflowed the stack (SIGSEGV in correlate) before this limit.
  auto nested = [](const std::string& open, const std::string& close, int n) {
    std::string c;
    for (int i = 0; i < n; ++i) c += open;
    c += "sel";
    for (int i = 0; i < n; ++i) c += close;
    return "sel: {a: 1}\ncondition: " + c + "\n";
  };
  const std::string too_deep =
      "t.yml:2: condition nested deeper than 100 levels of parentheses and 'not'";
  CHECK(CompileError(nested("(", ")", 200000)) == too_deep);
  CHECK(CompileError(nested("not ", "", 200000)) == too_deep);
  CHECK(CompileError(nested("(not ", ")", 51)) == too_deep);
  CHECK(Compile(nested("(", ")", 100)).Matches(MapSource().Num("a", "1")));
  CHECK_FALSE(Compile(nested("not ", "", 99)).Matches(MapSource().Num("a", "1")));
}

TEST_CASE("Detection 1 of / all of patterns and them", "[detection]") {
  std::string ops;
  for (int i = 1; i <= 10; ++i)
    ops += "op" + std::to_string(i) + ": {f: v" + std::to_string(i) + "}\n";
  const Detection one = Compile(ops + "condition: 1 of op*\n");
  CHECK(one.Matches(MapSource().Str("f", "v10")));
  CHECK(one.Matches(MapSource().Str("f", "v1")));
  CHECK_FALSE(one.Matches(MapSource().Str("f", "v11")));

  const std::string s = "sel_a: {a: 1}\nsel_b: {b: 1}\n_hidden: {h: 1}\n";
  const Detection all_them = Compile(s + "condition: all of them\n");
  CHECK(all_them.Matches(MapSource().Num("a", "1").Num("b", "1")));  // _hidden excluded
  CHECK_FALSE(all_them.Matches(MapSource().Num("a", "1")));
  const Detection one_them = Compile(s + "condition: 1 of them\n");
  CHECK(one_them.Matches(MapSource().Num("b", "1")));
  CHECK_FALSE(one_them.Matches(MapSource().Num("h", "1")));
  const Detection all_sel = Compile(s + "condition: all of sel_*\n");
  CHECK_FALSE(all_sel.Matches(MapSource().Num("b", "1")));
  // `selection*` has no underscore: it matches selection1 and selection_x alike.
  const Detection sel =
      Compile("selection1: {a: 1}\nselection_x: {b: 1}\ncondition: 1 of selection*\n");
  CHECK(sel.Matches(MapSource().Num("b", "1")));
  // Identifiers may be named like reserved keys.
  const Detection reserved = Compile(
      "keyword: {a: 1}\nfalsepositives: ['/syslog.']\ncondition: keyword and not falsepositives\n");
  CHECK(reserved.Matches(MapSource().Num("a", "1").Keyword("rm /var/log/syslog")));
  CHECK_FALSE(reserved.Matches(MapSource().Num("a", "1").Keyword("rm /var/log/syslog.1")));
}

TEST_CASE("Detection re modifier with i, m and s", "[detection]") {
  const Detection re = One("w|re", "'^[A-Za-z0-9]{16}$'");
  CHECK(Hit(re, "w", "ABCDEFGHijklmnop"));
  CHECK_FALSE(Hit(re, "w", "WORKSTATION5"));
  CHECK(Hit(One("a|re", "'assumed-role/aws:'"), "a", "arn:aws:sts::1:assumed-role/aws:x"));
  CHECK_FALSE(Hit(One("a|re", "'Admin'"), "a", "admin"));  // case-sensitive by default
  CHECK(Hit(One("a|re|i", "'Admin'"), "a", "xadminx"));
  CHECK_FALSE(Hit(One("a|re", "'^b$'"), "a", "a\nb\nc"));
  CHECK(Hit(One("a|re|m", "'^b$'"), "a", "a\nb\nc"));
  CHECK_FALSE(Hit(One("a|re", "'a.c'"), "a", "a\nc"));
  CHECK(Hit(One("a|re|s", "'a.c'"), "a", "a\nc"));
  CHECK_FALSE(Hit(One("a|re|s", "'a[.]c'"), "a", "a\nc"));  // '.' in a class stays literal
  CHECK(Hit(One("a|re", "'(?i)^admin$'"), "a", "ADMIN"));   // inline flags, as SigmaHQ writes
  CHECK(Hit(One("a|re", "'^\\d{3}-\\w+\\s$'"), "a", "123-ab_c "));
  CHECK(CompileError("sel:\n  a|re: '(['\ncondition: sel\n").rfind("t.yml:2: bad regular", 0) == 0);
}

TEST_CASE("Detection re refuses what cannot run in linear time, and huge counts", "[detection]") {
  auto error = [](const std::string& re) {
    return CompileError("sel:\n  a|re: '" + re + "'\ncondition: sel\n");
  };
  // fuzz_rule_loader found libstdc++'s std::regex overflowing a `long` on this count
  // (undefined behaviour). RE2 reads a count it cannot parse as literal text, as Perl does.
  CHECK(Hit(One("a|re", "'^a{4444444444444444444}$'"), "a", "a{4444444444444444444}"));
  CHECK(error("a{1001}").find("invalid repetition size: {1001}") != std::string::npos);
  CHECK(Hit(One("a|re", "'^a{1000}$'"), "a", std::string(1000, 'a')));
  // Back-references and look-around need backtracking: refused, with RE2's reason.
  CHECK(error("(a)\\1").find("invalid escape sequence: \\1") != std::string::npos);
  CHECK(error("a(?=b)").find("invalid perl operator: (?=") != std::string::npos);
  CHECK(error("\xff").find("invalid UTF-8") != std::string::npos);
}

TEST_CASE("Detection re matches values of any size in linear time", "[detection]") {
  // Log values are the attacker's. libstdc++'s std::regex recursed once per character and
  // crashed (SIGSEGV) on a value of about 30 KB even for '.*c'; '^(a+)+$' on a near miss
  // backtracks exponentially. With RE2 each is one pass.
  const std::string big(1000000, 'a');
  CHECK_FALSE(Hit(One("a|re", "'.*c'"), "a", big));
  CHECK(Hit(One("a|re", "'(a|b)*$'"), "a", big));
  CHECK_FALSE(Hit(One("a|re", "'^(a+)+$'"), "a", big + "!"));
  CHECK(Hit(One("a|re|s", "'^.*$'"), "a", big + "\n" + big));
  // The built-in EC2-role rule's pattern on a 1 MB ARN (one CloudTrail record crashed
  // `vigil correlate` with it).
  const Detection ec2 = One("arn|re", "':assumed-role/[^/]+/i-[0-9a-f]{8,17}$'");
  CHECK(Hit(ec2, "arn", "arn:aws:sts::1:assumed-role/" + big + "/i-0123456789abcdef0"));
  CHECK_FALSE(Hit(ec2, "arn", "arn:aws:sts::1:assumed-role/" + big + "/x-0123456789abcdef0"));
}

TEST_CASE("Detection cidr matches IPv4, IPv6 and IPv4-mapped IPv6", "[detection]") {
  const Detection d = One("ip|cidr", "['10.0.0.0/8', '172.16.0.0/12', 'fc00::/7', '::1/128']");
  CHECK(Hit(d, "ip", "10.1.2.3"));
  CHECK(Hit(d, "ip", "172.31.255.255"));
  CHECK_FALSE(Hit(d, "ip", "172.32.0.1"));
  CHECK(Hit(d, "ip", "::ffff:10.1.2.3"));
  CHECK(Hit(d, "ip", "::ffff:172.18.39.5"));
  CHECK_FALSE(Hit(d, "ip", "::ffff:8.8.8.8"));
  CHECK(Hit(d, "ip", "fd12:3456::1"));
  CHECK(Hit(d, "ip", "::1"));
  CHECK_FALSE(Hit(d, "ip", "2001:db8::1"));
  CHECK_FALSE(Hit(d, "ip", "-"));
  CHECK_FALSE(Hit(d, "ip", "10.1.2.3.4"));
  // The IPv4 fast path reads exactly what inet_pton reads: four decimal parts of at most
  // 255, no leading zeros, nothing else.
  for (const char* bad : {"010.1.2.3", "10.1.2", "10.1.2.", ".10.1.2", "10..1.2", "10.1.2.256",
                          "10.1.2.3 ", "10.1.2.3x", "1e1.1.2.3"}) {
    INFO(bad);
    CHECK_FALSE(Hit(d, "ip", bad));
  }
  CHECK(Hit(d, "ip", "10.0.0.0"));
  CHECK(Hit(d, "ip", "10.255.255.255"));
  // One address tested against several lists in a row (the parse is cached per text).
  CHECK(Hit(d, "ip", "172.16.0.1"));
  CHECK_FALSE(Hit(d, "ip", "172.15.0.1"));
  CHECK(Hit(One("ip|cidr", "'192.168.1.77/24'"), "ip", "192.168.1.5"));
  CHECK(CompileError("sel:\n  ip|cidr: '10.0.0.0/33'\ncondition: sel\n") ==
        "t.yml:2: bad cidr value '10.0.0.0/33'");
}

TEST_CASE("Detection windash accepts - / and the Unicode dashes", "[detection]") {
  const Detection d = One("CommandLine|contains|windash", "' -all'");
  CHECK(Hit(d, "CommandLine", "whoami -all"));
  CHECK(Hit(d, "CommandLine", "whoami /ALL"));
  CHECK(Hit(d, "CommandLine",
            "whoami \xE2\x80\x93"
            "all"));  // en dash
  CHECK(Hit(d, "CommandLine",
            "whoami \xE2\x80\x94"
            "all"));  // em dash
  CHECK(Hit(d, "CommandLine",
            "whoami \xE2\x80\x95"
            "all"));  // horizontal bar
  CHECK_FALSE(Hit(d, "CommandLine", "whoami +all"));
  CHECK_FALSE(Hit(d, "CommandLine", "whoami all"));
}

TEST_CASE("Detection base64offset finds a value at all three offsets", "[detection]") {
  const Detection d = One("CommandLine|base64offset|contains", "'IEX (New-Object'");
  // base64 of "", "x", "xy" followed by IEX (New-Object Net.WebClient).DownloadString(...).
  CHECK(
      Hit(d, "CommandLine",
          "powershell -enc SUVYIChOZXctT2JqZWN0IE5ldC5XZWJDbGllbnQpLkRvd25sb2FkU3RyaW5nKCdodHRw"));
  CHECK(
      Hit(d, "CommandLine",
          "powershell -enc eElFWCAoTmV3LU9iamVjdCBOZXQuV2ViQ2xpZW50KS5Eb3dubG9hZFN0cmluZygnaHR0"));
  CHECK(
      Hit(d, "CommandLine",
          "powershell -enc eHlJRVggKE5ldy1PYmplY3QgTmV0LldlYkNsaWVudCkuRG93bmxvYWRTdHJpbmcoJ2h0"));
  CHECK_FALSE(Hit(d, "CommandLine", "powershell -enc SUVYIChOZXctT2JqZWM="));  // "IEX (New-Objec"
  CHECK_FALSE(Hit(d, "CommandLine", "powershell IEX (New-Object"));

  const Detection wide = One("c|wide|base64offset|contains", "'IEX (New-Object'");
  CHECK(Hit(wide, "c", "SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAuAFcA"));
  CHECK(Hit(wide, "c", "eABJAEUAWAAgACgATgBlAHcALQBPAGIAagBlAGMAdAAgAE4AZQB0AC4A"));
  CHECK(Hit(wide, "c", "eAB5AEkARQBYACAAKABOAGUAdwAtAE8AYgBqAGUAYwB0ACAATgBlAHQALgBX"));
  CHECK_FALSE(Hit(wide, "c", "SUVYIChOZXctT2JqZWN0IE5ldC5XZWJDbGllbnQp"));
}

TEST_CASE("Detection base64 and the utf16 encodings", "[detection]") {
  CHECK(Hit(One("c|base64", "'whoami /all'"), "c", "d2hvYW1pIC9hbGw="));
  CHECK_FALSE(Hit(One("c|base64", "'whoami /all'"), "c", "D2HVYW1PIC9HBGW="));  // base64 is cased
  CHECK(Hit(One("c|base64|contains", "'whoami /all'"), "c", "x d2hvYW1pIC9hbGw= y"));
  CHECK(Hit(One("c|utf16|base64", "'iex'"), "c", "//5pAGUAeAA="));
  CHECK(Hit(One("c|utf16be|base64", "'iex'"), "c", "AGkAZQB4"));
  CHECK(CompileError("sel:\n  c|wide: 'x'\ncondition: sel\n") ==
        "t.yml:2: modifier 'wide' needs 'base64' or 'base64offset' after it");
}

TEST_CASE("Detection gt, gte, lt and lte compare numerically", "[detection]") {
  CHECK(Hit(One("n|gt", "10"), "n", "11", Kind::kNumber));
  CHECK_FALSE(Hit(One("n|gt", "10"), "n", "10", Kind::kNumber));
  CHECK(Hit(One("n|gte", "10"), "n", "10"));
  CHECK_FALSE(Hit(One("n|gte", "10"), "n", "9.5"));
  CHECK(Hit(One("n|lt", "'1.5'"), "n", "-3", Kind::kNumber));
  CHECK_FALSE(Hit(One("n|lt", "10"), "n", "100"));
  CHECK(Hit(One("n|lte", "10"), "n", "10"));
  CHECK_FALSE(Hit(One("n|lte", "10"), "n", "abc"));
  CHECK_FALSE(One("n|lte", "10").Matches(MapSource()));
  CHECK(CompileError("sel:\n  n|gt: abc\ncondition: sel\n") ==
        "t.yml:2: value 'abc' of gt/gte/lt/lte is not a number");
}

TEST_CASE("Detection exists tests presence", "[detection]") {
  const Detection yes = One("errorCode|exists", "true");
  const Detection no = One("errorCode|exists", "false");
  CHECK(yes.Matches(MapSource().Str("errorCode", "")));
  CHECK_FALSE(yes.Matches(MapSource()));
  CHECK_FALSE(yes.Matches(MapSource().Null("errorCode")));
  CHECK(no.Matches(MapSource()));
  CHECK_FALSE(no.Matches(MapSource().Str("errorCode", "x")));
  CHECK(CompileError("sel:\n  a|exists: maybe\ncondition: sel\n") ==
        "t.yml:2: 'a|exists' needs true or false");
}

TEST_CASE("Detection fieldref compares two fields by value, case-insensitively", "[detection]") {
  const Detection d = One("SubjectUserName|fieldref", "TargetUserName");
  CHECK(d.fields() == std::vector<std::string>{"SubjectUserName", "TargetUserName"});
  CHECK(d.Matches(MapSource().Str("SubjectUserName", "Alice").Str("TargetUserName", "alice")));
  CHECK_FALSE(d.Matches(MapSource().Str("SubjectUserName", "alice").Str("TargetUserName", "bob")));
  CHECK_FALSE(d.Matches(MapSource().Str("SubjectUserName", "alice")));
  CHECK(d.Matches(MapSource().Str("SubjectUserName", "5").Num("TargetUserName", "5.0")));
  const Detection ends = One("arn|fieldref|endswith", "user");
  CHECK(ends.Matches(MapSource().Str("arn", "arn:aws:iam::1:user/Bob").Str("user", "bob")));
  CHECK_FALSE(ends.Matches(MapSource().Str("arn", "arn:aws:iam::1:user/Bob").Str("user", "al")));
}

TEST_CASE("Detection is movable and keeps working after a move", "[detection]") {
  Detection a = One("a", "x");
  Detection b = std::move(a);
  CHECK(b.Matches(MapSource().Str("a", "X")));
  Detection c = One("c", "y");
  c = std::move(b);
  CHECK(c.Matches(MapSource().Str("a", "x")));
  CHECK(c.fields() == std::vector<std::string>{"a"});
}

TEST_CASE("CompileDetection refuses what it does not support, with file and line", "[detection]") {
  // issue 21: expand is supported; a placeholder nobody defined is refused.
  CHECK(CompileError("sel:\n  a: 1\n  b|expand: '%x%'\ncondition: sel\n") ==
        "t.yml:3: unknown placeholder '%x%'");
  CHECK(CompileError("sel:\n  a|frobnicate: 1\ncondition: sel\n") ==
        "t.yml:2: unsupported modifier 'frobnicate'");
  CHECK(CompileError("sel:\n  a: 1\n\ncondition: sel | count(b) by c > 3\n") ==
        "t.yml:4: unsupported v1 aggregation in condition; write a Sigma correlation rule");
  CHECK(CompileError("sel:\n  a: 1\ntimeframe: 5m\ncondition: sel\n") ==
        "t.yml:3: unsupported v1 'timeframe'; write a Sigma correlation rule");
  // Both (as in SigmaHQ's unsupported/ rules): the aggregation is what needs rewriting.
  CHECK(CompileError("sel:\n  a: 1\ntimeframe: 5m\ncondition: sel | count(b) by c > 3\n") ==
        "t.yml:4: unsupported v1 aggregation in condition; write a Sigma correlation rule");
  CHECK(CompileError("sel:\n  a: 1\ncondition: sel and other\n") ==
        "t.yml:3: unknown search identifier 'other' in condition");
  CHECK(CompileError("sel: []\ncondition: sel\n") ==
        "t.yml:1: search identifier 'sel' has an empty list");
  CHECK(CompileError("sel:\n  a: []\ncondition: sel\n") == "t.yml:2: empty value list for 'a'");
  CHECK(CompileError("sel:\n  a: 1\ncondition: 1 of x*\n") ==
        "t.yml:3: '1 of x*' matches no search identifier");
  CHECK(CompileError("sel:\n  a: 1\ncondition: (sel\n") == "t.yml:3: missing ')'");
  CHECK(CompileError("sel:\n  a: 1\ncondition: sel and\n") == "t.yml:3: condition ends too early");
  CHECK(CompileError("sel:\n  a: 1\n") == "t.yml:1: detection has no condition");
  CHECK(CompileError("sel:\n  a|contains|re: x\ncondition: sel\n") ==
        "t.yml:2: modifiers 'contains' and 're' cannot be combined");
}

// ---- The real SigmaHQ rules in /work/shared/data/sigma (README.md §1, §4). ----

std::string RulesDir() { return std::string(VIGIL_SOURCE_DIR) + "/../shared/data/sigma/rules"; }

Detection RealRule(const std::string& relative) {
  const std::string path = RulesDir() + "/" + relative;
  Result<std::string> text = ReadFile(path, 1 << 20);
  REQUIRE(text.has_value());
  const yaml::Document doc = Parsed(*text, path);
  Result<Detection> d = CompileDetection(doc.root()["detection"], path, nullptr);
  if (!d) FAIL(d.error().message);
  return std::move(d).value();
}

TEST_CASE("CompileDetection compiles every real SigmaHQ rule", "[detection]") {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(RulesDir(), ec)) {
    WARN("skipped: no " << RulesDir());
    return;
  }
  int compiled = 0;
  for (const auto& entry : fs::recursive_directory_iterator(RulesDir(), ec)) {
    if (entry.path().extension() != ".yml") continue;
    Result<std::string> text = ReadFile(entry.path().string(), 1 << 20);
    REQUIRE(text.has_value());
    for (const yaml::DocumentText& part : yaml::SplitDocuments(*text)) {
      const yaml::Document doc = Parsed(std::string(part.text), entry.path().string());
      if (!doc.root()["detection"]) continue;
      INFO(entry.path().string());
      Result<Detection> d = CompileDetection(doc.root()["detection"], entry.path().string(),
                                             [](std::string_view n) { return std::string(n); });
      if (!d)
        FAIL_CHECK(d.error().message);
      else
        ++compiled;
    }
  }
  CHECK(compiled == 45);
}

TEST_CASE("Real rules behave as README.md pins them", "[detection]") {
  if (!std::filesystem::is_directory(RulesDir())) {
    WARN("skipped: no " << RulesDir());
    return;
  }
  const std::string sec = "windows/builtin/security/";
  SECTION("5156 with string DestPort \"5985\" is a remote PowerShell session") {
    const Detection d = RealRule(sec + "win_security_remote_powershell_session.yml");
    MapSource e;
    e.Num("EventID", "5156").Str("DestPort", "5985").Str("LayerRTID", "44");
    CHECK(d.Matches(e));
    CHECK_FALSE(d.Matches(
        MapSource().Num("EventID", "5156").Str("DestPort", "443").Str("LayerRTID", "44")));
  }
  SECTION("lower-case lsass path is filtered from outbound Kerberos") {
    const Detection d = RealRule(sec + "win_security_susp_outbound_kerberos_connection.yml");
    auto event = [](const std::string& app) {
      MapSource e;
      e.Num("EventID", "5156").Str("DestPort", "88").Str("Application", app);
      return e;
    };
    CHECK_FALSE(d.Matches(event("\\device\\harddiskvolume2\\windows\\system32\\lsass.exe")));
    CHECK(d.Matches(event("\\device\\harddiskvolume2\\users\\x\\rubeus.exe")));
  }
  SECTION("kerberoasting skips krbtgt, $ services and machine accounts") {
    const Detection d = RealRule(sec + "win_security_kerberoasting_activity.yml");
    auto event = [](const std::string& service, const std::string& user, const std::string& type) {
      MapSource e;
      e.Num("EventID", "4769")
          .Str("Status", "0x0")
          .Str("TicketEncryptionType", type)
          .Str("ServiceName", service)
          .Str("TargetUserName", user);
      return e;
    };
    CHECK(d.Matches(event("sysmonsvc", "pgustavo@THESHIRE.LOCAL", "0x17")));
    CHECK_FALSE(d.Matches(event("sysmonsvc", "pgustavo@THESHIRE.LOCAL", "0x12")));
    CHECK_FALSE(d.Matches(event("KRBTGT", "pgustavo@THESHIRE.LOCAL", "0x17")));
    CHECK_FALSE(d.Matches(event("MORDORDC$", "pgustavo@THESHIRE.LOCAL", "0x17")));
    CHECK_FALSE(d.Matches(event("sysmonsvc", "WORKSTATION5$@THESHIRE.LOCAL", "0x17")));
  }
  SECTION("secretsdump near miss: path and .tmp without SYSTEM32\\ does not fire") {
    const Detection d = RealRule("network/zeek/zeek_smb_converted_win_impacket_secretdump.yml");
    CHECK_FALSE(d.Matches(
        MapSource().Str("path", "\\\\10.47.21.82\\ADMIN$").Str("name", "Temp\\wdszAPrV.tmp")));
    CHECK(d.Matches(
        MapSource().Str("path", "\\\\10.47.21.82\\ADMIN$").Str("name", "SYSTEM32\\wdszAPrV.tmp")));
  }
  SECTION("named pipe rule: the escaped \\\\*\\IPC$ share with srvsvc is allow-listed") {
    const Detection d = RealRule(sec + "win_security_lm_namedpipe.yml");
    MapSource e;
    e.Num("EventID", "5145").Str("ShareName", "\\\\*\\IPC$").Str("RelativeTargetName", "srvsvc");
    CHECK_FALSE(d.Matches(e));
    MapSource odd;
    odd.Num("EventID", "5145").Str("ShareName", "\\\\*\\IPC$").Str("RelativeTargetName", "evil");
    CHECK(d.Matches(odd));
  }
  SECTION("PurpleSharp image matches only case-insensitively") {
    const Detection d =
        RealRule("windows/process_creation/proc_creation_win_hktl_purplesharp_indicators.yml");
    CHECK(d.Matches(MapSource().Str("Image", "C:\\Users\\pgustavo\\Downloads\\PurpleSharp.exe")));
  }
  SECTION("zbit: a missing Z makes `not z_flag_unset` true") {
    const Detection d = RealRule("network/zeek/zeek_dns_susp_zbit_flag.yml");
    CHECK_FALSE(d.Matches(MapSource().Num("Z", "0").Str("query", "example.com")));
    CHECK(d.Matches(MapSource().Str("query", "example.com")));
    CHECK(d.Matches(MapSource().Num("Z", "1").Str("query", "example.com")));
    CHECK_FALSE(d.Matches(MapSource().Num("Z", "1").Str("query", "1.0.0.10.in-addr.arpa")));
  }
  SECTION("whoami /all via windash and all of selection_main_*") {
    const Detection d =
        RealRule("windows/process_creation/proc_creation_win_whoami_all_execution.yml");
    CHECK(d.Matches(MapSource()
                        .Str("Image", "C:\\Windows\\System32\\whoami.exe")
                        .Str("CommandLine", "whoami.exe /ALL")));
    CHECK_FALSE(d.Matches(MapSource()
                              .Str("Image", "C:\\Windows\\System32\\whoami.exe")
                              .Str("CommandLine", "whoami.exe /groups")));
  }
  SECTION("Cobalt Strike service install: base64offset of the download cradle") {
    const Detection d = RealRule(sec + "win_security_cobaltstrike_service_installs.yml");
    const std::string b64 =
        "eCRzPUlFWCAoTmV3LU9iamVjdCBOZXQuV2ViY2xpZW50KS5Eb3dubG9hZFN0cmluZygnaHR0cDovLzEyNy4w"
        "LjAuMTo1MDM3MS8nKTsgSUVYICRz";
    CHECK(d.Matches(MapSource().Num("EventID", "4697").Str("ServiceFileName", b64)));
    CHECK_FALSE(d.Matches(MapSource().Num("EventID", "4624").Str("ServiceFileName", b64)));
    CHECK_FALSE(
        d.Matches(MapSource().Num("EventID", "4697").Str("ServiceFileName", "C:\\svc\\agent.exe")));
  }
  SECTION("bzar execution: 1 of op* reaches op10") {
    const Detection d = RealRule("network/zeek/zeek_dce_rpc_mitre_bzar_execution.yml");
    CHECK(d.Matches(MapSource().Str("endpoint", "svcctl").Str("operation", "StartServiceW")));
    CHECK_FALSE(
        d.Matches(MapSource().Str("endpoint", "svcctl").Str("operation", "OpenSCManagerW")));
  }
}

}  // namespace
}  // namespace vigil::correlate
