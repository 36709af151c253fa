#pragma once
// One plain function per subcommand (no CLI11 here: it lives in cli.cpp and declare.cpp only). Each
// turns its parsed Options into the stage's options, runs the stage and prints the result. A
// returned Error is printed and mapped to an exit code by cli.cpp; kVerifyFailed means "the check
// answered no" and is printed without the "error:" prefix.

#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "core/result.h"
#include "ingest/ingest.h"
#include "report/facts.h"

namespace vigil::cli {

enum class OutputFormat { kText, kJson, kMarkdown };  // markdown: vigil report only

struct GlobalOptions {
  std::string db = "vigil.db";  // --db, else $VIGIL_DB, else ./vigil.db
  std::string config;           // --config, else $VIGIL_CONFIG, else "" (built-in defaults)
  bool quiet = false;
  bool verbose = false;
  OutputFormat format = OutputFormat::kText;
};

struct Context {
  GlobalOptions global;
  std::ostream& out;
  std::ostream& err;
  const char* command;  // for messages: "vigil <command>: ..."
};

// The configuration file named by --config or $VIGIL_CONFIG, else the defaults.
Result<config::Config> LoadConfigFor(const Context& ctx);

// Progress lines only for a person watching a terminal: not --quiet, stderr a tty.
bool WantsProgress(const Context& ctx);

// A stage's progress on one line of stderr, drawn only when WantsProgress.
class ProgressLine {
 public:
  explicit ProgressLine(const Context& ctx) : ctx_(ctx), on_(WantsProgress(ctx)) {}
  bool on() const { return on_; }
  // Draws `text` (which starts with "\r", and "\033[K" to clear what was there).
  void Show(std::string_view text) const { ctx_.err << text << std::flush; }
  // Clears the line once the stage is done.
  void Clear() const {
    if (on_) ctx_.err << "\r\033[K" << std::flush;
  }

 private:
  const Context& ctx_;
  bool on_;
};

// A stage's summary as --format asks: `json` for json, else `text`.
template <class Summary>
void PrintSummary(const Context& ctx, const Summary& summary, bool dry_run,
                  void (*json)(const Context&, const Summary&, bool),
                  void (*text)(const Context&, const Summary&, bool)) {
  (ctx.global.format == OutputFormat::kJson ? json : text)(ctx, summary, dry_run);
}

// Writes "vigil <command>: <message>" to stderr unless --quiet. The message is Shown().
void Note(const Context& ctx, const std::string& message);

// Text from logs, rule files or the store, as a text listing prints it: control characters
// (C0, DEL, C1: terminal escape sequences in an attacker's user name) become '?', and past
// `max_bytes` it is cut at a character boundary, saying how long it was. JSON output and the
// store keep the value whole.
std::string Shown(std::string_view text, size_t max_bytes = SIZE_MAX);
// How much of an incident's group value or a profile's entity a listing shows: one
// CloudTrail ARN can be 200 KB.
constexpr size_t kShownGroup = 300;

// Rejected records on stderr as vigil ingest shows them: "vigil ingest: FILE:LINE: reason" for
// the first 20, then a count; and each input that could not be read in full, with why.
class RejectionPrinter {
 public:
  explicit RejectionPrinter(const Context& ctx) : ctx_(ctx) {}
  // `after_progress`: a progress line is on the terminal and is cleared first.
  void Print(const ingest::Rejection& r, bool after_progress);
  // When ingest ended: "... and N more rejected records" (with a hint at --errors unless
  // `errors_file`), then the inputs not read in full.
  void Finish(const ingest::Summary& summary, bool errors_file) const;
  int64_t count() const { return count_; }

