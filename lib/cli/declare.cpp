// Every subcommand's options and help footer, declared into CLI11 (declare.h).
#include "cli/declare.h"

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <string>

#include "export/export.h"
#include "formats/format.h"

namespace vigil::cli {
namespace {

// The incident filters of vigil report, which vigil stats shares (vigil-report(1), FILTERS).
void AddIncidentFilters(CLI::App* app, ReportOptions& o) {
  app->add_option("--severity", o.severity, "At least this severity")
      ->check(CLI::IsMember({"Low", "Medium", "High", "Critical"}, CLI::ignore_case));
  app->add_option("--type", o.type, "Title, rule id or ATT&CK technique contains this (any case)");
  app->add_option("--user", o.user, "Involves this user");
  app->add_option("--ip", o.ip, "Involves this address (source or destination)");
  app->add_option("--since", o.since, "Ends at or after this time (UTC)");
  app->add_option("--until", o.until, "Starts at or before this time (UTC)");
  app->add_option("--status", o.status,
                  "draft, approved, rejected, or changed (decided on an earlier version)")
      ->check(CLI::IsMember({"draft", "approved", "rejected", "changed"}));
}

}  // namespace

void DeclareInit(CLI::App* init, InitOptions& /*init_options*/) {
  init->footer("Example:\n  vigil init --db cases/acme.db");
}

void DeclareIngest(CLI::App* ingest, IngestOptions& ingest_options) {
  ingest->add_option("inputs", ingest_options.inputs, "Log files; - or none reads stdin");
  std::string input_formats = "auto, or one of: ";
  for (const std::string& name : formats::AllNames()) {
    input_formats += (input_formats.back() == ' ' ? "" : ", ") + name;
  }
  ingest->add_option("--input-format", ingest_options.input_format, input_formats)
      ->capture_default_str();
  ingest
      ->add_option("--year", ingest_options.year,
                   "Year of RFC 3164 syslog lines (default: from the file's mtime)")
      ->check(CLI::Range(1970, 2200));
  ingest->add_option("--timezone", ingest_options.timezone,
                     "IANA zone (Europe/Berlin) of times without one (RFC 3164 syslog, ISO "
                     "times without an offset), for every input (default: the configuration's "
                     "ingest section, else UTC)");
  ingest->add_flag("--detect", ingest_options.detect,
                   "Only report each input's format and how sure; store nothing");
  ingest->add_option(
      "--errors", ingest_options.errors,
      "Also write every rejected record as NDJSON to this file (replaced, mode 0600)");
  ingest
      ->add_option("--max-record-size", ingest_options.max_record_size,
                   "Longer records are quarantined as their first KiB, length and SHA-256 "
                   "(bytes, or with K, M, G; default 4M)")
      ->transform(CLI::AsSizeValue(false));
  ingest->footer(
      "Examples:\n  vigil ingest --db cases/acme.db /var/log/auth.log eve.json.gz\n"
      "  tail -n +1 -F /var/log/auth.log | vigil ingest --db cases/acme.db -  "
      "# commits every second\n"
      "  vigil ingest --db cases/acme.db triage/        # every file under the folder\n"
      "  vigil ingest --detect samples/*");
}

void DeclareVerify(CLI::App* verify, VerifyOptions& verify_options) {
  verify
      ->add_option("--pubkey", verify_options.pubkeys,
                   "Trusted public key (from vigil keygen); repeatable")
      ->check(CLI::ExistingFile);
  verify
      ->add_option("--checkpoint", verify_options.checkpoints,
                   "Checkpoint printed by vigil seal and kept off the machine (- : stdin); "
                   "repeatable")
      ->check(CLI::ExistingFile | CLI::IsMember({"-"}));
  verify->add_option("-j,--jobs", verify_options.jobs, "Worker threads (default: one per core)")
      ->check(CLI::Range(1, 64));
  verify
      ->add_option("--max-problems", verify_options.max_problems,
                   "List at most this many problems (all are counted)")
      ->capture_default_str();
  verify->add_option("--file", verify_options.files,
                     "Also check that FILE is an export on record (its SHA-256); repeatable");
  verify->footer(
      "Examples:\n  vigil verify --db cases/acme.db\n"
      "  vigil verify --db cases/acme.db --file handed-over/case-17.pdf\n"
      "  vigil verify --db cases/acme.db --pubkey soc.pub --checkpoint acme.checkpoint "
      "--format json");
}

void DeclareKeygen(CLI::App* keygen, KeygenOptions& keygen_options) {
  keygen->add_option("--name", keygen_options.name, "Key name recorded in signatures")
      ->capture_default_str();
  keygen->add_option("-o,--out", keygen_options.out, "Write <out>.key (mode 0600) and <out>.pub")
      ->capture_default_str();
  keygen->add_flag("--force", keygen_options.force, "Overwrite existing key files");
  keygen->footer("Example:\n  vigil keygen --name soc-acme --out ~/keys/soc-acme");
}

void DeclareSeal(CLI::App* seal, SealOptions& seal_options) {
  seal->add_option("--key", seal_options.key, "Private key from vigil keygen")
      ->required()
      ->check(CLI::ExistingFile);
  seal->add_option("-o,--out", seal_options.out, "Also write the checkpoint here (- : stdout)")
      ->capture_default_str();
  seal->footer(
      "Example:\n  vigil --db cases/acme.db seal --key soc.key > acme-2026-11-21.checkpoint");
}

void DeclareCorrelate(CLI::App* correlate, CorrelateOptions& correlate_options) {
  correlate->add_option("--rules", correlate_options.rules,
                        "Sigma rule file or directory (repeatable; adds to the built-in pack)");
  correlate->add_flag("--no-builtin", correlate_options.no_builtin,
                      "Do not load the built-in rule pack");
  correlate->add_flag("--dry-run", correlate_options.dry_run,
                      "Evaluate the rules on every stored event and write nothing");
  correlate->add_flag("--rescan", correlate_options.rescan,
                      "Re-read every event (after the rules changed); incidents merge");
  correlate->add_flag("--list-rules", correlate_options.list_rules,
                      "Load the rules, list them and any refused, and stop");
  correlate->add_option("--max-groups", correlate_options.max_groups,
                        "State cap per correlation rule (default 200000 groups)");
  correlate->footer(
      "Examples:\n  vigil correlate\n  vigil correlate --rules ~/sigma/rules --dry-run\n"
      "  vigil correlate --list-rules --format json");
}

void DeclareScore(CLI::App* score, ScoreOptions& score_options) {
  score->add_flag("--retrain", score_options.retrain,
                  "Fit a new anomaly model on every event and rescore their anomaly");
  score->add_flag("--dry-run", score_options.dry_run, "Compute and print, write nothing");
  auto* explain = score
                      ->add_option("--explain", score_options.explain,
                                   "Show how incident ID's stored risk was built")
                      ->check(CLI::PositiveNumber);
  score
      ->add_option("--fail-above", score_options.fail_above,
                   "Exit 1 if an incident is at or above this severity")
      ->check(CLI::IsMember({"Low", "Medium", "High", "Critical"}, CLI::ignore_case));
  explain->excludes("--retrain")->excludes("--dry-run");
  score->footer(
      "Examples:\n  vigil score\n  vigil score --explain 12\n"
      "  vigil --config site.yml score --dry-run --format json\n"
      "  vigil score --fail-above High   # exit 1 when anything is High or Critical");
}

void DeclareProfile(CLI::App* profile, ProfileOptions& profile_options) {
  profile->add_option("user", profile_options.user, "User name");
  profile->add_option("--ip", profile_options.ip, "Source IP address (instead of a user)");
  auto* list = profile->add_flag("--list", profile_options.list,
                                 "List profiles, riskiest first (the default without USER)");
  profile->add_option("--kind", profile_options.kind, "When listing: only user or source")
      ->check(CLI::IsMember({"user", "source"}));
  profile->add_option("--limit", profile_options.limit, "When listing: at most N rows");
  list->excludes("user")->excludes("--ip");
  profile->footer(
      "Examples:\n  vigil profile alice\n  vigil profile --ip 10.20.3.4 --format json\n"
      "  vigil profile --list --kind user --limit 20");
}

void DeclareReport(CLI::App* report, ReportOptions& report_options) {
  report->add_option("id", report_options.ids, "Incident ids (default: all that match)");
  AddIncidentFilters(report, report_options);
  report->add_option("--tlp", report_options.tlp, "TLP marking of indicators (TLP:AMBER)");
  report->add_option("--narrator", report_options.narrator,
                     "Local command that drafts a narrative from a prompt on stdin");
  report
      ->add_option("--narrator-timeout", report_options.narrator_timeout_s,
                   "Seconds per incident (30)")
      ->check(CLI::Range(1, 3600));
  report->footer(
      "Examples:\n  vigil report\n  vigil report 12 --format markdown > incident-12.md\n"
      "  vigil report --severity high --since 2026-11-14 --format json");
}

void DeclareReview(CLI::App* review, ReviewOptions& review_options) {
  if (const char* env = std::getenv("VIGIL_ANALYST"); env != nullptr) review_options.analyst = env;
  review->add_option("id", review_options.id, "Incident id")
      ->required()
      ->check(CLI::PositiveNumber);
  auto* approve = review->add_flag("--approve", review_options.approve, "Approve the report");
  auto* reject = review->add_flag("--reject", review_options.reject, "Reject it (needs --note)");
  auto* comment = review->add_flag("--comment", review_options.comment, "Comment (needs --note)");
  auto* fp = review->add_flag("--false-positive", review_options.false_positive,
                              "Mark a false positive: later correlate and score runs suppress "
                              "the same pattern (see --scope)");
  auto* undo = review->add_flag("--undo", review_options.undo, "Withdraw a false-positive mark");
  auto* scope = review->add_option("--scope", review_options.scope,
                                   "Of --false-positive: entity (this rule on this entity, the "
                                   "default) or rule (this rule on any entity)");
  scope->check(CLI::IsMember({"entity", "rule"}))->needs(fp);
  approve->excludes(reject)->excludes(comment)->excludes(fp)->excludes(undo);
  reject->excludes(comment)->excludes(fp)->excludes(undo);
  comment->excludes(fp)->excludes(undo);
  fp->excludes(undo);
  review->add_option("--analyst", review_options.analyst, "Who decides (default $VIGIL_ANALYST)");
  review->add_option("--note", review_options.note, "Why");
  review->footer(
      "Examples:\n  vigil review 12 --approve --analyst alice\n"
      "  vigil review 12 --reject --analyst bob --note \"backup job, see ticket 4711\"\n"
      "  vigil review 12 --false-positive --analyst alice --note \"nightly backup\"\n"
      "  vigil review 12 --undo --analyst alice");
}

void DeclareExport(CLI::App* exporter, ExportOptions& export_options) {
  exporter->add_option("id", export_options.report.ids, "Incident ids (default: all that match)");
  const std::vector<std::string> formats = exporter::FormatNames();
  std::string names;
  for (const std::string& f : formats) names += (names.empty() ? "" : ", ") + f;
  exporter->add_option("--format", export_options.format, names)->check(CLI::IsMember(formats));
  exporter->add_flag("--events", export_options.events, "The incidents' events, not the incidents");
  exporter->add_option("-o,--output", export_options.output,
                       "File to write (recorded in the store, then put in place), - for stdout");
  exporter->add_option("--severity", export_options.report.severity, "At least this severity")
      ->check(CLI::IsMember({"Low", "Medium", "High", "Critical"}, CLI::ignore_case));
  exporter->add_option("--type", export_options.report.type, "As for vigil report");
  exporter->add_option("--user", export_options.report.user, "Involves this user");
  exporter->add_option("--ip", export_options.report.ip, "Involves this address");
  exporter->add_option("--since", export_options.report.since, "Ends at or after this time");
  exporter->add_option("--until", export_options.report.until, "Starts at or before this time");
  exporter
      ->add_option("--status", export_options.report.status,
                   "draft, approved, rejected, or changed (decided on an earlier version)")
      ->check(CLI::IsMember({"draft", "approved", "rejected", "changed"}));
  exporter->add_option("--tlp", export_options.report.tlp, "TLP marking of indicators");
  exporter->footer(
      "Examples:\n  vigil export --format csv -o incidents.csv\n"
      "  vigil export 12 --events --format ndjson -o incident-12-events.ndjson\n"
      "  vigil export --severity high --format json | jq '.incidents[].id'");
}

void DeclareStats(CLI::App* stats, StatsOptions& stats_options) {
  AddIncidentFilters(stats, stats_options.filter);
  stats->add_option("--top", stats_options.top, "Length of the top lists")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  stats->add_flag("--ascii", stats_options.ascii, "Bars and shades in ASCII, not Unicode blocks");
  stats->footer(
      "Examples:\n  vigil stats\n  vigil stats --severity high --since 2026-11-14 --top 5\n"
      "  vigil stats --format json | jq '.top_users.rows'");
}

void DeclareAlert(CLI::App* alert, AlertCommandOptions& alert_options) {
  alert->add_flag("--dry-run", alert_options.dry_run, "Print what would be raised, store nothing");
  alert->add_flag("--mark-seen", alert_options.mark_seen,
                  "Take everything stored so far as seen, raising nothing (a fresh start)");
  auto* history =
      alert->add_flag("--history", alert_options.history, "List stored alerts, newest first");
  alert->add_option("--limit", alert_options.limit, "With --history: at most N (0: all)")
      ->capture_default_str()
      ->needs(history);
  alert->add_option("--output", alert_options.output,
                    "Append alerts as NDJSON to FILE (a file of your own, never through a link)");
  alert->add_flag("--syslog", alert_options.syslog, "Send alerts to syslog(3)");
  alert->add_option("--exec", alert_options.exec,
                    "Run CMD (with /bin/sh -c) once per alert, the alert JSON on its stdin");
  alert->add_option("--exec-timeout", alert_options.exec_timeout, "Seconds per --exec run")
      ->check(CLI::Range(1, 3600));
  alert
      ->add_option("--min-severity", alert_options.min_severity,
                   "Alert on incidents at or above this severity (default High)")
      ->check(CLI::IsMember({"Low", "Medium", "High", "Critical"}, CLI::ignore_case));
  alert
      ->add_option("--risk-above", alert_options.risk_above,
                   "Alert on incidents with a risk above N (default 75)")
      ->check(CLI::Range(0, 100));
  alert
      ->add_option("--anomaly", alert_options.anomaly,
                   "Alert on events this anomalous and Medium or worse (default 0.7)")
      ->check(CLI::Range(0.0, 1.0));
  alert
      ->add_option("--cooldown", alert_options.cooldown,
                   "Seconds of event time between alerts per (entity, type) (default 600)")
      ->check(CLI::Range(0, 7 * 86400));
  alert->footer(
      "Examples:\n  vigil alert                      # NDJSON on stdout\n"
      "  * * * * * vigil -q alert --exec '/usr/local/bin/page-oncall'   # crontab\n"
      "  vigil alert --output /var/log/vigil-alerts.ndjson\n"
      "  vigil alert --history --limit 50");
}

void DeclareAnalyze(CLI::App* analyze, AnalyzeOptions& analyze_options) {
  analyze->add_option("input", analyze_options.inputs, "Log files, - for stdin")->required();
  analyze->add_option("--year", analyze_options.year, "Year for syslog lines without one")
      ->check(CLI::Range(1970, 2200));
  analyze->add_option("-o,--output", analyze_options.output,
                      "Also write the reports to FILE (.json, .ndjson, .csv, .md)");
  analyze
      ->add_option("--fail-on", analyze_options.fail_on,
                   "Exit 1 if an incident is at or above this severity")
      ->check(CLI::IsMember({"Low", "Medium", "High", "Critical"}, CLI::ignore_case));
  analyze->footer(
      "Examples:\n  vigil --db case.db analyze /var/log/auth.log eve.json -o case.md\n"
      "  vigil --db ci.db analyze build-logs/*.json --fail-on high   # a CI gate");
}

}  // namespace vigil::cli
