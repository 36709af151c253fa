// The command table: the only file that includes CLI11 (STYLE.md §5). It declares every
// option into the subcommands' plain Options structs, parses, runs the chosen subcommand and
// maps its Error to an exit code. Nothing runs inside CLI11 callbacks.
#include "cli/cli.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <ostream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "core/edit_distance.h"
#include "core/encoding.h"
#include "core/result.h"
#include "formats/format.h"

#ifndef VIGIL_VERSION
#define VIGIL_VERSION "0.0.0"
#endif

namespace vigil::cli {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitNo = 1;
constexpr int kExitUsage = 2;
constexpr int kExitBadInput = 3;
constexpr int kExitStore = 4;
constexpr int kExitInternal = 5;

int ExitCodeFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kVerifyFailed:
      return kExitNo;
    case ErrorCode::kUsage:
      return kExitUsage;
    case ErrorCode::kBadInput:
      return kExitBadInput;
    case ErrorCode::kNotFound:
    case ErrorCode::kIo:
    case ErrorCode::kStore:
    case ErrorCode::kCrypto:
      return kExitStore;
    case ErrorCode::kInternal:
      return kExitInternal;
  }
  return kExitInternal;
}

// "did you mean" for a mistyped subcommand: the first word that is neither an option nor an
// option's value.
std::string Suggestion(int argc, const char* const* argv, const std::vector<std::string>& names) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--db" || arg == "--format" || arg == "--config") {
      ++i;
      continue;
    }
    if (!arg.empty() && arg[0] == '-') continue;
    if (std::find(names.begin(), names.end(), arg) != names.end()) return {};
    std::string best;
    size_t best_d = 3;  // suggest only close matches
    for (const std::string& n : names) {
      size_t d = EditDistance(arg, n);
      if (d < best_d) {
        best_d = d;
        best = n;
      }
    }
    if (best.empty()) return "unknown command '" + arg + "' (see vigil --help)";
    return "unknown command '" + arg + "'; did you mean '" + best + "'?";
  }
  return {};
}

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

constexpr const char* kRootFooter = R"(Examples:
  vigil init --db cases/acme.db
  vigil keygen --name soc-acme --out ~/keys/soc-acme
  vigil --db cases/acme.db seal --key ~/keys/soc-acme.key > acme.checkpoint
  vigil verify --db cases/acme.db --pubkey ~/keys/soc-acme.pub --checkpoint acme.checkpoint

Exit status: 0 success, 1 the check answered no (e.g. TAMPERED), 2 usage error,
3 bad input, 4 store, I/O or crypto failure, 5 internal error.
See vigil(1) and vigil-<command>(1).)";

// Every subcommand's options, filled in by CLI11 while parsing.
struct Parsed {
  InitOptions init;
  IngestOptions ingest;
  VerifyOptions verify;
  KeygenOptions keygen;
  SealOptions seal;
  CorrelateOptions correlate;
  ScoreOptions score;
  ProfileOptions profile;
  ReportOptions report;
  ReviewOptions review;
  ExportOptions export_;
  StatsOptions stats;
  AlertCommandOptions alert;
  AnalyzeOptions analyze;
};

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
  approve->excludes(reject)->excludes(comment);
  reject->excludes(comment);
  review->add_option("--analyst", review_options.analyst, "Who decides (default $VIGIL_ANALYST)");
  review->add_option("--note", review_options.note, "Why");
  review->footer(
      "Examples:\n  vigil review 12 --approve --analyst alice\n"
      "  vigil review 12 --reject --analyst bob --note \"backup job, see ticket 4711\"");
}

