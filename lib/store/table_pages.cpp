#include "store/table_pages.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <algorithm>
#include <bit>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <utility>

#include "core/c_handle.h"
#include "store/canonical.h"
#include "store/database.h"

namespace vigil::store {
namespace {

constexpr std::string_view kMagic{"SQLite format 3\0", 16};
constexpr size_t kMaxDepth = 20;  // SQLite's own limit (BTCURSOR_MAX_DEPTH)
constexpr uint8_t kInteriorTable = 0x05;
constexpr uint8_t kLeafTable = 0x0d;

uint32_t Be16(const uint8_t* p) { return static_cast<uint32_t>(p[0]) << 8 | p[1]; }
uint32_t Be32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) << 24 | static_cast<uint32_t>(p[1]) << 16 |
         static_cast<uint32_t>(p[2]) << 8 | p[3];
}

// A SQLite varint (1 to 9 bytes, big-endian, 7 bits per byte, all 8 in the ninth). false if
// it runs past `end`.
bool Varint(const uint8_t*& p, const uint8_t* end, uint64_t& v) {
  v = 0;
  for (int i = 0; i < 8; ++i) {
    if (p >= end) return false;
    const uint8_t b = *p++;
    v = v << 7 | (b & 0x7f);
    if ((b & 0x80) == 0) return true;
  }
  if (p >= end) return false;
  v = v << 8 | *p++;
  return true;
}

// Reads the database header. Only the fields this reader depends on are checked; SQLite
// has already accepted the file (the caller's connection read from it).
struct Header {
  uint32_t page_size = 0;
  uint32_t usable = 0;
  uint32_t page_count = 0;
};
std::optional<Header> ReadHeader(std::string_view bytes) {
  if (bytes.size() < 100 || bytes.substr(0, kMagic.size()) != kMagic) return std::nullopt;
  const auto* h = reinterpret_cast<const uint8_t*>(bytes.data());
  Header out;
  out.page_size = Be16(h + 16);
  if (out.page_size == 1) out.page_size = 65536;
  if (out.page_size < 512 || out.page_size > 65536 || !std::has_single_bit(out.page_size)) {
    return std::nullopt;
  }
  if (h[18] < 1 || h[18] > 2 || h[19] < 1 || h[19] > 2) return std::nullopt;  // rollback or WAL
  out.usable = out.page_size - h[20];
  if (out.usable < 480) return std::nullopt;
  if (Be32(h + 56) != 1) return std::nullopt;  // text is UTF-8, as canonical.h hashes it
  uint64_t pages = bytes.size() / out.page_size;
  // SQLite trusts the size in the header when it was written by a version that keeps it.
  if (Be32(h + 92) == Be32(h + 24) && Be32(h + 28) != 0) {
    pages = std::min<uint64_t>(pages, Be32(h + 28));
  }
  out.page_count = static_cast<uint32_t>(std::min<uint64_t>(pages, UINT32_MAX));
  return out;
}

// SQLite's column affinity rule (https://www.sqlite.org/datatype3.html, 3.1), reduced to the
// one question that changes a value read back: is it REAL?
std::string Upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool RealAffinity(std::string_view declared) {
  const std::string type = Upper(declared);
  auto has = [&](const char* s) { return type.find(s) != std::string::npos; };
  if (has("INT") || has("CHAR") || has("CLOB") || has("TEXT") || has("BLOB")) return false;
  return has("REAL") || has("FLOA") || has("DOUB");
}

}  // namespace

PageImage::PageImage(PageImage&& other) noexcept
    : base_(std::exchange(other.base_, nullptr)),
      mapped_(std::exchange(other.mapped_, 0)),
      page_size_(other.page_size_),
      usable_(other.usable_),
      page_count_(other.page_count_) {}

PageImage& PageImage::operator=(PageImage&& other) noexcept {
  if (this != &other) {
    if (mapped_ != 0) ::munmap(const_cast<uint8_t*>(base_), mapped_);
    base_ = std::exchange(other.base_, nullptr);
    mapped_ = std::exchange(other.mapped_, 0);
    page_size_ = other.page_size_;
    usable_ = other.usable_;
    page_count_ = other.page_count_;
  }
  return *this;
}

PageImage::~PageImage() {
  if (mapped_ != 0) ::munmap(const_cast<uint8_t*>(base_), mapped_);
}

