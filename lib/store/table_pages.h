#pragma once
// Rows of a rowid table read straight from the store file's b-tree pages, as SQLite's file
// format lays them out (https://www.sqlite.org/fileformat2.html: the database header, b-tree
// pages, cell payloads and overflow pages, the record format). verify hashes every sealed row
// once; read through SQL, SQLite's VM steps each of the 31 columns of an event and copies
// each TEXT and BLOB into a register, which was about half of verify's CPU. Here a row's
// record is decoded where it lies in the mapped file and its canonical encoding
// (store/canonical.h) is written straight to where it is hashed.
//
// The contract is strict: a cursor yields exactly the rows, in the order and with the values,
// that `SELECT * FROM table WHERE id BETWEEN lo AND hi ORDER BY id` gives, or it gives up
// (kGiveUp) and the caller reads through SQL. It gives up on anything it does not expect of a
// store vigil wrote: a page or record that is malformed, out of order or out of bounds, a
// value SQLite would convert, a column default to fill in, and what SQLite itself refuses as
// corrupt when it reads (a page type or cell count it rejects, an overflow page past the end,
// a record header over 98,307 bytes). Giving up is never an answer about the store; the SQL
// path then gives it. Every offset and length taken from the file is checked before it is
// used: the file is evidence and may be hostile.
//
// The pages must hold the reader's snapshot: MapStoreFile checks that the write-ahead log
// holds no frame while the caller's read transaction is open (vigil-store(5), VERIFYING).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/byte_buffer.h"
#include "core/result.h"
#include "store/value.h"

namespace vigil::store {

class Database;

// A read-only view of a database file's pages: mapped from disk, or borrowed bytes (tests,
// fuzzing).
class PageImage {
 public:
  PageImage() = default;
  PageImage(const PageImage&) = delete;
  PageImage& operator=(const PageImage&) = delete;
  PageImage(PageImage&& other) noexcept;
  PageImage& operator=(PageImage&& other) noexcept;
  ~PageImage();

  // Reads the database header of `bytes` (which must outlive the image). nullopt when it is
  // not a database this reader handles: bad header, a text encoding other than UTF-8.
  static std::optional<PageImage> FromBytes(std::string_view bytes);

  // Page `pgno` (1-based, page_size() bytes), or nullptr when it is past the end.
  const uint8_t* page(uint32_t pgno) const {
    if (pgno == 0 || pgno > page_count_) return nullptr;
    return base_ + static_cast<size_t>(pgno - 1) * page_size_;
  }
  uint32_t page_size() const { return page_size_; }
  uint32_t usable_size() const { return usable_; }
  uint32_t page_count() const { return page_count_; }

 private:
  friend Result<std::optional<PageImage>> MapStoreFile(Database& db);
  const uint8_t* base_ = nullptr;
  size_t mapped_ = 0;  // bytes to munmap, 0 when borrowed
  uint32_t page_size_ = 0;
  uint32_t usable_ = 0;
  uint32_t page_count_ = 0;
};

// Maps the main database file of `db`, which must have a read transaction open that has read.
// nullopt when the pages on disk may not be that transaction's snapshot (the write-ahead log
// holds frames), or the file is not one the reader handles: read through SQL then. An error
// only when the file cannot be opened or mapped.
Result<std::optional<PageImage>> MapStoreFile(Database& db);

// How to read one table's records: its b-tree's root page and, per column after the key,
// whether SQLite reads an integer stored there as REAL (REAL affinity).
struct TableLayout {
  uint32_t root = 0;
  std::vector<bool> real_affinity;
};

// `table`'s layout, read through `db` in its snapshot. nullopt when the page reader cannot
// read it exactly as `SELECT *` would: not a plain rowid table whose first column `key` is
// its INTEGER PRIMARY KEY, generated or hidden columns, a column with a default value.
Result<std::optional<TableLayout>> ReadTableLayout(Database& db, const std::string& table,
                                                   std::string_view key = "id");

// One value of a row as the page reader decoded it: `bytes` views the page (or the cursor's
// copy of an overflowing payload).
struct ColumnValue {
  ValueType type = ValueType::kNull;
  int64_t integer = 0;
  double real = 0;
  std::string_view bytes;
};

// A cursor over a table's rows in rowid order.
class TableCursor {
 public:
  enum class State { kRow, kEnd, kGiveUp };

  TableCursor(const PageImage& image, const TableLayout& layout) : image_(image), layout_(layout) {}

  // Moves to the first row whose rowid is >= `rowid`.
  State Seek(int64_t rowid);
  // Moves to the next row.
  State Next();
  int64_t rowid() const { return rowid_; }

  // Appends the current row's record encoding, the bytes vigil_record gives for the columns
  // after `id` (store/canonical.h), to `out`. false (and `out` unspecified past its old size)
  // when the record is not one the reader decodes exactly.
  bool AppendEncoding(ByteBuffer& out);

  // The current row's first out.size() columns after `id`, as SQL reads them (a column the
  // record lacks is NULL). The views stay valid until the cursor moves. false when the
  // record is not one the reader decodes exactly.
  bool ReadColumns(std::span<ColumnValue> out);

  // Why the cursor gave up, for --verbose and tests.
  const std::string& why() const { return why_; }

 private:
  struct Frame {
    const uint8_t* page;
    uint32_t header;  // offset of the b-tree page header (100 on page 1)
    uint32_t cells;
    uint32_t index;  // current cell; on an interior page, cells means the right-most child
    bool leaf;
  };
  State GiveUp(std::string why);
  bool Load(uint32_t pgno, Frame& frame);
  bool ChildOf(const Frame& frame, uint32_t index, uint32_t& child);
  bool CellRowid(const Frame& frame, uint32_t index, int64_t& rowid);
  State Descend(uint32_t pgno, std::optional<int64_t> target);
  State Arrive();
  bool Payload(std::string_view& payload);
  template <typename OnValue>
  bool ForEachValue(OnValue on_value);

  const PageImage& image_;
  const TableLayout& layout_;
  std::vector<Frame> stack_;
  int64_t rowid_ = 0;
  std::optional<int64_t> last_rowid_;  // the rows must come in strictly increasing order
  std::string overflow_;               // a payload that spills onto overflow pages
  std::string why_;
};

}  // namespace vigil::store
