#include "score/isolation_forest.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>

namespace vigil::score {
namespace {

constexpr double kEulerGamma = 0.5772156649015329;
constexpr char kMagic[] = "vigil-iforest-v1";

// SplitMix64: small, fast, and the same everywhere.
class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, 1).
  double Unit() { return double(Next() >> 11) * 0x1.0p-53; }
  // Uniform in [0, n).
  size_t Below(size_t n) { return size_t(Next() % n); }

 private:
  uint64_t state_;
};

void PutU64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(char((v >> (8 * i)) & 0xff));
}
uint64_t GetU64(std::string_view in, size_t at) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | uint8_t(in[at + size_t(i)]);
  return v;
}

}  // namespace

double AveragePathLength(double n) {
  if (n <= 1) return 0.0;
  if (n <= 2) return 1.0;
  const double harmonic = std::log(n - 1) + kEulerGamma;
  return 2.0 * harmonic - 2.0 * (n - 1) / n;
}

Result<IsolationForest> IsolationForest::Fit(const std::vector<std::vector<double>>& rows,
                                             const ForestOptions& options) {
  if (rows.empty()) return MakeError(ErrorCode::kBadInput, "isolation forest: no rows to fit");
  const size_t width = rows[0].size();
  std::vector<double> flat;
  flat.reserve(rows.size() * width);
  for (const auto& r : rows) {
    if (r.size() != width) {
      return MakeError(ErrorCode::kBadInput, "isolation forest: rows of different widths");
    }
    flat.insert(flat.end(), r.begin(), r.end());
  }
  return Fit(flat.data(), rows.size(), width, options);
}

Result<IsolationForest> IsolationForest::Fit(const double* data, size_t n_rows, size_t width,
                                             const ForestOptions& options) {
  if (n_rows == 0) return MakeError(ErrorCode::kBadInput, "isolation forest: no rows to fit");
  if (options.trees < 1 || options.sample_size < 2) {
    return MakeError(ErrorCode::kUsage, "isolation forest: need trees >= 1 and sample size >= 2");
  }
  if (width == 0) return MakeError(ErrorCode::kBadInput, "isolation forest: no features");
  for (size_t i = 0; i < n_rows * width; ++i) {
    if (!std::isfinite(data[i])) {
      return MakeError(ErrorCode::kBadInput, "isolation forest: NaN or inf");
    }
  }
  IsolationForest forest;
  forest.features_ = width;
  const auto value = [&](size_t row, size_t f) { return data[row * width + f]; };
  const size_t psi = std::min(n_rows, size_t(options.sample_size));
  forest.sample_size_ = int(psi);
  const int height_limit = int(std::ceil(std::log2(double(psi))));
  Random rng(options.seed);
  std::vector<size_t> all(n_rows);
  std::iota(all.begin(), all.end(), 0);
  std::vector<size_t> candidates;

  for (int t = 0; t < options.trees; ++t) {
    // Sub-sample without replacement (partial Fisher-Yates).
    for (size_t i = 0; i < psi; ++i) std::swap(all[i], all[i + rng.Below(all.size() - i)]);
    std::vector<size_t> sample(all.begin(), all.begin() + long(psi));
    forest.roots_.push_back(int32_t(forest.nodes_.size()));
    // Build depth-first with an explicit stack: (node index, first, last, depth).
    struct Task {
      int32_t node;
      size_t first, last;
      int depth;
    };
    forest.nodes_.push_back(Node{});
    std::vector<Task> stack = {{int32_t(forest.nodes_.size() - 1), 0, psi, 0}};
    while (!stack.empty()) {
      const Task task = stack.back();
      stack.pop_back();
      const size_t n = task.last - task.first;
      Node node;
      node.size = int32_t(n);
      if (task.depth >= height_limit || n <= 1) {
        forest.nodes_[size_t(task.node)] = node;
        continue;
      }
      // A random attribute among those that vary here, and a random split between its
      // minimum and maximum (the paper's q and p).
      candidates.clear();
      std::vector<double> lo(forest.features_, 0), hi(forest.features_, 0);
      for (size_t f = 0; f < forest.features_; ++f) {
        double mn = value(sample[task.first], f), mx = mn;
        for (size_t i = task.first + 1; i < task.last; ++i) {
          mn = std::min(mn, value(sample[i], f));
          mx = std::max(mx, value(sample[i], f));
        }
        lo[f] = mn;
        hi[f] = mx;
        if (mx > mn) candidates.push_back(f);
      }
      if (candidates.empty()) {  // identical points: nothing to split
        forest.nodes_[size_t(task.node)] = node;
        continue;
      }
      const size_t f = candidates[rng.Below(candidates.size())];
      double split = lo[f] + rng.Unit() * (hi[f] - lo[f]);
      if (split <= lo[f]) split = std::nextafter(lo[f], hi[f]);  // both sides non-empty
      const auto mid =
          std::partition(sample.begin() + long(task.first), sample.begin() + long(task.last),
                         [&](size_t row) { return value(row, f) < split; });
      const size_t cut = size_t(mid - sample.begin());
      node.feature = int32_t(f);
      node.split = split;
      node.left = int32_t(forest.nodes_.size());
      node.right = node.left + 1;
      forest.nodes_[size_t(task.node)] = node;
      forest.nodes_.push_back(Node{});
      forest.nodes_.push_back(Node{});
      stack.push_back({node.right, cut, task.last, task.depth + 1});
      stack.push_back({node.left, task.first, cut, task.depth + 1});
    }
  }
  forest.Compile();
  return forest;
}