std::optional<PageImage> PageImage::FromBytes(std::string_view bytes) {
  auto header = ReadHeader(bytes);
  if (!header) return std::nullopt;
  PageImage image;
  image.base_ = reinterpret_cast<const uint8_t*>(bytes.data());
  image.page_size_ = header->page_size;
  image.usable_ = header->usable;
  image.page_count_ = header->page_count;
  return image;
}

Result<std::optional<PageImage>> MapStoreFile(Database& db) {
  const char* path = sqlite3_db_filename(db.handle(), "main");
  if (path == nullptr || *path == '\0') return std::optional<PageImage>();
  // The caller's read transaction has read. If the log held no frame then, SQLite reads the
  // database file alone for the whole transaction, and no checkpoint can write into the file
  // until it ends (a checkpoint needs the read lock that such a reader holds). A log cannot
  // become empty while a transaction that uses its frames is open, so an empty log now means
  // an empty log then.
  if (const char* wal = sqlite3_filename_wal(path); wal != nullptr) {
    struct stat st {};
    if (::stat(wal, &st) == 0 && st.st_size > 0) return std::optional<PageImage>();
  }
  UniqueFd fd(::open(path, O_RDONLY | O_CLOEXEC));
  if (!fd) return MakeError(ErrorCode::kIo, std::string("cannot open ") + path + " to read pages");
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || st.st_size < 512) return std::optional<PageImage>();
  const auto size = static_cast<size_t>(st.st_size);
  void* base = ::mmap(nullptr, size, PROT_READ, MAP_SHARED, fd.get(), 0);
  if (base == MAP_FAILED) {
    return MakeError(ErrorCode::kIo,
                     std::string("cannot map ") + path + ": " + std::strerror(errno));
  }
  PageImage image;
  image.base_ = static_cast<const uint8_t*>(base);
  image.mapped_ = size;  // unmapped by ~PageImage from here on
  auto header = ReadHeader({static_cast<const char*>(base), size});
  if (!header) return std::optional<PageImage>();
  image.page_size_ = header->page_size;
  image.usable_ = header->usable;
  image.page_count_ = header->page_count;
  return std::optional<PageImage>(std::move(image));
}

Result<std::optional<TableLayout>> ReadTableLayout(Database& db, const std::string& table,
                                                   std::string_view key) {
  const std::optional<TableLayout> no;
  TableLayout layout;
  {
    auto stmt = db.Prepare("SELECT type, rootpage, sql FROM sqlite_schema WHERE name = ?1",
                           "read the schema of " + table);
    if (!stmt) return stmt.error();
    Status s = stmt->BindText(1, table);
    if (!s.ok()) return s.error();
    auto row = stmt->Step();
    if (!row) return row.error();
    if (!*row || stmt->ColumnText(0) != "table" || stmt->ColumnType(1) != ValueType::kInteger ||
        !stmt->ColumnText(2).starts_with("CREATE TABLE")) {
      return no;  // a view, a virtual table, or not there
    }
    const int64_t root = stmt->ColumnInteger(1);
    if (root <= 0 || root > UINT32_MAX) return no;
    layout.root = static_cast<uint32_t>(root);
    row = stmt->Step();
    if (!row) return row.error();
    if (*row) return no;
  }
  {
    // Every column as SELECT * gives it: no hidden or generated column, no default to fill
    // into a record written before its column was added, and `key` first as the only key.
    auto stmt = db.Prepare(
        "SELECT cid, name, type, dflt_value IS NULL, pk, hidden FROM pragma_table_xinfo(?1) "
        "ORDER BY cid",
        "read the columns of " + table);
    if (!stmt) return stmt.error();
    Status s = stmt->BindText(1, table);
    if (!s.ok()) return s.error();
    for (int64_t cid = 0;; ++cid) {
      auto row = stmt->Step();
      if (!row) return row.error();
      if (!*row) break;
      if (stmt->ColumnInteger(0) != cid || stmt->ColumnInteger(3) != 1 ||
          stmt->ColumnInteger(5) != 0) {
        return no;
      }
      const bool is_key = stmt->ColumnInteger(4) != 0;
      if (cid == 0) {
        if (stmt->ColumnText(1) != key || !is_key || Upper(stmt->ColumnText(2)) != "INTEGER") {
          return no;
        }
      } else {
        if (is_key) return no;
        layout.real_affinity.push_back(RealAffinity(stmt->ColumnText(2)));
      }
    }
  }
  {
    // `key INTEGER PRIMARY KEY` is the rowid unless SQLite made an index for it (DESC, or a
    // WITHOUT ROWID table): then the key is stored in the record and the rowid is another.
    auto stmt = db.Prepare("SELECT count(*) FROM pragma_index_list(?1) WHERE origin = 'pk'",
                           "read the keys of " + table);
    if (!stmt) return stmt.error();
    Status s = stmt->BindText(1, table);
    if (!s.ok()) return s.error();
    auto row = stmt->Step();
    if (!row) return row.error();
    if (!*row || stmt->ColumnInteger(0) != 0) return no;
  }
  return std::optional<TableLayout>(std::move(layout));
}

