#pragma once

// A vector of pointers whose first N slots live inside the object. For the
// short lists every connection carries (its ConnectionCallbacks: nearly
// always one or two), which as a std::vector would cost a heap block per
// connection. Past N the rest go to a heap vector.
//
// Slots may be set to nullptr while the list is being iterated (the way
// connections unregister callbacks during a dispatch); removeNulls() then
// compacts it, keeping the order.

#include <array>
#include <cstddef>
#include <memory>
#include <vector>

namespace remora {

template <typename T, size_t N>
class SmallPtrVector {
 public:
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  T*& operator[](size_t i) { return i < N ? inline_[i] : (*overflow_)[i - N]; }
  T* operator[](size_t i) const { return i < N ? inline_[i] : (*overflow_)[i - N]; }

  void push_back(T* value) {
    if (size_ < N) {
      inline_[size_] = value;
    } else {
      if (!overflow_) overflow_ = std::make_unique<std::vector<T*>>();
      overflow_->push_back(value);
    }
    ++size_;
  }

  // Sets every slot holding `value` to nullptr (the size stays).
  void nullOut(const T* value) {
    for (size_t i = 0; i < size_; ++i) {
      if ((*this)[i] == value) (*this)[i] = nullptr;
    }
  }

  void removeNulls() {
    size_t kept = 0;
    for (size_t i = 0; i < size_; ++i) {
      T* v = (*this)[i];
      if (v != nullptr) (*this)[kept++] = v;
    }
    size_ = kept;
    if (size_ <= N) {
      overflow_.reset();
    } else {
      overflow_->resize(size_ - N);
    }
  }

 private:
  std::array<T*, N> inline_{};
  std::unique_ptr<std::vector<T*>> overflow_;  // slots N and beyond
  size_t size_ = 0;
};

}  // namespace remora
