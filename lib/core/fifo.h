#pragma once
// A FIFO in a ring buffer: the window of a sliding-window count. Pops never move elements, and
// the memory is reused. Correlate's windowed rules (correlate/correlators.cpp) and alert's
// windowed triggers (alert/triggers.cpp) both keep their windows in one; each says itself when
// an element has left its window.

#include <cstddef>
#include <utility>
#include <vector>

namespace vigil {

template <typename T>
class Fifo {
 public:
  bool empty() const { return size_ == 0; }
  size_t size() const { return size_; }
  T& front() { return items_[head_]; }
  T& back() { return items_[(head_ + size_ - 1) & (items_.size() - 1)]; }
  const T& operator[](size_t i) const { return items_[(head_ + i) & (items_.size() - 1)]; }
  void push_back(T&& e) {
    if (size_ == items_.size()) Grow();
    items_[(head_ + size_) & (items_.size() - 1)] = std::move(e);
    ++size_;
  }
  void pop_front() {
    items_[head_] = T{};  // release what the element owns
    head_ = (head_ + 1) & (items_.size() - 1);
    --size_;
  }
  void clear() {
    items_.clear();
    head_ = size_ = 0;
  }

  class Iterator {
   public:
    Iterator(const Fifo* f, size_t i) : f_(f), i_(i) {}
    const T& operator*() const { return (*f_)[i_]; }
    Iterator& operator++() {
      ++i_;
      return *this;
    }
    bool operator!=(const Iterator& o) const { return i_ != o.i_; }

   private:
    const Fifo* f_;
    size_t i_;
  };
  Iterator begin() const { return Iterator(this, 0); }
  Iterator end() const { return Iterator(this, size_); }

 private:
  void Grow() {  // capacity stays a power of two
    std::vector<T> bigger(items_.empty() ? 2 : items_.size() * 2);
    for (size_t i = 0; i < size_; ++i)
      bigger[i] = std::move(items_[(head_ + i) & (items_.size() - 1)]);
    items_ = std::move(bigger);
    head_ = 0;
  }

  std::vector<T> items_;
  size_t head_ = 0, size_ = 0;
};

}  // namespace vigil