TableCursor::State TableCursor::GiveUp(std::string why) {
  why_ = std::move(why);
  stack_.clear();
  return State::kGiveUp;
}

bool TableCursor::Load(uint32_t pgno, Frame& frame) {
  const uint8_t* page = image_.page(pgno);
  if (page == nullptr) return false;
  const uint32_t header = pgno == 1 ? 100 : 0;
  const uint8_t type = page[header];
  if (type != kLeafTable && type != kInteriorTable) return false;
  frame.page = page;
  frame.header = header;
  frame.leaf = type == kLeafTable;
  frame.cells = Be16(page + header + 3);
  frame.index = 0;
  // SQLite refuses a page with more cells than the smallest cell allows (MX_CELL).
  if (frame.cells > (image_.page_size() - 8) / 6) return false;
  const uint32_t pointers = header + (frame.leaf ? 8 : 12);
  return pointers + 2 * frame.cells <= image_.usable_size();
}

bool TableCursor::ChildOf(const Frame& frame, uint32_t index, uint32_t& child) {
  if (index == frame.cells) {
    child = Be32(frame.page + frame.header + 8);
    return true;
  }
  const uint32_t first = frame.header + 12 + 2 * frame.cells;
  const uint32_t at = Be16(frame.page + frame.header + 12 + 2 * index);
  if (at < first || at + 4 > image_.usable_size()) return false;
  child = Be32(frame.page + at);
  return true;
}

bool TableCursor::CellRowid(const Frame& frame, uint32_t index, int64_t& rowid) {
  const uint32_t pointers = frame.header + (frame.leaf ? 8 : 12);
  const uint32_t first = pointers + 2 * frame.cells;
  const uint32_t at = Be16(frame.page + pointers + 2 * index);
  if (at < first || at >= image_.usable_size()) return false;
  const uint8_t* p = frame.page + at;
  const uint8_t* end = frame.page + image_.usable_size();
  uint64_t v = 0;
  if (frame.leaf) {
    if (!Varint(p, end, v)) return false;  // payload size
  } else {
    if (end - p <= 4) return false;
    p += 4;  // left child
  }
  if (!Varint(p, end, v)) return false;
  rowid = static_cast<int64_t>(v);
  return true;
}

TableCursor::State TableCursor::Seek(int64_t rowid) {
  stack_.clear();
  last_rowid_.reset();
  const State state = Descend(layout_.root, rowid);
  if (state == State::kRow && rowid_ < rowid) return GiveUp("the b-tree's keys are out of order");
  return state;
}

TableCursor::State TableCursor::Next() {
  if (stack_.empty()) return State::kEnd;
  ++stack_.back().index;
  return Arrive();
}

