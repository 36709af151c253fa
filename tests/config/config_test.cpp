#include "config/config.h"

#include <catch2/catch.hpp>
#include <string>

#include "support/test_support.h"

namespace {

using vigil::ErrorCode;
using vigil::config::Config;
using vigil::config::LoadConfig;
using vigil::config::ParseConfig;

// 2026-11-16 00:00:00 UTC, a Monday.
constexpr int64_t kMonday = 1'794'787'200;

// UTC microseconds at `hour`:`minute` on the day `day` days after Monday 2026-11-16.
int64_t At(int day, int hour, int minute = 0) {
  return (kMonday + int64_t{day} * 86400 + hour * 3600 + minute * 60) * 1'000'000;
}

Config Parse(const std::string& text) {
  auto config = ParseConfig(text, "test.yml");
  REQUIRE(config.has_value());
  return *config;
}

// The error of a text that must be refused, as "where: message".
std::string Refusal(const std::string& text) {
  auto config = ParseConfig(text, "bad.yml");
  REQUIRE_FALSE(config.has_value());
  CHECK(config.error().code == ErrorCode::kUsage);
  return config.error().ToString();
}

const char kFull[] = R"(# vigil configuration
score:
  weights: {rule: 0.25, intensity: 0.1, outcome: 0.25, anomaly: 0.2, behaviour: 0.1, context: 0.1}
  bands: {medium: 30, high: 55, critical: 85}
  unincidented_event_cap: 45
assets:
  critical: [10.0.0.5, 10.1.0.0/16, "2001:db8::/32", dc-01, "db-*"]
accounts:
  privileged: [root, administrator, "admin*", 'CORP\svc_*']
work_hours: {start: 7, end: 19, days: [mon, tue, wed, thu, fri, sat], utc_offset: "+01:00"}
profiles: {min_events: 50, min_days: 7, rate_spike: 5.5}
alert:
  cooldown: 300
)";

TEST_CASE("Config defaults are the documented values", "[config]") {
  for (const std::string text : {"", "\n", "# only a comment\n", "---\n", "score:\n"}) {
    const Config c = Parse(text);
    CHECK(c.source == "test.yml");
    CHECK(c.weights.rule == 0.35);
    CHECK(c.weights.intensity == 0.15);
    CHECK(c.weights.outcome == 0.20);
    CHECK(c.weights.anomaly == 0.10);
    CHECK(c.weights.behaviour == 0.10);
    CHECK(c.weights.context == 0.10);
    CHECK(c.bands.medium == 30);
    CHECK(c.bands.high == 55);
    CHECK(c.bands.critical == 75);
    CHECK(c.critical_assets.empty());
    CHECK(c.privileged_accounts == std::vector<std::string>{"root", "administrator"});
    CHECK(c.work_hours.start_hour == 8);
    CHECK(c.work_hours.end_hour == 18);
    CHECK(c.work_hours.days == 0x1f);
    CHECK(c.work_hours.utc_offset_minutes == 0);
    CHECK(c.profiles.min_events == 20);
    CHECK(c.profiles.min_days == 3);
    CHECK(c.profiles.rate_spike == 4.0);
    CHECK(c.unincidented_event_cap == 45);
    CHECK(c.Digest() == Config{}.Digest());
  }
  CHECK(Config{}.source.empty());
}