void IsolationForest::Compile() {
  packed_.resize(nodes_.size());
  // Children always follow their parent in the table (Fit builds them so; Deserialize checks
  // it), so one forward pass gives every node's depth.
  std::vector<int> depth(nodes_.size(), 0);
  max_depth_ = 0;
  walk_.resize(nodes_.size());
  leaf_total_.assign(nodes_.size(), 0.0);
  for (size_t i = 0; i < nodes_.size(); ++i) {
    const Node& n = nodes_[i];
    Packed& p = packed_[i];
    p.feature = n.feature;
    p.left = n.left;
    p.value = n.feature < 0 ? AveragePathLength(n.size) : n.split;
    // A leaf loops to itself: feature 0 is never >= +infinity (NaN is not either).
    walk_[i] = n.feature < 0 ? Packed{std::numeric_limits<double>::infinity(), 0, int32_t(i)}
                             : Packed{n.split, n.feature, n.left};
    leaf_total_[i] = double(depth[i]) + p.value;
    if (n.feature >= 0) {
      for (int32_t child : {n.left, n.right}) {  // max: a damaged model may share children
        depth[size_t(child)] = std::max(depth[size_t(child)], depth[i] + 1);
      }
      max_depth_ = std::max(max_depth_, depth[i] + 1);
    }
  }
}

double IsolationForest::PathLength(const double* point, int32_t root) const {
  // Branch-free step (left when below the split, else left + 1): random splits would make a
  // conditional jump mispredict about half the time.
  const Packed* node = &packed_[size_t(root)];
  int depth = 0;
  while (node->feature >= 0) {
    const int32_t right = point[size_t(node->feature)] >= node->value ? 1 : 0;
    node = &packed_[size_t(node->left + right)];
    ++depth;
  }
  return double(depth) + node->value;
}

double IsolationForest::MeanPathLength(const double* point) const {
  double total = 0;
  for (int32_t root : roots_) total += PathLength(point, root);
  return total / double(roots_.size());
}

double IsolationForest::PathLength(const std::vector<double>& point) const {
  return MeanPathLength(point.data());
}

double IsolationForest::Score(const double* point) const {
  const double c = AveragePathLength(sample_size_);
  if (c <= 0) return 0.5;
  return std::pow(2.0, -MeanPathLength(point) / c);
}

