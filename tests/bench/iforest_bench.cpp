// Isolation Forest benchmark (issue 5), run by hand: features of every event of a store built
// from gen_events.py, fit (100 trees, 256 samples) and score every event, then ROC AUC
// against the truth file's malicious lines. The peer: ../shared/bench/peers.sh --only e.
//   vigil_iforest_bench STORE TRUTH.json [THREADS=2]
#include <simdjson.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <numeric>
#include <thread>
#include <unordered_set>
#include <vector>

#include "score/features.h"
#include "score/isolation_forest.h"
#include "store/database.h"
#include "store/store.h"

namespace {

using Clock = std::chrono::steady_clock;
double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

// ROC AUC as the Mann-Whitney statistic, ties ranked by their average.
double Auc(const std::vector<double>& score, const std::vector<uint8_t>& label) {
  std::vector<size_t> order(score.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return score[a] < score[b]; });
  double rank_sum = 0, positives = 0;
  for (size_t i = 0; i < order.size();) {
    size_t j = i;
    while (j < order.size() && score[order[j]] == score[order[i]]) ++j;
    const double rank = (double(i) + double(j - 1)) / 2.0 + 1.0;
    for (size_t k = i; k < j; ++k) {
      if (label[order[k]]) {
        rank_sum += rank;
        positives += 1;
      }
    }
    i = j;
  }
  const double negatives = double(score.size()) - positives;
  return (rank_sum - positives * (positives + 1) / 2.0) / (positives * negatives);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s STORE TRUTH.json [THREADS]\n", argv[0]);
    return 2;
  }
  const unsigned threads = argc > 3 ? unsigned(std::atoi(argv[3])) : 2;
  simdjson::dom::parser parser;
  simdjson::dom::element truth;
  if (parser.load(argv[2]).get(truth) != simdjson::SUCCESS) {
    std::fprintf(stderr, "cannot read %s\n", argv[2]);
    return 2;
  }
  std::unordered_set<int64_t> malicious;  // 1-based line numbers, as events.source_line
  for (simdjson::dom::element sc : truth.get_array()) {
    bool bad = false;
    if (sc["malicious"].get(bad) != simdjson::SUCCESS || !bad) continue;
    for (simdjson::dom::element line : sc["lines"].get_array()) {
      malicious.insert(int64_t(line.get_int64().value()) + 1);
    }
  }
  auto db = vigil::store::OpenStore(argv[1], vigil::store::StoreAccess::kRead);
  if (!db) {
    std::fprintf(stderr, "%s\n", db.error().ToString().c_str());
    return 4;
  }
  const char* sql =
      "SELECT ts_us, source_ip, destination_ip, destination_port, user_name, event_outcome, "
      "event_category, source_bytes, source_line FROM events ORDER BY ts_us, id";
  vigil::score::FeatureExtractor features;
  std::vector<double> x;
  std::vector<uint8_t> y;
  const auto t0 = Clock::now();
  for (int pass = 0; pass < 2; ++pass) {
    auto st = db->Prepare(sql, "read events");
    if (!st) return 4;
    vigil::Event e;
    for (;;) {
      auto row = st->Step();
      if (!row) return 4;
      if (!*row) break;
      auto text = [&](int i) -> std::optional<std::string> {
        if (st->ColumnType(i) == vigil::store::ValueType::kNull) return std::nullopt;
        return std::string(st->ColumnText(i));
      };
      auto integer = [&](int i) -> std::optional<int64_t> {
        if (st->ColumnType(i) == vigil::store::ValueType::kNull) return std::nullopt;
        return st->ColumnInteger(i);
      };
      e.ts_us = st->ColumnInteger(0);
      e.source_ip = text(1);
      e.destination_ip = text(2);
      e.destination_port = integer(3);
      e.user_name = text(4);
      e.event_outcome = text(5);
      e.event_category = text(6);
      e.source_bytes = integer(7);
      if (pass == 0) {
        features.Observe(e);
        continue;
      }
      const size_t at = x.size();
      x.resize(at + vigil::score::FeatureExtractor::kCount);
      features.Extract(e, x.data() + at);
      y.push_back(malicious.count(integer(8).value_or(-1)) ? 1 : 0);
    }
  }
  const auto t1 = Clock::now();
  const size_t n = y.size(), width = vigil::score::FeatureExtractor::kCount;
  auto forest = vigil::score::IsolationForest::Fit(x.data(), n, width, {});
  if (!forest) {
    std::fprintf(stderr, "%s\n", forest.error().ToString().c_str());
    return 5;
  }
  const auto t2 = Clock::now();
  std::vector<double> score(n);
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      const size_t first = n * t / threads, last = n * (t + 1) / threads;
      forest->ScoreMany(x.data() + first * width, last - first, score.data() + first);
    });
  }
  for (auto& th : pool) th.join();
  const auto t3 = Clock::now();
  const double auc = Auc(score, y);
  std::printf(
      "{\"rows\": %zu, \"features\": %zu, \"malicious\": %zu, \"features_s\": %.3f, "
      "\"fit_s\": %.3f, \"score_s\": %.3f, \"fit_score_s\": %.3f, \"threads\": %u, "
      "\"auc\": %.4f}\n",
      n, width, size_t(std::count(y.begin(), y.end(), 1)), Seconds(t0, t1), Seconds(t1, t2),
      Seconds(t2, t3), Seconds(t1, t3), threads, auc);
  return 0;
}