TEST_CASE("Config reads every field of a full file", "[config]") {
  const Config c = Parse(kFull);
  CHECK(c.weights.rule == 0.25);
  CHECK(c.weights.intensity == 0.1);
  CHECK(c.weights.outcome == 0.25);
  CHECK(c.weights.anomaly == 0.2);
  CHECK(c.weights.behaviour == 0.1);
  CHECK(c.weights.context == 0.1);
  CHECK(c.bands.medium == 30);
  CHECK(c.bands.high == 55);
  CHECK(c.bands.critical == 85);
  CHECK(c.unincidented_event_cap == 45);
  CHECK(c.critical_assets ==
        std::vector<std::string>{"10.0.0.5", "10.1.0.0/16", "2001:db8::/32", "dc-01", "db-*"});
  CHECK(c.privileged_accounts ==
        std::vector<std::string>{"root", "administrator", "admin*", "CORP\\svc_*"});
  CHECK(c.work_hours.start_hour == 7);
  CHECK(c.work_hours.end_hour == 19);
  CHECK(c.work_hours.days == 0x3f);
  CHECK(c.work_hours.utc_offset_minutes == 60);
  CHECK(c.profiles.min_events == 50);
  CHECK(c.profiles.min_days == 7);
  CHECK(c.profiles.rate_spike == 5.5);
  CHECK(c.CanonicalText() ==
        "vigil-config 1\n"
        "score.weights.rule 0.25\nscore.weights.intensity 0.1\nscore.weights.outcome 0.25\n"
        "score.weights.anomaly 0.2\nscore.weights.behaviour 0.1\nscore.weights.context 0.1\n"
        "score.bands.medium 30\nscore.bands.high 55\nscore.bands.critical 85\n"
        "score.unincidented_event_cap 45\n"
        "assets.critical 10.0.0.5\nassets.critical 10.1.0.0/16\nassets.critical 2001:db8::/32\n"
        "assets.critical db-*\nassets.critical dc-01\n"
        "accounts.privileged admin*\naccounts.privileged administrator\n"
        "accounts.privileged corp\\svc_*\naccounts.privileged root\n"
        "work_hours.start 7\nwork_hours.end 19\nwork_hours.days mon,tue,wed,thu,fri,sat\n"
        "work_hours.utc_offset +01:00\n"
        "profiles.min_events 50\nprofiles.min_days 7\nprofiles.rate_spike 5.5\n");
}

TEST_CASE("Config refuses weights that do not sum to 1, at the weights' line", "[config]") {
  CHECK(Refusal("score:\n  weights: {rule: 0.30, intensity: 0.15, outcome: 0.20, anomaly: 0.15, "
                "behaviour: 0.10, context: 0.05}\n") ==
        "bad.yml:2: score.weights: the weights sum to 0.95, not 1");
  // Within 1e-6 is 1.
  Parse(
      "score:\n  weights: {rule: 0.3000004, intensity: 0.15, outcome: 0.20, anomaly: 0.15, "
      "behaviour: 0.10, context: 0.10}\n");
}

TEST_CASE("Config refuses weights that leave one out", "[config]") {
  CHECK(Refusal("score:\n  weights:\n    rule: 0.5\n    intensity: 0.15\n    outcome: 0.20\n"
                "    anomaly: 0.15\n") ==
        "bad.yml:3: score.weights: missing 'behaviour' (give all six: rule, intensity, outcome, "
        "anomaly, behaviour, context)");
  CHECK(Refusal("score:\n  weights: {rule: 1.5, intensity: 0, outcome: 0, anomaly: 0, "
                "behaviour: 0, context: 0}\n") ==
        "bad.yml:2: score.weights.rule: expected a number from 0 to 1, got '1.5'");
}

TEST_CASE("Config refuses an unknown key with its name and line", "[config]") {
  CHECK(Refusal("score:\n  bands: {medium: 40}\n  weigths: {rule: 1}\n") ==
        "bad.yml:3: score.weigths: unknown key (did you mean 'weights'?)");
  CHECK(Refusal("profiles:\n  min_events: 3\n\n  burst: 2\n") ==
        "bad.yml:4: profiles.burst: unknown key");
  CHECK(Refusal("assets:\n  critical: []\nacounts: {privileged: [root]}\n") ==
        "bad.yml:3: acounts: unknown key (did you mean 'accounts'?)");
  CHECK(Refusal("score:\n  weights: {rule: 0.3, intensity: 0.15, outcome: 0.2, anomaly: 0.15, "
                "behavior: 0.1, context: 0.1}\n") ==
        "bad.yml:2: score.weights.behavior: unknown key (did you mean 'behaviour'?)");
  CHECK(Refusal("work_hours: {start: 8, start: 9}\n") ==
        "bad.yml:1: work_hours.start: given twice (first at line 1)");
}

TEST_CASE("Config refuses bands out of order", "[config]") {
  CHECK(Refusal("score:\n  bands: {medium: 60, high: 60, critical: 80}\n") ==
        "bad.yml:2: score.bands: expected 0 < medium < high < critical <= 100, got medium 60, "
        "high 60, critical 80");
  CHECK(Refusal("score:\n  bands:\n    critical: 50\n") ==
        "bad.yml:3: score.bands: expected 0 < medium < high < critical <= 100, got medium 30, "
        "high 55, critical 50");
  CHECK(Refusal("score:\n  bands: {critical: 101}\n") ==
        "bad.yml:2: score.bands.critical: expected a whole number from 1 to 100, got '101'");
}