 private:
  const Context& ctx_;
  int64_t count_ = 0;
};

struct InitOptions {};
Status RunInit(const Context& ctx, const InitOptions& options);

struct IngestOptions {
  std::vector<std::string> inputs;
  std::string input_format = "auto";
  int year = 0;          // 0: from each file's modification time
  std::string timezone;  // of zone-less times; "": the configuration's, else UTC
  bool detect = false;
  std::string errors;                   // NDJSON of rejected records
  uint64_t max_record_size = 4u << 20;  // longer records are quarantined cut
};
Status RunIngest(const Context& ctx, const IngestOptions& options);

struct VerifyOptions {
  std::vector<std::string> pubkeys;
  std::vector<std::string> checkpoints;
  unsigned jobs = 0;
  size_t max_problems = 1000;
  std::vector<std::string> files;  // exported files to look up by SHA-256 (--file)
};
Status RunVerify(const Context& ctx, const VerifyOptions& options);

struct KeygenOptions {
  std::string name = "vigil";
  std::string out = "vigil";  // writes <out>.key and <out>.pub
  bool force = false;
};
Status RunKeygen(const Context& ctx, const KeygenOptions& options);

struct SealOptions {
  std::string key;
  std::string out = "-";
};
Status RunSeal(const Context& ctx, const SealOptions& options);

struct CorrelateOptions {
  std::vector<std::string> rules;  // --rules FILE|DIR
  bool no_builtin = false;
  bool dry_run = false;
  bool rescan = false;
  bool list_rules = false;
  size_t max_groups = 0;  // 0: the engine's default
};
Status RunCorrelate(const Context& ctx, const CorrelateOptions& options);

struct ScoreOptions {
  bool retrain = false;
  bool dry_run = false;
  int64_t explain = 0;     // --explain ID (0: no)
  std::string fail_above;  // --fail-above SEVERITY: exit 1 if any incident is at or above it
};
Status RunScore(const Context& ctx, const ScoreOptions& options);

struct ProfileOptions {
  std::string user;  // USER
  std::string ip;    // --ip ADDRESS
  bool list = false;
  std::string kind;  // --kind user|source, with --list
  size_t limit = 0;  // --limit N, with --list (0: all)
};
Status RunProfile(const Context& ctx, const ProfileOptions& options);

struct ReportOptions {
  std::vector<int64_t> ids;
  std::string severity, type, user, ip, since, until, status, tlp;
  std::string narrator;         // --narrator CMD (report only)
  int narrator_timeout_s = 30;  // --narrator-timeout SECONDS
};
Status RunReport(const Context& ctx, const ReportOptions& options);

// The incident filter of vigil report, export and stats from their options: kUsage for a
// --since or --until that is not a time. Defined in report_command.cpp.
Result<report::Filter> ReportFilter(const ReportOptions& options);

struct ReviewOptions {
  int64_t id = 0;
  bool approve = false, reject = false, comment = false;
  bool false_positive = false, undo = false;  // analyst feedback (review/feedback.h)
  std::string scope = "entity";               // of --false-positive: entity or rule
  std::string analyst;                        // --analyst, else $VIGIL_ANALYST
  std::string note;
};
Status RunReview(const Context& ctx, const ReviewOptions& options);

struct ExportOptions {
  ReportOptions report;  // the same selection as vigil report
  std::string format = "json";
  bool events = false;
  std::string output = "-";
};
Status RunExport(const Context& ctx, const ExportOptions& options);

struct StatsOptions {
  ReportOptions filter;  // --severity, --type, --user, --ip, --since, --until, --status
  size_t top = 10;       // --top N: length of the top lists
  bool ascii = false;    // --ascii: no block characters in the text output
};
Status RunStats(const Context& ctx, const StatsOptions& options);

struct AnalyzeOptions {
  std::vector<std::string> inputs;
  int year = 0;
  std::string output;   // -o FILE: .json, .ndjson, .csv, .md
  std::string fail_on;  // --fail-on SEVERITY
};
Status RunAnalyze(const Context& ctx, const AnalyzeOptions& options);

struct AlertCommandOptions {
  bool dry_run = false, mark_seen = false, history = false;
  size_t limit = 20;   // --history --limit N (0: all)
  std::string output;  // --output FILE: append NDJSON lines
  bool syslog = false;
  std::string exec;      // --exec CMD: once per alert, the alert JSON on stdin
  int exec_timeout = 0;  // seconds, 0: the config's (default 10)
  // Overrides of the config file's alert section (empty / negative: not given).
  std::string min_severity;
  int risk_above = -1, cooldown = -1;
  double anomaly = -1;
};
Status RunAlert(const Context& ctx, const AlertCommandOptions& options);

}  // namespace vigil::cli
