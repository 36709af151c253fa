// Behaviour profiles: what each flag needs, and that nothing is flagged before a profile has
// enough history.
#include "score/profile.h"

#include <catch2/catch.hpp>

#include "config/config.h"
#include "score/profile_view.h"

using vigil::Event;
using vigil::score::ProfileBuilder;

namespace {

constexpr int64_t kHour = 3'600'000'000;
constexpr int64_t kDay = 24 * kHour;
// Monday 2026-11-16 00:00 UTC.
constexpr int64_t kMonday = 1'794'787'200'000'000;

Event Login(int64_t ts, const std::string& user, const std::string& ip,
            const std::string& action = "login_success") {
  Event e;
  e.ts_us = ts;
  e.user_name = user;
  e.source_ip = ip;
  e.event_action = action;
  e.event_outcome = "success";
  e.host_name = "vpn-gw-01";
  return e;
}

// alice logs in from 10.0.0.7 at 09:00-09:50 on five working days: 30 events, 5 days.
void Habit(ProfileBuilder& b) {
  for (int day = 0; day < 5; ++day) {
    for (int i = 0; i < 6; ++i) {
      const uint32_t flags = b.Observe(
          Login(kMonday + day * kDay + 9 * kHour + i * int64_t{600'000'000}, "alice", "10.0.0.7"),
          "US");
      REQUIRE(flags == 0);
    }
  }
}

}  // namespace

TEST_CASE("profile: known habits raise no flag, departures do", "[score][profile]") {
  vigil::config::Config config;  // min 20 events on 3 days, work hours 08-18 Mon-Fri
  ProfileBuilder b(config);
  Habit(b);
  const int64_t next_monday = kMonday + 7 * kDay;
  CHECK(b.Observe(Login(next_monday + 9 * kHour, "alice", "10.0.0.7"), "US") == 0);
  CHECK(b.Observe(Login(next_monday + 9 * kHour + 60'000'000, "alice", "203.0.113.9"), "US") ==
        vigil::score::kUserNewSource);
  CHECK(b.Observe(Login(next_monday + 9 * kHour + 120'000'000, "alice", "10.0.0.7"), "RU") ==
        vigil::score::kUserNewCountry);
  // 03:00 on a Monday: outside work hours and an hour alice never uses. Her address has the
  // same history, so it is off-hours for the source too.
  CHECK(b.Observe(Login(next_monday + 3 * kHour, "alice", "10.0.0.7"), "US") ==
        (vigil::score::kUserOffHours | vigil::score::kSourceOffHours));
  // A new account from alice's address.
  CHECK(b.Observe(Login(next_monday + 10 * kHour, "mallory", "10.0.0.7"), "") ==
        vigil::score::kSourceNewUser);
  // First privileged action (sudo) by an established user.
  CHECK(b.Observe(Login(next_monday + 10 * kHour + 1, "alice", "10.0.0.7", "privilege_escalation"),
                  "US") == vigil::score::kUserFirstPrivilege);
  CHECK(b.Observe(Login(next_monday + 10 * kHour + 2, "alice", "10.0.0.7", "privilege_escalation"),
                  "US") == 0);  // only the first
}

TEST_CASE("profile: a rate spike is flagged once per hour", "[score][profile]") {
  vigil::config::Config config;
  ProfileBuilder b(config);
  Habit(b);  // 6 events per active hour
  const int64_t t = kMonday + 7 * kDay + 11 * kHour;
  int spikes = 0;
  for (int i = 0; i < 40; ++i) {
    const uint32_t flags = b.Observe(Login(t + i * int64_t{1'000'000}, "alice", "10.0.0.7"), "US");
    if (flags & vigil::score::kUserRateSpike) {
      ++spikes;
      // 4 x 6 = 24 events in the hour are not a spike; the 25th is.
      CHECK(i == 24);
    }
  }
  CHECK(spikes == 1);
}

TEST_CASE("profile: no flags before the minimum history", "[score][profile]") {
  vigil::config::Config config;
  ProfileBuilder b(config);
  // 19 events on one day: too little to judge.
  for (int i = 0; i < 19; ++i) {
    REQUIRE(b.Observe(Login(kMonday + 9 * kHour + i, "bob", "10.0.0.8"), "US") == 0);
  }
  CHECK(b.Observe(Login(kMonday + 3 * kHour + 3 * kDay, "bob", "198.51.100.1"), "RU") == 0);
  auto lenient = vigil::config::ParseConfig("profiles: {min_events: 5, min_days: 1}\n", "t.yml");
  REQUIRE(lenient);
  ProfileBuilder c(*lenient);
  for (int i = 0; i < 5; ++i) {
    REQUIRE(c.Observe(Login(kMonday + 9 * kHour + i, "bob", "10.0.0.8"), "US") == 0);
  }
  CHECK(c.Observe(Login(kMonday + 9 * kHour + 10, "bob", "198.51.100.1"), "US") ==
        vigil::score::kUserNewSource);
}

TEST_CASE("profile: flag names and privileged actions", "[score][profile]") {
  CHECK(vigil::score::FlagNames(0) == "");
  CHECK(vigil::score::FlagNames(vigil::score::kUserNewSource | vigil::score::kSourceRateSpike) ==
        "user.new_ip,source.rate_spike");
  Event e;
  e.event_action = "special_privileges_assigned";
  CHECK(vigil::score::IsPrivilegedAction(e));
  e.event_action = "login_success";
  CHECK_FALSE(vigil::score::IsPrivilegedAction(e));
  e.message = "sudo: alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/ls";
  CHECK(vigil::score::IsPrivilegedAction(e));
}

TEST_CASE("profile: the stored JSON says what a profile knows", "[score][profile]") {
  vigil::config::Config config;
  ProfileBuilder b(config);
  Habit(b);
  const std::string alice = "alice";
  b.AddRisk(kMonday + 9 * kHour, &alice, nullptr, 57);
  const std::string json = vigil::score::ProfileJson(b.users().at("alice"), "user", "alice");
  CHECK(json.find("\"events\":30") != std::string::npos);
  CHECK(json.find("\"active_days\":5") != std::string::npos);
  CHECK(json.find("\"source_ips\":{\"10.0.0.7\":30}") != std::string::npos);
  CHECK(json.find("\"countries\":{\"US\":30}") != std::string::npos);
  CHECK(json.find("{\"day\":\"2026-11-16\",\"max_risk\":57}") != std::string::npos);
  CHECK(json.find("\"first_privileged_action\":null") != std::string::npos);
}

TEST_CASE("profile: the text view shows stored values inert and survives odd ones",
          "[score][profile]") {
  // A profile row is stored data: a forger can write any JSON there. A day too short to cut
  // used to throw std::out_of_range (exit 5); escapes in names reached the terminal.
  const auto text = vigil::score::ProfileText(
      R"({"kind":"user","entity":"ev\u001b]0;x\u0007il","events":2,)"
      R"("hosts":{"h\u001b[31m":2},"risk_by_day":[{"day":"x","max_risk":3},)"
      R"({"day":"2026-11-16","max_risk":57}]})");
  REQUIRE(text);
  CHECK(text->find("user ev?]0;x?il\n") != std::string::npos);
  CHECK(text->find("h?[31m (2)") != std::string::npos);
  CHECK(text->find(" x:3 11-16:57") != std::string::npos);
  CHECK(text->find('\x1b') == std::string::npos);
}
