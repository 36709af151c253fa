// vigil alert: evaluate the trigger rules on what is new, store the alerts, then deliver every
// pending alert through one channel; or --history.
#include <fmt/format.h>

#include "alert/alert.h"
#include "alert/deliver.h"
#include "cli/commands.h"
#include "core/encoding.h"
#include "core/json.h"
#include "core/time.h"
#include "store/store.h"

namespace vigil::cli {
namespace {

Status PrintHistory(const Context& ctx, store::Database& db, size_t limit) {
  auto alerts = alert::History(db, limit);
  if (!alerts) return alerts.error();
  if (ctx.global.format == OutputFormat::kJson) {
    JsonWriter w;
    w.BeginObject().Key("alerts").BeginArray();
    for (const alert::StoredAlert& a : *alerts) {
      w.BeginObject().Key("id").Int(a.id).Key("raised").String(FormatUtc(a.created_us));
      w.Key("delivered").Bool(a.delivered).Key("attempts").Int(a.attempts);
      w.Key("last_channel").String(a.last_channel).Key("last_detail").String(a.last_detail);
      w.Key("alert").Raw(a.payload).EndObject();
    }
    w.EndArray().EndObject();
    ctx.out << w.str() << "\n";
    return {};
  }
  ctx.out << fmt::format("{:>6}  {:<20}  {:<10}  {}\n", "ID", "RAISED", "DELIVERY", "ALERT");
  for (const alert::StoredAlert& a : *alerts) {
    const std::string summary = alert::PayloadSummary(a).value_or("(not written by vigil alert)");
    ctx.out << fmt::format("{:>6}  {:<20}  {:<10}  {}\n", a.id,
                           FormatUtc(a.created_us).substr(0, 19), alert::DeliveryState(a),
                           TerminalSafe(summary));
  }
  return {};
}

}  // namespace

Status RunAlert(const Context& ctx, const AlertCommandOptions& o) {
  const int channels = int(!o.output.empty()) + int(o.syslog) + int(!o.exec.empty());
  if (channels > 1) {
    return MakeError(ErrorCode::kUsage, "give one of --output, --syslog and --exec");
  }
  if (o.history) {
    if (o.dry_run || o.mark_seen || channels > 0) {
      return MakeError(ErrorCode::kUsage, "--history only lists; it takes --limit");
    }
    // kWrite: a store of an older schema is migrated first, as by every writing command.
    auto db = store::OpenStore(ctx.global.db, store::StoreAccess::kWrite);
    if (!db) return db.error();
    return PrintHistory(ctx, *db, o.limit);
  }
  auto config = LoadConfigFor(ctx);
  if (!config) return config.error();
  alert::Options run;
  run.thresholds = config->alert;
  run.min_severity = o.min_severity;
  run.risk_above = o.risk_above;
  run.cooldown_s = o.cooldown;
  run.anomaly = o.anomaly;
  run.dry_run = o.dry_run;
  run.mark_seen = o.mark_seen;
  auto db = store::OpenStore(ctx.global.db, store::StoreAccess::kWrite);
  if (!db) return db.error();
  auto result = alert::Run(run, *db);
  if (!result) return result.error();
  if (o.dry_run) {
    for (alert::Alert& a : result->raised) {
      a.created_us = NowMicros();
      ctx.out << alert::AlertJson(a) << "\n";
    }
    Note(ctx, fmt::format("dry run: {} alerts would be raised, {} held back; nothing stored",
                          result->raised.size(), result->suppressed));
    return {};
  }
  if (o.mark_seen) {
    Note(ctx, fmt::format("marked {} events, {} scores and {} event scores as seen",
                          result->events_read, result->scores_read, result->event_scores_read));
    return {};
  }
  // Every pending alert: this run's, and earlier ones whose delivery failed.
  auto pending = alert::Pending(*db);
  if (!pending) return pending.error();
  alert::DeliveryOptions delivery;
  delivery.out = &ctx.out;
  delivery.timeout_s = o.exec_timeout > 0 ? o.exec_timeout : config->alert.exec_timeout_s;
  if (!o.output.empty()) {
    delivery.channel = alert::Channel::kFile;
    delivery.target = o.output;
  } else if (o.syslog) {
    delivery.channel = alert::Channel::kSyslog;
  } else if (!o.exec.empty()) {
    delivery.channel = alert::Channel::kExec;
    delivery.target = o.exec;
  }
  auto report = alert::Deliver(*db, *pending, delivery);
  if (!report) return report.error();
  const size_t retried = pending->size() - result->raised.size();
  Note(ctx, fmt::format("{} alerts raised, {} held back by the cooldown or already alerted; "
                        "{} delivered ({}){}",
                        result->raised.size(), result->suppressed, report->delivered,
                        alert::ChannelName(delivery.channel),
                        retried > 0 ? fmt::format(", {} of them retried", retried) : ""));
  for (const std::string& f : report->failures) Note(ctx, "delivery failed: " + f);
  if (report->failed > 0) {
    return MakeError(ErrorCode::kIo,
                     fmt::format("{} of {} deliveries failed; they stay pending for the next run",
                                 report->failed, pending->size()));
  }
  return {};
}

}  // namespace vigil::cli
