// libFuzzer target for the page reader (store/table_pages.h), which verify points at a store
// file that may be forged: the input after the first byte is a database file image, the first
// byte says which of eight columns have REAL affinity. Every table b-tree rooted in the first
// eight pages is walked from its start and from a seek, each row decoded both ways. A row the
// reader gives up on is fine; a crash, a leak, a sanitizer report or a hang is a bug.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/byte_buffer.h"
#include "store/table_pages.h"

using namespace vigil;

namespace {

constexpr int kMaxRows = 2000;  // rows read per walk, so a long walk is not a slow unit

void Walk(store::TableCursor& cursor, store::TableCursor::State state) {
  ByteBuffer buf;
  std::array<store::ColumnValue, 4> values;
  for (int rows = 0; state == store::TableCursor::State::kRow && rows < kMaxRows; ++rows) {
    buf.Clear();
    (void)cursor.AppendEncoding(buf);
    (void)cursor.ReadColumns(values);
    state = cursor.Next();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  auto image = store::PageImage::FromBytes({reinterpret_cast<const char*>(data + 1), size - 1});
  if (!image) return 0;
  store::TableLayout layout;
  for (int c = 0; c < 8; ++c) layout.real_affinity.push_back(((data[0] >> c) & 1) != 0);
  const uint32_t roots = std::min<uint32_t>(image->page_count(), 8);
  for (uint32_t root = 1; root <= roots; ++root) {
    layout.root = root;
    store::TableCursor cursor(*image, layout);
    Walk(cursor, cursor.Seek(INT64_MIN));
    Walk(cursor, cursor.Seek(static_cast<int64_t>(data[0]) * 3));
  }
  return 0;
}
