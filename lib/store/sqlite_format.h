#pragma once
// The big-endian integers and varints of SQLite's file format
// (https://www.sqlite.org/fileformat2.html), shared by the page image and the table cursor of
// store/table_pages.h. Internal to store/.

#include <cstdint>

namespace vigil::store::sqlite_format {

inline uint32_t Be16(const uint8_t* p) { return static_cast<uint32_t>(p[0]) << 8 | p[1]; }
inline uint32_t Be32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) << 24 | static_cast<uint32_t>(p[1]) << 16 |
         static_cast<uint32_t>(p[2]) << 8 | p[3];
}

// A SQLite varint (1 to 9 bytes, big-endian, 7 bits per byte, all 8 in the ninth). false if
// it runs past `end`.
inline bool Varint(const uint8_t*& p, const uint8_t* end, uint64_t& v) {
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

}  // namespace vigil::store::sqlite_format
