// The page image of store/table_pages.h (the store file mapped, its header read) and the
// layout of a table that the cursor can read (table_cursor.cpp walks its b-tree).
#include "store/table_pages.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>
#include <utility>

#include "core/ascii.h"
#include "core/c_handle.h"
#include "store/database.h"
#include "store/sqlite_format.h"

namespace vigil::store {
namespace {

using sqlite_format::Be16;
using sqlite_format::Be32;

constexpr std::string_view kMagic{"SQLite format 3\0", 16};

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
bool RealAffinity(std::string_view declared) {
  const std::string type = Lower(declared);
  auto has = [&](const char* s) { return type.find(s) != std::string::npos; };
  if (has("int") || has("char") || has("clob") || has("text") || has("blob")) return false;
  return has("real") || has("floa") || has("doub");
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
        if (stmt->ColumnText(1) != key || !is_key ||
            !EqualsIgnoreCase(stmt->ColumnText(2), "INTEGER")) {
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

}  // namespace vigil::store
