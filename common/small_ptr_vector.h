#pragma once

// A vector of pointers whose first N slots live inside the object. For the
// short lists every connection carries (its ConnectionCallbacks: nearly
// always one or two; its network filters: nearly always one), which as a
// std::vector would cost a heap block per connection. Past N the rest go to a
// heap vector. `Ptr` is the element: a raw pointer (default) or an owning one
// (std::unique_ptr<T>).
//
// Slots may be set to nullptr while the list is being iterated (the way
// connections unregister callbacks during a dispatch); removeNulls() then
// compacts it, keeping the order.

#include <array>
#include <cstddef>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

namespace remora {

template <typename T, size_t N, typename Ptr = T*>
class SmallPtrVector {
 public:
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  Ptr& operator[](size_t i) { return i < N ? inline_[i] : (*overflow_)[i - N]; }
  const Ptr& operator[](size_t i) const { return i < N ? inline_[i] : (*overflow_)[i - N]; }

  void push_back(Ptr value) {
    if (size_ < N) {
      inline_[size_] = std::move(value);
    } else {
      if (!overflow_) overflow_ = std::make_unique<std::vector<Ptr>>();
      overflow_->push_back(std::move(value));
    }
    ++size_;
  }

  // Sets every slot pointing at `value` to nullptr (the size stays).
  void nullOut(const T* value) {
    for (size_t i = 0; i < size_; ++i) {
      if (raw((*this)[i]) == value) (*this)[i] = nullptr;
    }
  }

  void removeNulls() {
    size_t kept = 0;
    for (size_t i = 0; i < size_; ++i) {
      if ((*this)[i] != nullptr) {
        if (kept != i) (*this)[kept] = std::move((*this)[i]);
        ++kept;
      }
    }
    size_ = kept;
    if (size_ <= N) {
      overflow_.reset();
    } else {
      overflow_->resize(size_ - N);
    }
  }

 private:
  static const T* raw(const Ptr& p) {
    if constexpr (std::is_pointer_v<Ptr>) {
      return p;
    } else {
      return p.get();
    }
  }

  std::array<Ptr, N> inline_{};
  std::unique_ptr<std::vector<Ptr>> overflow_;  // slots N and beyond
  size_t size_ = 0;
};

}  // namespace remora
