#pragma once
// A growable byte buffer for hot loops that append many small pieces: Grow(n) hands out room
// for n bytes with one capacity check and no zero-filling, unlike std::string::resize (which
// clears what it adds) or append (a call per piece). Capacity is kept across Clear().

#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>

namespace vigil {

class ByteBuffer {
 public:
  // Room for `n` more bytes at the end; the pointer is valid until the next Grow.
  char* Grow(size_t n) {
    if (size_ + n > capacity_) Reserve(size_ + n);
    char* p = data_.get() + size_;
    size_ += n;
    return p;
  }
  void Append(std::string_view bytes) {
    if (!bytes.empty()) std::memcpy(Grow(bytes.size()), bytes.data(), bytes.size());
  }
  void Append(char c) { *Grow(1) = c; }
  // Keeps the first `n` bytes (n <= size()).
  void Truncate(size_t n) { size_ = n; }
  void Clear() { size_ = 0; }

  const char* data() const { return data_.get(); }
  size_t size() const { return size_; }

 private:
  void Reserve(size_t need) {
    size_t capacity = capacity_ < 256 ? 256 : capacity_;
    while (capacity < need) capacity *= 2;
    auto grown = std::make_unique_for_overwrite<char[]>(capacity);
    if (size_ != 0) std::memcpy(grown.get(), data_.get(), size_);
    data_ = std::move(grown);
    capacity_ = capacity;
  }

  std::unique_ptr<char[]> data_;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

}  // namespace vigil
