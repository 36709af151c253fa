#pragma once
// The options of each subcommand, declared into CLI11 (declare.cpp, which with cli.cpp is all
// that includes CLI11): each Declare<Command> binds the command's flags to its plain Options
// struct (commands.h) and sets its --help footer. Internal to cli/.

#include "cli/commands.h"

namespace CLI {
class App;
}  // namespace CLI

namespace vigil::cli {

void DeclareInit(CLI::App* init, InitOptions& options);
void DeclareIngest(CLI::App* ingest, IngestOptions& ingest_options);
void DeclareVerify(CLI::App* verify, VerifyOptions& verify_options);
void DeclareKeygen(CLI::App* keygen, KeygenOptions& keygen_options);
void DeclareSeal(CLI::App* seal, SealOptions& seal_options);
void DeclareCorrelate(CLI::App* correlate, CorrelateOptions& correlate_options);
void DeclareScore(CLI::App* score, ScoreOptions& score_options);
void DeclareProfile(CLI::App* profile, ProfileOptions& profile_options);
void DeclareReport(CLI::App* report, ReportOptions& report_options);
void DeclareReview(CLI::App* review, ReviewOptions& review_options);
void DeclareExport(CLI::App* exporter, ExportOptions& export_options);
void DeclareStats(CLI::App* stats, StatsOptions& stats_options);
void DeclareAlert(CLI::App* alert, AlertCommandOptions& alert_options);
void DeclareAnalyze(CLI::App* analyze, AnalyzeOptions& analyze_options);

}  // namespace vigil::cli