void DeclareExport(CLI::App* exporter, ExportOptions& export_options) {
  exporter->add_option("id", export_options.report.ids, "Incident ids (default: all that match)");
  exporter->add_option("--format", export_options.format, "pdf, json, ndjson, csv, markdown")
      ->check(CLI::IsMember({"json", "ndjson", "csv", "markdown", "pdf"}));
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

// The command table (ninja's kTools): name, one-line description, the function that declares
// its options, the function that runs it; in the order --help lists them. A new command is a
// row here, its Options in commands.h and its <name>_command.cpp.
struct Command {
  const char* name;
  const char* description;
  void (*declare)(CLI::App* command, Parsed& parsed);
  Status (*run)(const Context& ctx, const Parsed& parsed);
  bool markdown = false;  // takes the global --format markdown
};

const Command kCommands[] = {
    {"init", "Create a store, or migrate one to this version",
     [](CLI::App* c, Parsed& p) { DeclareInit(c, p.init); },
     [](const Context& ctx, const Parsed& p) { return RunInit(ctx, p.init); }},
    {"ingest", "Read logs (files, - for stdin, .gz) into the store; bad records quarantined",
     [](CLI::App* c, Parsed& p) { DeclareIngest(c, p.ingest); },
     [](const Context& ctx, const Parsed& p) { return RunIngest(ctx, p.ingest); }},
    {"verify", "Recompute the hash chain and answer VERIFIED (exit 0) or TAMPERED (exit 1)",
     [](CLI::App* c, Parsed& p) { DeclareVerify(c, p.verify); },
     [](const Context& ctx, const Parsed& p) { return RunVerify(ctx, p.verify); }},
    {"keygen", "Write an Ed25519 key pair for vigil seal",
     [](CLI::App* c, Parsed& p) { DeclareKeygen(c, p.keygen); },
     [](const Context& ctx, const Parsed& p) { return RunKeygen(ctx, p.keygen); }},
    {"seal", "Sign the store's current head into a checkpoint and print it",
     [](CLI::App* c, Parsed& p) { DeclareSeal(c, p.seal); },
     [](const Context& ctx, const Parsed& p) { return RunSeal(ctx, p.seal); }},
    {"correlate", "Group new events into incidents with Sigma rules (built-in pack + --rules)",
     [](CLI::App* c, Parsed& p) { DeclareCorrelate(c, p.correlate); },
     [](const Context& ctx, const Parsed& p) { return RunCorrelate(ctx, p.correlate); }},
    {"score", "Risk, severity and ATT&CK for incidents; anomaly, labels and profiles for events",
     [](CLI::App* c, Parsed& p) { DeclareScore(c, p.score); },
     [](const Context& ctx, const Parsed& p) { return RunScore(ctx, p.score); }},
    {"profile", "Behaviour profile of a user or source IP, or the list of profiles",
     [](CLI::App* c, Parsed& p) { DeclareProfile(c, p.profile); },
     [](const Context& ctx, const Parsed& p) { return RunProfile(ctx, p.profile); }},
    {"report", "Draft incident reports (text, --format markdown or json); drafts until reviewed",
     [](CLI::App* c, Parsed& p) { DeclareReport(c, p.report); },
     [](const Context& ctx, const Parsed& p) { return RunReport(ctx, p.report); }, true},
    {"review", "Approve, reject or comment on an incident report",
     [](CLI::App* c, Parsed& p) { DeclareReview(c, p.review); },
     [](const Context& ctx, const Parsed& p) { return RunReview(ctx, p.review); }},
    {"export", "Write a PDF report, or incidents or their events as JSON, NDJSON, CSV or Markdown",
     [](CLI::App* c, Parsed& p) { DeclareExport(c, p.export_); },
     [](const Context& ctx, const Parsed& p) { return RunExport(ctx, p.export_); }},
    {"stats", "Count incidents and events: by severity, type, source, IP, user, hour, risk/day",
     [](CLI::App* c, Parsed& p) { DeclareStats(c, p.stats); },
     [](const Context& ctx, const Parsed& p) { return RunStats(ctx, p.stats); }},
    {"alert", "Raise alerts on what is new (triggers, cooldown) and deliver them; --history",
     [](CLI::App* c, Parsed& p) { DeclareAlert(c, p.alert); },
     [](const Context& ctx, const Parsed& p) { return RunAlert(ctx, p.alert); }},
    {"analyze", "Ingest, correlate, score and report in one go (exit 1 with --fail-on)",
     [](CLI::App* c, Parsed& p) { DeclareAnalyze(c, p.analyze); },
     [](const Context& ctx, const Parsed& p) { return RunAnalyze(ctx, p.analyze); }},
};

}  // namespace

