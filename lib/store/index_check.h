#pragma once
// Checking each index of the store against its table. Reading commands find rows through
// indexes (scores_by_incident, incident_events_unique, ...), and an index is not under the
// chain: an entry edited in the file's pages can make a query return another row while every
// row stays as sealed. `vigil verify` therefore compares each index with its table.
//
// The comparison sums a keyed 128-bit hash of every entry (key columns and rowid), once read
// through the index alone (a covering scan of its b-tree) and once from the table's rows; the
// key is drawn at random for each run, so a forger cannot make two different sets of entries
// sum alike. Only where the sums differ are the entries compared one by one.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/database.h"

namespace vigil::store {

struct IndexDef {
  std::string name;
  std::string table;
  std::vector<std::string> columns;  // key columns, in index order
};

// Every index of the store whose key is plain columns (an expression or partial index is not
// one vigil creates: store/schema_check.h reports it), in schema order.
Result<std::vector<IndexDef>> ListIndexes(Database& db);

using IndexDigest = std::array<uint64_t, 3>;  // two sums of keyed hashes and a count
using IndexKey = std::array<uint64_t, 2>;

// A key from the system's random source.
IndexKey RandomIndexKey();

// Registers the aggregate vigil_index_sum(...) with `key` on `db` (once per connection).
Status RegisterIndexDigest(Database& db, const IndexKey& key);

// The digest of every entry of `index`, read from the index's own b-tree.
Result<IndexDigest> DigestThroughIndex(Database& db, const IndexDef& index);

// The digests each of `indexes` (all on `table`) should have, from one scan of the table.
Result<std::vector<IndexDigest>> DigestThroughTable(Database& db, const std::string& table,
                                                    const std::vector<IndexDef>& indexes);

// The rowids of entries that are in the index and not in the table (`in_index`) or the other
// way round, at most `limit`, in rowid order.
struct IndexEntryDiff {
  int64_t rowid;
  bool in_index;
};
Result<std::vector<IndexEntryDiff>> IndexDifferences(Database& db, const IndexDef& index,
                                                     int64_t limit);

}  // namespace vigil::store
