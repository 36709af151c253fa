#include "score/isolation_forest.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <vector>

namespace {

using vigil::score::AveragePathLength;
using vigil::score::ForestOptions;
using vigil::score::IsolationForest;

// 1000 points around the origin (a seeded normal cloud) and 10 far outliers.
std::vector<std::vector<double>> Cloud(std::vector<std::vector<double>>* outliers) {
  std::mt19937_64 gen(42);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::vector<std::vector<double>> rows;
  for (int i = 0; i < 1000; ++i) rows.push_back({normal(gen), normal(gen), normal(gen)});
  for (int i = 0; i < 10; ++i) {
    const double r = 8.0 + i;
    outliers->push_back({r * std::cos(i), r * std::sin(i), (i % 2 ? -1 : 1) * r});
  }
  for (const auto& o : *outliers) rows.push_back(o);
  return rows;
}

TEST_CASE("c(n) follows the paper's normalisation", "[score]") {
  CHECK(AveragePathLength(1) == 0.0);
  CHECK(AveragePathLength(2) == 1.0);
  // 2 H(255) - 2 * 255 / 256 with H(i) ~ ln(i) + Euler's gamma.
  CHECK(AveragePathLength(256) == Approx(10.2448).epsilon(1e-4));
  CHECK(AveragePathLength(3) == Approx(2 * (std::log(2.0) + 0.5772156649) - 4.0 / 3));
}

TEST_CASE("Isolation Forest scores far outliers above every normal point", "[score]") {
  std::vector<std::vector<double>> outliers;
  const auto rows = Cloud(&outliers);
  auto forest = IsolationForest::Fit(rows, ForestOptions{});
  REQUIRE(forest.has_value());
  CHECK(forest->trees() == 100);
  CHECK(forest->sample_size() == 256);
  std::vector<double> normal_scores;
  for (size_t i = 0; i < 1000; ++i) normal_scores.push_back(forest->Score(rows[i]));
  const double worst_normal = *std::max_element(normal_scores.begin(), normal_scores.end());
  std::sort(normal_scores.begin(), normal_scores.end());
  const double median_normal = normal_scores[500];
  for (const auto& o : outliers) {
    const double s = forest->Score(o);
    INFO("outlier score " << s << ", worst normal " << worst_normal);
    CHECK(s > 0.6);  // the paper: scores well above 0.5 are anomalies
    CHECK(s > worst_normal);
    CHECK(s >= 0.0);
    CHECK(s <= 1.0);
  }
  CHECK(median_normal < 0.5);  // the paper: normal points score below 0.5
}

TEST_CASE("Isolation Forest is deterministic for a seed and differs across seeds", "[score]") {
  std::vector<std::vector<double>> outliers;
  const auto rows = Cloud(&outliers);
  auto a = IsolationForest::Fit(rows, ForestOptions{});
  auto b = IsolationForest::Fit(rows, ForestOptions{});
  ForestOptions other;
  other.seed = 7;
  auto c = IsolationForest::Fit(rows, other);
  REQUIRE((a.has_value() && b.has_value() && c.has_value()));
  CHECK(a->Serialize() == b->Serialize());
  CHECK(a->Serialize() != c->Serialize());
  CHECK(a->Score(rows[3]) == b->Score(rows[3]));
  // Scoring many points at once gives exactly what scoring each gives.
  std::vector<double> flat;
  for (const auto& r : rows) flat.insert(flat.end(), r.begin(), r.end());
  std::vector<double> many(rows.size());
  a->ScoreMany(flat.data(), rows.size(), many.data());
  for (size_t i = 0; i < rows.size(); ++i) CHECK(many[i] == a->Score(rows[i]));
  // So does a model read back from its stored form (its depth is recomputed on load).
  auto loaded = IsolationForest::Deserialize(a->Serialize());
  REQUIRE(loaded.has_value());
  std::vector<double> again(rows.size());
  loaded->ScoreMany(flat.data(), rows.size(), again.data());
  CHECK(again == many);
}

TEST_CASE("Isolation Forest models survive serialisation and refuse damage", "[score]") {
  std::vector<std::vector<double>> outliers;
  const auto rows = Cloud(&outliers);
  ForestOptions small;
  small.trees = 10;
  auto forest = IsolationForest::Fit(rows, small);
  REQUIRE(forest.has_value());
  const std::string bytes = forest->Serialize();
  auto back = IsolationForest::Deserialize(bytes);
  REQUIRE(back.has_value());
  for (size_t i = 0; i < rows.size(); i += 97)
    CHECK(back->Score(rows[i]) == forest->Score(rows[i]));
  CHECK_FALSE(IsolationForest::Deserialize("not a model").has_value());
  CHECK_FALSE(IsolationForest::Deserialize(bytes.substr(0, bytes.size() - 1)).has_value());
  std::string bent = bytes;
  // Make the last node internal (feature 0) with children before it: a loop, refused.
  for (size_t i = 0; i < 4; ++i) bent[bent.size() - 40 + i] = 0;
  bent[bent.size() - 40 + 16] = '\x01';
  CHECK_FALSE(IsolationForest::Deserialize(bent).has_value());
}

TEST_CASE("Isolation Forest refuses bad input and handles constant data", "[score]") {
  CHECK_FALSE(IsolationForest::Fit({}, ForestOptions{}).has_value());
  CHECK_FALSE(IsolationForest::Fit({{1.0}, {1.0, 2.0}}, ForestOptions{}).has_value());
  CHECK_FALSE(IsolationForest::Fit({{1.0}, {NAN}}, ForestOptions{}).has_value());
  // Identical points cannot be split: every point ends at the root, E[h] = c(psi).
  auto same =
      IsolationForest::Fit(std::vector<std::vector<double>>(50, {3.0, 4.0}), ForestOptions{});
  REQUIRE(same.has_value());
  CHECK(same->sample_size() == 50);
  CHECK(same->Score({3.0, 4.0}) == Approx(0.5));
}

}  // namespace
