// The command table and the global options. Main declares every subcommand's options into
// its plain Options struct (declare.cpp), parses, runs the chosen subcommand and maps its
// Error to an exit code. Nothing runs inside CLI11 callbacks. CLI11 is included here and in
// declare.cpp only.
#include "cli/cli.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <ostream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/declare.h"
#include "core/edit_distance.h"
#include "core/result.h"

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

// The command table (ninja's kTools): name, one-line description, the function that declares
// its options, the function that runs it; in the order --help lists them. A new command is a
// row here, its Options in commands.h, its Declare<Name> in declare.cpp and its
// <name>_command.cpp.
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
    {"review", "Approve, reject or comment on an incident report, or mark it a false positive",
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