bool WantsProgress(const Context& ctx) {
  return !ctx.global.quiet && ::isatty(STDERR_FILENO) == 1 && &ctx.err == &std::cerr;
}

void Note(const Context& ctx, const std::string& message) {
  if (!ctx.global.quiet) ctx.err << "vigil " << ctx.command << ": " << Shown(message) << "\n";
}

std::string Shown(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return TerminalSafe(text);
  size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return TerminalSafe(text.substr(0, cut)) + "... (" + std::to_string(text.size()) + " bytes)";
}

Result<config::Config> LoadConfigFor(const Context& ctx) {
  if (ctx.global.config.empty()) return config::Config{};
  return config::LoadConfig(ctx.global.config);
}

int Main(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  try {
    GlobalOptions global;
    if (const char* env = std::getenv("VIGIL_DB"); env != nullptr && *env != '\0') {
      global.db = env;
    }
    if (const char* env = std::getenv("VIGIL_CONFIG"); env != nullptr && *env != '\0') {
      global.config = env;
    }
    std::string format = "text";

    CLI::App app{"vigil: offline security-log analysis with a tamper-evident audit store", "vigil"};
    app.set_version_flag("--version", "vigil " VIGIL_VERSION);
    app.require_subcommand(1, 1);
    app.footer(kRootFooter);
    app.add_option("--db", global.db, "Store file (default: $VIGIL_DB, else ./vigil.db)");
    auto* quiet = app.add_flag("-q,--quiet", global.quiet, "Print only results and errors");
    app.add_flag("-v,--verbose", global.verbose, "Print more detail on stderr")->excludes(quiet);
    app.add_option("--config", global.config,
                   "Configuration file, vigil-config(5) (default: $VIGIL_CONFIG, else built-in)");
    app.add_option("--format", format, "Output format: text or json (report: also markdown)")
        ->check(CLI::IsMember({"text", "json", "markdown"}));

    Parsed parsed;
    std::vector<CLI::App*> subs;
    std::vector<std::string> names;
    for (const Command& c : kCommands) {
      CLI::App* sub = app.add_subcommand(c.name, c.description);
      c.declare(sub, parsed);
      sub->fallthrough();  // global options also work after the subcommand
      subs.push_back(sub);
      names.push_back(c.name);
    }

    try {
      app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
      if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) {
        app.exit(e, out, err);
        return kExitOk;
      }
      if (std::string hint = Suggestion(argc, argv, names); !hint.empty()) {
        err << "vigil: " << hint << "\n";
        return kExitUsage;
      }
      app.exit(e, out, err);
      return kExitUsage;
    }
    global.format = format == "json"       ? OutputFormat::kJson
                    : format == "markdown" ? OutputFormat::kMarkdown
                                           : OutputFormat::kText;

    CLI::App* chosen = app.get_subcommands().front();
    const Command& command = kCommands[std::find(subs.begin(), subs.end(), chosen) - subs.begin()];
    Context ctx{global, out, err, command.name};
    Status status;
    if (global.format == OutputFormat::kMarkdown && !command.markdown) {
      status = MakeError(ErrorCode::kUsage, "--format markdown is for vigil report");
    } else {
      status = command.run(ctx, parsed);
    }
    if (status.ok()) return kExitOk;
    const Error& e = status.error();
    if (e.code == ErrorCode::kVerifyFailed) {
      if (!global.quiet || global.format == OutputFormat::kText) {
        err << "vigil " << command.name << ": " << Shown(e.ToString()) << "\n";
      }
    } else {
      err << "vigil " << command.name << ": error: " << Shown(e.ToString()) << "\n";
    }
    return ExitCodeFor(e.code);
  } catch (const std::exception& e) {
    err << "vigil: internal error: " << Shown(e.what()) << "\n";
    return kExitInternal;
  }
}

}  // namespace vigil::cli