TEST_CASE("Config refuses bad addresses among the critical assets", "[config]") {
  CHECK(Refusal("assets:\n  critical:\n    - 10.0.0.0/8\n    - 10.1.0.0/33\n") ==
        "bad.yml:4: assets.critical: '10.1.0.0/33' is not a CIDR (address/prefix length, 0 to "
        "32)");
  CHECK(Refusal("assets: {critical: [10.1.2.0/16]}\n") ==
        "bad.yml:1: assets.critical: '10.1.2.0/16' has host bits set (the network is "
        "10.1.0.0/16)");
  CHECK(Refusal("assets: {critical: [10.0.0.256]}\n") ==
        "bad.yml:1: assets.critical: '10.0.0.256' is not an IPv4 address");
  CHECK(Refusal("assets: {critical: [\"2001:db8::g\"]}\n") ==
        "bad.yml:1: assets.critical: '2001:db8::g' is not an IPv6 address");
  CHECK(Refusal("assets: {critical: [\"10.1.*\"]}\n") ==
        "bad.yml:1: assets.critical: '10.1.*' looks like an address pattern; write a CIDR "
        "(10.1.0.0/16)");
  CHECK(Refusal("assets: {critical: [\"db-01, db-02\"]}\n") ==
        "bad.yml:1: assets.critical: 'db-01, db-02' is not an address, CIDR or host name "
        "(letters, digits, . - _ and the globs * ?)");
  CHECK(Refusal("assets: {critical: [dc-01, \"\"]}\n") ==
        "bad.yml:1: assets.critical: an empty entry");
  CHECK(Refusal("accounts:\n  privileged:\n    - \" root\"\n") ==
        "bad.yml:3: accounts.privileged: ' root' has spaces around it");
  CHECK(Refusal("assets: {critical: dc-01}\n") ==
        "bad.yml:1: assets.critical: expected a list ([a, b]), got 'dc-01'");
}

TEST_CASE("Config refuses wrong types, ranges and documents", "[config]") {
  struct Case {
    const char* text;
    const char* error;
  };
  const Case cases[] = {
      {"- score\n",
       "bad.yml:1: configuration: expected a map of sections (score, assets, accounts, "
       "networks, work_hours, profiles, alert, ingest), got a list"},
      {"score: 3\n", "bad.yml:1: score: expected a map, got '3'"},
      {"score:\n  unincidented_event_cap: 50.5\n",
       "bad.yml:2: score.unincidented_event_cap: expected a whole number from 0 to 100, got "
       "'50.5'"},
      {"work_hours: {start: 18, end: 8}\n",
       "bad.yml:1: work_hours: start (18) must be before end (8); hours do not wrap past "
       "midnight"},
      {"work_hours: {utc_offset: \"+15:00\"}\n",
       "bad.yml:1: work_hours.utc_offset: expected \"+HH:MM\" or \"-HH:MM\" from -14:00 to "
       "+14:00, got '+15:00'"},
      {"work_hours: {utc_offset: \"+-1:00\"}\n",
       "bad.yml:1: work_hours.utc_offset: expected \"+HH:MM\" or \"-HH:MM\" from -14:00 to "
       "+14:00, got '+-1:00'"},
      {"work_hours: {utc_offset: 60}\n",
       "bad.yml:1: work_hours.utc_offset: expected \"+HH:MM\" or \"-HH:MM\" from -14:00 to "
       "+14:00, got '60'"},
      {"work_hours: {days: [mon, funday]}\n",
       "bad.yml:1: work_hours.days: 'funday' is not a day (mon, tue, wed, thu, fri, sat, sun)"},
      {"work_hours: {days: []}\n", "bad.yml:1: work_hours.days: no working day listed"},
      {"profiles: {rate_spike: 0.5}\n",
       "bad.yml:1: profiles.rate_spike: expected a number from 1 to 1000, got '0.5'"},
      {"profiles:\n  min_days:\n",
       "bad.yml:2: profiles.min_days: expected a whole number from 0 "
       "to 366, got nothing"},
      {"accounts: {privileged: [root, [admin]]}\n",
       "bad.yml:1: accounts.privileged: expected a string, got a list"},
      {"score: {}\n---\nscore: {}\n",
       "bad.yml:2: configuration: a second YAML document; the file holds one (remove the ---)"},
      {"score:\n  bands: {medium: 40\n", "bad.yml:3: YAML: end of map flow not found"},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    CHECK(Refusal(c.text) == c.error);
  }
}

