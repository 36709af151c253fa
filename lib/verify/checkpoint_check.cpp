// Step 3 of verifier.cpp, for checkpoints: each one signed into the store or handed in
// detached is opened with the accepted keys and its signed head compared with the chain at
// its size; the largest size a valid checkpoint vouches for is the sealed size.
#include <algorithm>

#include "verify/checkpoint.h"
#include "verify/findings.h"

namespace vigil::verify {
namespace {

// Checks one checkpoint against the chain. `chain_seq` is the entry that records it in the
// store (nullopt for a detached one); `own_key` the key it names (store checkpoints only).
struct CheckpointResult {
  bool valid = false;
  int64_t size = 0;
  std::optional<Problem> problem;  // rewritten problems get their seq later
};

Result<CheckpointResult> CheckCheckpoint(Coordinator& c, const std::string& name,
                                         std::optional<int64_t> chain_seq, const std::string& note,
                                         const std::optional<std::string>& own_key) {
  CheckpointResult r;
  auto fail = [&](ProblemKind kind, std::optional<int64_t> seq, std::string detail) {
    r.problem =
        MakeProblem(kind, seq, chain_seq ? "checkpoints" : "", std::nullopt, name + ": " + detail);
    return r;
  };
  std::vector<crypto::NoteVerifier> keys = c.options.trusted_keys;
  if (keys.empty() && own_key) {
    auto key = crypto::ParseVerifierKey(*own_key);
    if (!key) return fail(ProblemKind::kBadSignature, chain_seq, "its key is malformed");
    keys.push_back(*key);
  }
  auto opened = crypto::OpenNote(note, keys);
  if (!opened) return fail(ProblemKind::kBadSignature, chain_seq, opened.error().message);
  auto body = ParseCheckpointBody(opened->text);
  if (!body) return fail(ProblemKind::kBadSignature, chain_seq, body.error().message);
  if (body->origin != OriginFor(c.summary.store_id)) {
    return fail(ProblemKind::kBadSignature, chain_seq,
                "checkpoint is for '" + body->origin + "', not this store");
  }
  r.size = body->size;
  if (body->size > c.summary.head_seq) {
    // Its seq is set later: the first entry no valid checkpoint vouches for.
    Problem p = MakeProblem(ProblemKind::kTruncated, std::nullopt, {}, std::nullopt,
                            name + ": signed checkpoint covers " + std::to_string(body->size) +
                                " entries, the chain has " + std::to_string(c.summary.head_seq));
    p.expected = std::to_string(body->size);
    p.actual = std::to_string(c.summary.head_seq);
    r.problem = std::move(p);
    return r;
  }
  crypto::Digest at_size{};
  if (body->size > 0) {
    auto stmt =
        c.db.Prepare("SELECT chain_hash FROM chain WHERE seq = ?1", "read checkpointed entry");
    if (!stmt) return stmt.error();
    Status s = stmt->BindInteger(1, body->size);
    if (!s.ok()) return s.error();
    auto row = stmt->Step();
    if (!row) return row.error();
    if (!*row) return r;  // that entry is gone: already reported as deleted
    auto d = crypto::DigestFromBytes(stmt->ColumnBlob(0));
    if (!d) return r;  // malformed: already reported as modified
    at_size = *d;
  }
  if (!crypto::DigestEqual(at_size, body->head)) {
    Problem p = MakeProblem(ProblemKind::kRewritten, std::nullopt, {}, std::nullopt,
                            name + ": the chain at seq " + std::to_string(body->size) +
                                " differs from the signed head: it was recomputed");
    p.expected = crypto::DigestHex(body->head);
    p.actual = crypto::DigestHex(at_size);
    r.problem = std::move(p);
    return r;
  }
  r.valid = true;
  return r;
}

}  // namespace

Status CheckCheckpoints(Coordinator& c) {
  struct Found {
    std::string name;
    std::optional<int64_t> chain_seq;
    std::string note;
    std::optional<std::string> key;
  };
  std::vector<Found> found;
  auto stmt = c.db.Prepare(
      "SELECT c.id, c.key, c.note, (SELECT seq FROM chain WHERE tbl = 'checkpoints' AND "
      "row_id = c.id) FROM checkpoints c ORDER BY c.id",
      "read checkpoints");
  if (!stmt) return stmt.error();
  for (;;) {
    auto row = stmt->Step();
    if (!row) return row.error();
    if (!*row) break;
    Found f;
    f.name = "checkpoint " + std::to_string(stmt->ColumnInteger(0));
    if (stmt->ColumnType(3) != store::ValueType::kNull) f.chain_seq = stmt->ColumnInteger(3);
    f.key = std::string(stmt->ColumnText(1));
    f.note = std::string(stmt->ColumnText(2));
    found.push_back(std::move(f));
  }
  for (const auto& [name, text] : c.options.detached_checkpoints) {
    found.push_back({name, std::nullopt, text, std::nullopt});
  }

  std::vector<CheckpointResult> results;
  for (const Found& f : found) {
    auto r = CheckCheckpoint(c, f.name, f.chain_seq, f.note, f.key);
    if (!r) return r.error();
    results.push_back(std::move(*r));
  }
  c.summary.checkpoints = static_cast<int64_t>(found.size());
  for (const CheckpointResult& r : results) {
    if (!r.valid) continue;
    ++c.summary.checkpoints_valid;
    if (!c.summary.sealed_size || r.size > *c.summary.sealed_size) c.summary.sealed_size = r.size;
  }
  for (CheckpointResult& r : results) {
    if (!r.problem) continue;
    if (r.problem->kind == ProblemKind::kRewritten || r.problem->kind == ProblemKind::kTruncated) {
      // The first entry no valid checkpoint vouches for: everything after the newest valid
      // checkpoint below this one may have been recomputed. A chain cut short has lost the
      // entries that would show whether the rest is the sealed one: a tail cut off and a
      // chain recomputed from some earlier point and cut give the same evidence.
      int64_t below = 0;
      for (const CheckpointResult& other : results) {
        if (other.valid && other.size < r.size) below = std::max(below, other.size);
      }
      r.problem->seq = below + 1;
      if (r.problem->kind == ProblemKind::kTruncated && below < c.summary.head_seq) {
        r.problem->detail += below == 0 ? "; no valid checkpoint vouches for any entry"
                                        : "; no valid checkpoint vouches for the entries after " +
                                              std::to_string(below);
      }
    }
    c.problems.push_back(std::move(*r.problem));
  }
  if (!c.options.trusted_keys.empty() && c.summary.checkpoints_valid == 0 &&
      std::none_of(results.begin(), results.end(),
                   [](const CheckpointResult& r) { return r.problem.has_value(); })) {
    c.problems.push_back(MakeProblem(ProblemKind::kBadSignature, std::nullopt, {}, std::nullopt,
                                     "no checkpoint signed by a trusted key was found"));
  }
  return {};
}

}  // namespace vigil::verify