void IsolationForest::ScoreMany(const double* points, size_t n, double* out) const {
  // Level by level: every point of a block takes one step down the tree before any takes the
  // next, so the steps of different points are independent and the CPU overlaps their loads
  // (a walk to the leaf is a chain of dependent loads). In walk_ a leaf leads to itself, so a
  // step needs no test; the leaf's depth plus its c(size) is leaf_total_, the same sum that
  // PathLength makes, so the scores are exactly those of Score.
  constexpr size_t kBlock = 256;
  const double c = AveragePathLength(sample_size_);
  double depth[kBlock];
  int32_t at[kBlock];
  for (size_t first = 0; first < n; first += kBlock) {
    const size_t count = std::min(kBlock, n - first);
    const double* block = points + first * features_;
    std::fill(depth, depth + count, 0.0);
    for (int32_t root : roots_) {
      std::fill(at, at + count, root);
      for (int level = 0; level < max_depth_; ++level) {
        for (size_t i = 0; i < count; ++i) {
          const Packed& node = walk_[size_t(at[i])];
          at[i] = node.left + (block[i * features_ + size_t(node.feature)] >= node.value ? 1 : 0);
        }
      }
      for (size_t i = 0; i < count; ++i) depth[i] += leaf_total_[size_t(at[i])];
    }
    for (size_t i = 0; i < count; ++i) {
      const double mean = depth[i] / double(roots_.size());
      out[first + i] = c <= 0 ? 0.5 : std::pow(2.0, -mean / c);
    }
  }
}

double IsolationForest::Score(const std::vector<double>& point) const {
  return Score(point.data());
}

std::string IsolationForest::Serialize() const {
  std::string out(kMagic, sizeof kMagic - 1);
  PutU64(out, features_);
  PutU64(out, uint64_t(sample_size_));
  PutU64(out, roots_.size());
  for (int32_t r : roots_) PutU64(out, uint64_t(uint32_t(r)));
  PutU64(out, nodes_.size());
  for (const Node& n : nodes_) {
    uint64_t bits = 0;
    std::memcpy(&bits, &n.split, sizeof bits);
    PutU64(out, uint64_t(uint32_t(n.feature)));
    PutU64(out, bits);
    PutU64(out, uint64_t(uint32_t(n.left)));
    PutU64(out, uint64_t(uint32_t(n.right)));
    PutU64(out, uint64_t(uint32_t(n.size)));
  }
  return out;
}

Result<IsolationForest> IsolationForest::Deserialize(std::string_view in) {
  const auto bad = [](const char* why) {
    return MakeError(ErrorCode::kStore, std::string("isolation forest model: ") + why);
  };
  const size_t magic = sizeof kMagic - 1;
  if (in.size() < magic + 24 || in.substr(0, magic) != std::string_view(kMagic, magic)) {
    return bad("not a vigil-iforest-v1 model");
  }
  size_t at = magic;
  auto next = [&]() {
    const uint64_t v = GetU64(in, at);
    at += 8;
    return v;
  };
  IsolationForest f;
  f.features_ = size_t(next());
  f.sample_size_ = int(next());
  if (f.features_ == 0 || f.features_ > 4096) return bad("bad feature count");
  const uint64_t trees = next();
  if (trees == 0 || trees > (in.size() - at) / 8) return bad("bad tree count");
  for (uint64_t i = 0; i < trees; ++i) f.roots_.push_back(int32_t(uint32_t(next())));
  if (in.size() - at < 8) return bad("truncated");
  const uint64_t nodes = next();
  if (nodes > (in.size() - at) / 40 || (in.size() - at) != nodes * 40) return bad("bad node table");
  for (uint64_t i = 0; i < nodes; ++i) {
    Node n;
    n.feature = int32_t(uint32_t(next()));
    const uint64_t bits = next();
    std::memcpy(&n.split, &bits, sizeof bits);
    n.left = int32_t(uint32_t(next()));
    n.right = int32_t(uint32_t(next()));
    n.size = int32_t(uint32_t(next()));
    f.nodes_.push_back(n);
  }
  // Every reference must stay inside the table, so a damaged model cannot crash scoring.
  const auto in_range = [&](int32_t i) { return i >= 0 && uint64_t(i) < nodes; };
  for (int32_t r : f.roots_) {
    if (!in_range(r)) return bad("root out of range");
  }
  for (size_t i = 0; i < f.nodes_.size(); ++i) {
    const Node& n = f.nodes_[i];
    if (n.feature < 0) continue;
    if (size_t(n.feature) >= f.features_ || !in_range(n.left) || !in_range(n.right) ||
        size_t(n.left) <= i || n.right != n.left + 1) {
      return bad("node out of range");
    }
  }
  f.Compile();
  return f;
}

}  // namespace vigil::score