TEST_CASE("Config matches critical assets by address, network and host name", "[config]") {
  const Config c = Parse(kFull);
  CHECK(c.IsCriticalAsset("10.0.0.5"));
  CHECK_FALSE(c.IsCriticalAsset("10.0.0.50"));
  CHECK(c.IsCriticalAsset("::ffff:10.0.0.5"));  // IPv4-mapped IPv6
  CHECK(c.IsCriticalAsset("10.1.0.0"));
  CHECK(c.IsCriticalAsset("10.1.255.254"));
  CHECK_FALSE(c.IsCriticalAsset("10.2.0.1"));
  CHECK(c.IsCriticalAsset("2001:db8:ffff::1"));
  CHECK(c.IsCriticalAsset("2001:DB8::1"));
  CHECK(c.IsCriticalAsset("[2001:db8::1]"));
  CHECK(c.IsCriticalAsset("2001:db8::1%eth0"));
  CHECK_FALSE(c.IsCriticalAsset("2001:db9::1"));
  CHECK(c.IsCriticalAsset("dc-01"));
  CHECK(c.IsCriticalAsset("DC-01"));
  CHECK(c.IsCriticalAsset("dc-01.corp.example"));  // a bare name matches the first label
  CHECK(c.IsCriticalAsset("DC-01.Corp.Example."));
  CHECK_FALSE(c.IsCriticalAsset("dc-011"));
  CHECK_FALSE(c.IsCriticalAsset("xdc-01"));
  CHECK(c.IsCriticalAsset("db-orders"));
  CHECK(c.IsCriticalAsset("DB-Orders.corp.example"));
  CHECK_FALSE(c.IsCriticalAsset("web-db-01"));
  CHECK_FALSE(c.IsCriticalAsset(""));

  Config fqdn;
  fqdn.critical_assets = {"vault.corp.example", "srv-??"};
  CHECK(fqdn.IsCriticalAsset("VAULT.corp.example"));
  CHECK_FALSE(fqdn.IsCriticalAsset("vault"));  // a dotted entry matches only the full name
  CHECK_FALSE(fqdn.IsCriticalAsset("vault.corp.example.org"));
  CHECK(fqdn.IsCriticalAsset("srv-12"));
  CHECK_FALSE(fqdn.IsCriticalAsset("srv-1"));
  CHECK_FALSE(fqdn.IsCriticalAsset("srv-123"));
}

TEST_CASE("Config matches privileged accounts in bare, domain and UPN forms", "[config]") {
  const Config c = Parse(kFull);
  CHECK(c.IsPrivileged("root"));
  CHECK(c.IsPrivileged("ROOT"));
  CHECK_FALSE(c.IsPrivileged("rooty"));
  CHECK(c.IsPrivileged("Administrator"));
  CHECK(c.IsPrivileged("CORP\\Administrator"));
  CHECK(c.IsPrivileged("administrator@corp.example"));
  CHECK(c.IsPrivileged("admin"));
  CHECK(c.IsPrivileged("admin.maya"));
  CHECK(c.IsPrivileged("THESHIRE\\admin-ops"));
  CHECK(c.IsPrivileged("adminx@corp.example"));
  CHECK_FALSE(c.IsPrivileged("sysadmin"));
  CHECK(c.IsPrivileged("corp\\svc_backup"));  // a domain entry needs the domain
  CHECK_FALSE(c.IsPrivileged("svc_backup"));
  CHECK_FALSE(c.IsPrivileged("OTHER\\svc_backup"));
  CHECK_FALSE(c.IsPrivileged(""));
  CHECK_FALSE(c.IsPrivileged("-"));

  const Config any_domain = Parse("accounts:\n  privileged: ['*\\administrator']\n");
  CHECK(any_domain.IsPrivileged("CORP\\Administrator"));
  CHECK(any_domain.IsPrivileged("theshire\\administrator"));
  CHECK_FALSE(any_domain.IsPrivileged("CORP\\Administrators"));
}

