// IANA time zones from the system tz database (core/time_zone.h).
#include "core/time_zone.h"

#include <catch2/catch.hpp>

#include "core/time.h"
#include "core/time_parse.h"

namespace vigil {
namespace {

int64_t At(const char* iso) { return *ParseIso8601(iso); }

std::string Utc(const TimeZone& z, const char* wall) { return FormatUtc(z.ToUtc(At(wall))); }

}  // namespace

TEST_CASE("issue 21: Europe/Berlin wall-clock times to UTC across the 2026 changes", "[timezone]") {
  auto z = TimeZone::Load("Europe/Berlin");
  REQUIRE(z);
  CHECK(z->name() == "Europe/Berlin");
  CHECK(Utc(*z, "2026-01-15T12:00:00") == "2026-01-15T11:00:00Z");
  CHECK(Utc(*z, "2026-07-01T12:00:00.250") == "2026-07-01T10:00:00.250000Z");
  // 29 March 2026: 02:00 CET becomes 03:00 CEST.
  CHECK(Utc(*z, "2026-03-29T01:59:59") == "2026-03-29T00:59:59Z");
  CHECK(Utc(*z, "2026-03-29T03:00:00") == "2026-03-29T01:00:00Z");
  // The hour that was skipped reads as though the clock had not been changed.
  CHECK(Utc(*z, "2026-03-29T02:30:00") == "2026-03-29T01:30:00Z");
  // 25 October 2026: 03:00 CEST becomes 02:00 CET; 02:30 happened twice, the first is taken.
  CHECK(Utc(*z, "2026-10-25T01:59:00") == "2026-10-24T23:59:00Z");
  CHECK(Utc(*z, "2026-10-25T02:30:00") == "2026-10-25T00:30:00Z");
  CHECK(Utc(*z, "2026-10-25T03:00:00") == "2026-10-25T02:00:00Z");
  CHECK(z->OffsetAt(At("2026-10-25T00:59:59Z") / 1000000) == 7200);
  CHECK(z->OffsetAt(At("2026-10-25T01:00:00Z") / 1000000) == 3600);
}

TEST_CASE("issue 21: times after the zone file's last transition follow its rule", "[timezone]") {
  // The file lists transitions to 2037 at most; its POSIX footer (CET-1CEST,M3.5.0,M10.5.0/3)
  // carries the rule on: in 2040 summer time runs from 25 March to 28 October.
  auto z = TimeZone::Load("Europe/Berlin");
  REQUIRE(z);
  CHECK(Utc(*z, "2040-03-25T01:30:00") == "2040-03-25T00:30:00Z");
  CHECK(Utc(*z, "2040-03-25T03:30:00") == "2040-03-25T01:30:00Z");
  CHECK(Utc(*z, "2040-10-28T03:30:00") == "2040-10-28T02:30:00Z");
  auto sydney = TimeZone::Load("Australia/Sydney");  // southern: summer time spans new year
  REQUIRE(sydney);
  CHECK(Utc(*sydney, "2041-01-10T12:00:00") == "2041-01-10T01:00:00Z");
  CHECK(Utc(*sydney, "2041-07-10T12:00:00") == "2041-07-10T02:00:00Z");
  auto ny = TimeZone::Load("America/New_York");
  REQUIRE(ny);
  CHECK(Utc(*ny, "2026-03-08T02:30:00") == "2026-03-08T07:30:00Z");  // skipped
  CHECK(Utc(*ny, "2026-11-01T01:30:00") == "2026-11-01T05:30:00Z");  // first of two
}

TEST_CASE("issue 21: UTC needs no zone file; an unknown zone is a usage error naming it",
          "[timezone]") {
  auto utc = TimeZone::Load("UTC");
  REQUIRE(utc);
  CHECK(utc->is_utc());
  CHECK(Utc(*utc, "2026-03-29T02:30:00") == "2026-03-29T02:30:00Z");
  CHECK(TimeZone().ToUtc(5) == 5);
  for (const char* bad :
       {"Mars/Olympus_Mons", "../../etc/passwd", "/etc/localtime", "", "zone.tab"}) {
    auto z = TimeZone::Load(bad);
    REQUIRE_FALSE(z);
    CHECK(z.error().code == ErrorCode::kUsage);
    CHECK(z.error().message.find(std::string("\"") + bad + "\"") != std::string::npos);
  }
  CHECK_FALSE(TimeZone::FromTzif("x", "TZif2 but cut short"));
}

}  // namespace vigil
