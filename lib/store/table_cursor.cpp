// The table cursor of store/table_pages.h: a walk down and along a table's b-tree in the
// mapped file, and the decoding of each row's record, every offset and length checked.
#include <bit>
#include <cmath>
#include <cstring>
#include <utility>

#include "store/canonical.h"
#include "store/sqlite_format.h"
#include "store/table_pages.h"

namespace vigil::store {
namespace {

using sqlite_format::Be16;
using sqlite_format::Be32;
using sqlite_format::Varint;

constexpr size_t kMaxDepth = 20;  // SQLite's own limit (BTCURSOR_MAX_DEPTH)
constexpr uint8_t kInteriorTable = 0x05;
constexpr uint8_t kLeafTable = 0x0d;

}  // namespace

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