TEST_CASE("Config places work time by the offset and the days", "[config]") {
  const Config utc;  // 08:00 to 18:00 UTC, Monday to Friday
  CHECK_FALSE(utc.IsWorkTime(At(0, 7, 59)));
  CHECK(utc.IsWorkTime(At(0, 8, 0)));
  CHECK(utc.IsWorkTime(At(0, 17, 59)));
  CHECK_FALSE(utc.IsWorkTime(At(0, 18, 0)));
  CHECK(utc.IsWorkTime(At(4, 12)));         // Friday
  CHECK_FALSE(utc.IsWorkTime(At(5, 12)));   // Saturday
  CHECK_FALSE(utc.IsWorkTime(At(-1, 12)));  // Sunday 2026-11-15

  const Config cet = Parse("work_hours: {utc_offset: \"+01:00\"}\n");
  CHECK(cet.IsWorkTime(At(0, 7, 30)));         // 08:30 in Paris
  CHECK_FALSE(cet.IsWorkTime(At(0, 17, 30)));  // 18:30 in Paris

  const Config all_day = Parse("work_hours: {start: 0, end: 24, utc_offset: \"+01:00\"}\n");
  CHECK(all_day.IsWorkTime(At(-1, 23, 30)));       // Sunday UTC, Monday 00:30 in Paris
  CHECK_FALSE(all_day.IsWorkTime(At(4, 23, 30)));  // Friday UTC, Saturday in Paris

  const Config new_york = Parse("work_hours: {start: 0, end: 24, utc_offset: \"-05:00\"}\n");
  CHECK(new_york.IsWorkTime(At(5, 3)));        // Saturday 03:00 UTC, Friday 22:00 in New York
  CHECK_FALSE(new_york.IsWorkTime(At(0, 3)));  // Monday 03:00 UTC, Sunday in New York

  const Config weekend = Parse("work_hours: {days: [Saturday, sun]}\n");
  CHECK(weekend.work_hours.days == 0x60);
  CHECK(weekend.IsWorkTime(At(5, 9)));
  CHECK_FALSE(weekend.IsWorkTime(At(0, 9)));
  CHECK(Parse("work_hours: {utc_offset: \"-09:30\"}\n").work_hours.utc_offset_minutes == -570);
  CHECK(Parse("work_hours: {utc_offset: Z}\n").work_hours.utc_offset_minutes == 0);
  CHECK(Parse("work_hours: {utc_offset: \"+14:00\"}\n").work_hours.utc_offset_minutes == 840);
}

TEST_CASE("Config gives each risk its severity band", "[config]") {
  const Config c;
  CHECK(c.SeverityOf(0) == "Low");
  CHECK(c.SeverityOf(29) == "Low");
  CHECK(c.SeverityOf(30) == "Medium");
  CHECK(c.SeverityOf(54) == "Medium");
  CHECK(c.SeverityOf(55) == "High");
  CHECK(c.SeverityOf(74) == "High");
  CHECK(c.SeverityOf(75) == "Critical");
  CHECK(c.SeverityOf(100) == "Critical");
  const Config custom = Parse(kFull);  // 30, 55, 85
  CHECK(custom.SeverityOf(29) == "Low");
  CHECK(custom.SeverityOf(30) == "Medium");
  CHECK(custom.SeverityOf(84) == "High");
  CHECK(custom.SeverityOf(85) == "Critical");
}

TEST_CASE("Config digest follows the settings, not the file's layout", "[config]") {
  const Config block = Parse(kFull);
  const Config flow = Parse(R"(profiles:
  rate_spike: 5.50
  min_days: 7
  min_events: 50
alert: {}
work_hours:
  days: [SAT, fri, thu, wed, tue, mon, mon]
  end: 19
  start: 7
  utc_offset: "+01:00"
accounts: {privileged: ["ADMIN*", Root, 'CORP\svc_*', administrator, root]}
assets:
  # the same networks, written differently
  critical: ["db-*", DC-01, "2001:0db8:0::/32", 10.1.0.0/16, 10.0.0.5]
score:
  unincidented_event_cap: 45
  bands:
    critical: 85
    high: 55
    medium: 30
  weights:
    context: .1
    behaviour: 0.10
    anomaly: 0.2
    outcome: 0.250
    intensity: 1e-1
    rule: 0.25
)");
  CHECK(block.Digest().size() == 64);
  CHECK(flow.CanonicalText() == block.CanonicalText());
  CHECK(flow.Digest() == block.Digest());

  Config changed = block;
  changed.weights.rule = 0.2;
  changed.weights.context = 0.15;
  CHECK(changed.Digest() != block.Digest());
  Config other_asset = block;
  other_asset.critical_assets.push_back("dc-02");
  CHECK(other_asset.Digest() != block.Digest());
  CHECK(Config{}.Digest() != block.Digest());
}

