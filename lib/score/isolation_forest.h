#pragma once
// Isolation Forest (Liu, Ting and Zhou, "Isolation Forest", ICDM 2008): anomalies are few and
// different, so random axis-parallel splits isolate them in fewer steps than normal points.
// Scores follow the paper: s(x) = 2^(-E[h(x)] / c(psi)) in [0, 1], higher is more anomalous
// (scikit-learn's score_samples is the negation of this).
//
// Deterministic: the trees depend only on the data, the options and the seed (vigil's own
// generator, not std::uniform_*_distribution, whose output differs between libraries).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace vigil::score {

struct ForestOptions {
  int trees = 100;           // t in the paper
  int sample_size = 256;     // psi: points per tree (all points when there are fewer)
  uint64_t seed = 20081215;  // fixed, so results reproduce
};

// c(n): the average path length of an unsuccessful search in a binary search tree of n points,
// used to normalise path lengths. c(n) = 2 H(n - 1) - 2 (n - 1) / n; c(2) = 1; c(n <= 1) = 0.
double AveragePathLength(double n);

class IsolationForest {
 public:
  // `rows` are points with the same number of features each (NaN is not allowed).
  static Result<IsolationForest> Fit(const std::vector<std::vector<double>>& rows,
                                     const ForestOptions& options);
  // The same over `n` rows of `width` values each, stored row after row.
  static Result<IsolationForest> Fit(const double* data, size_t n, size_t width,
                                     const ForestOptions& options);

  // The anomaly score of one point, in [0, 1].
  double Score(const std::vector<double>& point) const;
  double Score(const double* point) const;  // features() values
  // Scores `n` points stored row after row into out[0..n): the same values as Score, computed
  // tree by tree over blocks of points (so each tree stays in the L1 cache), level by level.
  void ScoreMany(const double* points, size_t n, double* out) const;
  // Expected path length E[h(x)] over the trees.
  double PathLength(const std::vector<double>& point) const;

  size_t features() const { return features_; }
  size_t trees() const { return roots_.size(); }
  int sample_size() const { return sample_size_; }

  // A compact binary form for the store (versioned, little-endian), and back.
  std::string Serialize() const;
  static Result<IsolationForest> Deserialize(std::string_view bytes);

 private:
  struct Node {
    int32_t feature = -1;  // -1: external node
    double split = 0;      // go left when x[feature] < split
    int32_t left = -1, right = -1;
    int32_t size = 0;  // external nodes: points that reached it
  };
  double PathLength(const double* point, int32_t root) const;
  double MeanPathLength(const double* point) const;
  void Compile();  // builds packed_ from nodes_

  // What scoring walks: 16 bytes a node; a leaf holds its c(size) correction, an internal
  // node its split; the right child is always left + 1.
  struct Packed {
    double value = 0;
    int32_t feature = -1;
    int32_t left = -1;
  };
  std::vector<Packed> packed_;
  int max_depth_ = 0;  // edges on the longest root-to-leaf path of any tree
  // What ScoreMany walks: as packed_, but a leaf leads to itself; and per leaf its depth plus
  // its c(size) (the same sum as PathLength's).
  std::vector<Packed> walk_;
  std::vector<double> leaf_total_;

  size_t features_ = 0;
  int sample_size_ = 0;
  std::vector<Node> nodes_;     // all trees, each tree contiguous
  std::vector<int32_t> roots_;  // index of each tree's root in nodes_
};

}  // namespace vigil::score