// Goes down from `pgno` to a leaf: to the first row >= *target, or the leftmost one.
TableCursor::State TableCursor::Descend(uint32_t pgno, std::optional<int64_t> target) {
  for (;;) {
    if (stack_.size() >= kMaxDepth) return GiveUp("the b-tree is deeper than SQLite allows");
    Frame frame{};
    if (!Load(pgno, frame)) {
      return GiveUp("page " + std::to_string(pgno) + " is not a table b-tree page");
    }
    // Keys are read for the search, and on an interior page all of them, so that a page whose
    // keys are out of order is never trusted to route a search.
    uint32_t lo = 0, hi = frame.cells;  // first cell whose key is >= target
    if (!frame.leaf) {
      if (frame.cells == 0) return GiveUp("an interior page without cells");
      int64_t previous = 0;
      for (uint32_t i = 0; i < frame.cells; ++i) {
        int64_t key = 0;
        if (!CellRowid(frame, i, key) || (i > 0 && key <= previous)) {
          return GiveUp("page " + std::to_string(pgno) + " has a malformed or unordered key");
        }
        previous = key;
      }
    } else if (frame.cells == 0 && !stack_.empty()) {
      return GiveUp("an empty leaf below the root");
    }
    if (target) {
      while (lo < hi) {
        const uint32_t mid = lo + (hi - lo) / 2;
        int64_t key = 0;
        if (!CellRowid(frame, mid, key)) {
          return GiveUp("page " + std::to_string(pgno) + " has a malformed cell");
        }
        if (key < *target) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
    }
    frame.index = target ? lo : 0;
    stack_.push_back(frame);
    if (frame.leaf) return Arrive();
    if (!ChildOf(frame, frame.index, pgno)) {
      return GiveUp("page " + std::to_string(pgno) + " has a malformed child pointer");
    }
  }
}

// The top of the stack is a leaf whose index may be past its last cell: settles on a row, or
// climbs to the next subtree.
TableCursor::State TableCursor::Arrive() {
  Frame& leaf = stack_.back();
  if (leaf.index < leaf.cells) {
    if (!CellRowid(leaf, leaf.index, rowid_)) return GiveUp("a malformed leaf cell");
    if (last_rowid_ && rowid_ <= *last_rowid_) return GiveUp("rows out of rowid order");
    last_rowid_ = rowid_;
    return State::kRow;
  }
  stack_.pop_back();
  while (!stack_.empty()) {
    Frame& up = stack_.back();
    if (up.index < up.cells) {
      ++up.index;
      uint32_t child = 0;
      if (!ChildOf(up, up.index, child)) return GiveUp("a malformed child pointer");
      return Descend(child, std::nullopt);
    }
    stack_.pop_back();
  }
  return State::kEnd;
}

// The current row's payload: in place when it fits on its page, else gathered from its
// overflow pages into overflow_.
bool TableCursor::Payload(std::string_view& payload) {
  const Frame& leaf = stack_.back();
  const uint32_t usable = image_.usable_size();
  const uint32_t at = Be16(leaf.page + leaf.header + 8 + 2 * leaf.index);
  if (at < leaf.header + 8 + 2 * leaf.cells || at >= usable) return false;
  const uint8_t* p = leaf.page + at;
  const uint8_t* end = leaf.page + usable;
  uint64_t size = 0, rowid = 0;
  if (!Varint(p, end, size) || !Varint(p, end, rowid)) return false;
  // No payload is larger than the file that holds it: this bounds what a forged size makes
  // us allocate.
  if (size > static_cast<uint64_t>(image_.page_count()) * usable) return false;
  const uint64_t max_local = usable - 35;
  const auto room = static_cast<uint64_t>(end - p);
  if (size <= max_local) {
    if (size > room) return false;
    payload = {reinterpret_cast<const char*>(p), static_cast<size_t>(size)};
    return true;
  }
  const uint64_t min_local = (usable - 12) * 32 / 255 - 23;
  uint64_t local = min_local + (size - min_local) % (usable - 4);
  if (local > max_local) local = min_local;
  if (local + 4 > room) return false;
  overflow_.resize(static_cast<size_t>(size));
  std::memcpy(overflow_.data(), p, local);
  uint32_t next = Be32(p + local);
  for (uint64_t done = local; done < size;) {
    const uint8_t* page = image_.page(next);
    if (page == nullptr) return false;
    const uint64_t n = std::min<uint64_t>(size - done, usable - 4);
    std::memcpy(overflow_.data() + done, page + 4, n);
    done += n;
    next = Be32(page);
  }
  payload = overflow_;
  return true;
}

namespace {

// The integer of serial types 1 to 6, 8 and 9.
int64_t SerialInteger(uint64_t type, const uint8_t* v, uint64_t len) {
  if (type >= 8) return type == 9 ? 1 : 0;
  uint64_t u = v[0] & 0x80 ? ~uint64_t{0} : 0;  // sign-extended
  for (uint64_t k = 0; k < len; ++k) u = u << 8 | v[k];
  return static_cast<int64_t>(u);
}

}  // namespace

// Calls on_value(column, value) for each column after `id` that the record holds, up to the
// table's last (column 1 is the first after `id`), with the value as SQL reads it back.
// true when the whole record is well formed: the header parsed to its exact end and the
// values fill the payload exactly, as SQLite's strictest reading requires.
template <typename OnValue>
bool TableCursor::ForEachValue(OnValue on_value) {
  std::string_view payload;
  if (stack_.empty() || !Payload(payload)) {
    why_ = "a malformed or unreadable payload";
    return false;
  }
  const auto* rec = reinterpret_cast<const uint8_t*>(payload.data());
  const uint8_t* h = rec;
  uint64_t header_size = 0;
  // SQLite refuses a header over 98,307 bytes (OP_Column), however it is padded.
  if (!Varint(h, rec + payload.size(), header_size) ||
      header_size < static_cast<uint64_t>(h - rec) || header_size > payload.size() ||
      header_size > 98307) {
    why_ = "a malformed record header";
    return false;
  }
  const uint8_t* header_end = rec + header_size;
  uint64_t body = header_size;
  const size_t columns = layout_.real_affinity.size() + 1;  // with `id`
  for (size_t c = 0; h < header_end; ++c) {
    uint64_t type = 0;
    if (*h < 0x80) {
      type = *h++;
    } else if (!Varint(h, header_end, type)) {
      break;  // it straddles the header's end: refused below
    }
    static constexpr uint8_t kFixedSize[12] = {0, 1, 2, 3, 4, 6, 8, 8, 0, 0, 0, 0};
    if (type == 10 || type == 11) {
      why_ = "a reserved serial type";
      return false;
    }
    const uint64_t len = type >= 12 ? (type - 12) / 2 : kFixedSize[type];
    if (len > payload.size() - body) {
      why_ = "a record shorter than its header says";
      return false;
    }
    const uint8_t* v = rec + body;
    body += len;
    // Column 0 is `id`: the rowid alias, which the record stores as NULL. SQLite ignores
    // columns past the table's, and so does this (but their sizes are checked).
    if (c == 0 || c >= columns) continue;
    ColumnValue value;
    if (type >= 12) {
      value.type = (type & 1) != 0 ? ValueType::kText : ValueType::kBlob;
      value.bytes = {reinterpret_cast<const char*>(v), static_cast<size_t>(len)};
    } else if (type == 7) {
      value.type = ValueType::kReal;
      // Its 8 bytes are big-endian, as an integer's are.
      value.real = std::bit_cast<double>(static_cast<uint64_t>(SerialInteger(6, v, 8)));
      if (std::isnan(value.real)) {
        why_ = "a stored NaN, which SQLite reads as NULL";
        return false;
      }
    } else if (type != 0) {
      value.type = ValueType::kInteger;
      value.integer = SerialInteger(type, v, len);
      if (layout_.real_affinity[c - 1]) {  // SQLite reads it back as REAL
        value.type = ValueType::kReal;
        value.real = static_cast<double>(value.integer);
      }
    }
    on_value(c, value);
  }
  if (h != header_end || body != payload.size()) {
    why_ = "a record whose header and body disagree";
    return false;
  }
  return true;
}

bool TableCursor::AppendEncoding(ByteBuffer& out) {
  out.Append(kRecordPrefix);
  size_t end = out.size();  // after the last value that is not NULL
  const bool ok = ForEachValue([&](size_t, const ColumnValue& v) {
    switch (v.type) {
      case ValueType::kNull:
        out.Append('\0');
        return;
      case ValueType::kInteger:
        PutInteger(out.Grow(kNumberSize), v.integer);
        break;
      case ValueType::kReal:
        PutReal(out.Grow(kNumberSize), v.real);
        break;
      case ValueType::kText:
      case ValueType::kBlob:
        PutBytes(out.Grow(kBytesHeader + v.bytes.size()),
                 v.type == ValueType::kText ? kTextTag : kBlobTag, v.bytes);
        break;
    }
    end = out.size();
  });
  // Columns the record lacks are NULL (ReadTableLayout refused defaults), and trailing NULLs
  // are not encoded.
  out.Truncate(end);
  return ok;
}

bool TableCursor::ReadColumns(std::span<ColumnValue> out) {
  for (ColumnValue& v : out) v = ColumnValue{};
  return ForEachValue([&](size_t c, const ColumnValue& value) {
    if (c <= out.size()) out[c - 1] = value;
  });
}

}  // namespace vigil::store