TEST_CASE("LoadConfig reads a file and reports a missing one", "[config]") {
  vigil::testing::TempDir dir;
  auto missing = LoadConfig(dir.File("nope.yml"));
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().code == ErrorCode::kNotFound);
  CHECK(missing.error().where == dir.File("nope.yml"));
  CHECK(missing.error().message == "configuration: cannot open: No such file or directory");

  vigil::testing::WriteText(dir.File("vigil.yml"), "score:\n  bands: {medium: 45}\n  cap: 1\n");
  auto bad = LoadConfig(dir.File("vigil.yml"));
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().ToString() == dir.File("vigil.yml") + ":3: score.cap: unknown key");

  vigil::testing::WriteText(dir.File("vigil.yml"), "score:\n  bands: {medium: 45}\n");
  auto good = LoadConfig(dir.File("vigil.yml"));
  REQUIRE(good.has_value());
  CHECK(good->source == dir.File("vigil.yml"));
  CHECK(good->bands.medium == 45);
}

TEST_CASE("The sample configuration samples/vigil.yml loads", "[config]") {
  auto sample = LoadConfig(vigil::testing::SourcePath("samples/vigil.yml"));
  REQUIRE(sample.has_value());
  CHECK(sample->IsPrivileged("root"));
  CHECK(sample->IsPrivileged("THESHIRE\\Administrator"));
  CHECK(sample->IsPrivileged("adm.maya"));
  CHECK(sample->IsCriticalAsset("dc-01"));
  CHECK(sample->IsCriticalAsset("MORDORDC.theshire.local"));
  CHECK_FALSE(sample->IsCriticalAsset("proxy-01"));
}

}  // namespace

TEST_CASE("Config reads the alert section, and refuses what vigil alert could not use",
          "[config]") {
  const Config defaults = Parse("");
  CHECK(defaults.alert.min_severity == "High");
  CHECK(defaults.alert.risk_above == 75);
  CHECK(defaults.alert.burst_events == 5);
  CHECK(defaults.alert.burst_window_s == 60);
  CHECK(defaults.alert.user_high_events == 3);
  CHECK(defaults.alert.user_high_window_s == 300);
  CHECK(defaults.alert.cooldown_s == 600);
  CHECK(defaults.alert.anomaly == 0.7);
  const Config c = Parse(
      "alert:\n  min_severity: critical\n  risk_above: 80\n  anomaly: 0.75\n"
      "  burst: {events: 20, window: 30}\n  user_high:\n    events: 4\n    window: 600\n"
      "  cooldown: 0\n  exec_timeout: 30\n");
  CHECK(c.alert.min_severity == "Critical");
  CHECK(c.alert.risk_above == 80);
  CHECK(c.alert.anomaly == 0.75);
  CHECK(c.alert.burst_events == 20);
  CHECK(c.alert.burst_window_s == 30);
  CHECK(c.alert.user_high_events == 4);
  CHECK(c.alert.user_high_window_s == 600);
  CHECK(c.alert.cooldown_s == 0);
  CHECK(c.alert.exec_timeout_s == 30);
  CHECK(c.Digest() == defaults.Digest());  // alert settings are not the score's
  CHECK(Refusal("alert:\n  min_severity: severe\n") ==
        "bad.yml:2: alert.min_severity: expected Low, Medium, High or Critical");
  CHECK(Refusal("alert:\n  burst: {events: 0}\n").find("alert.burst.events") != std::string::npos);
  CHECK(Refusal("alert:\n  cooldwn: 60\n") ==
        "bad.yml:2: alert.cooldwn: unknown key (did you mean 'cooldown'?)");
  CHECK(Refusal("alert:\n  anomaly: 1.5\n").find("alert.anomaly") != std::string::npos);
}
