#include "common/small_ptr_vector.h"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

namespace remora {
namespace {

std::vector<int*> contents(const SmallPtrVector<int, 2>& v) {
  std::vector<int*> out;
  for (size_t i = 0; i < v.size(); ++i) out.push_back(v[i]);
  return out;
}

TEST(SmallPtrVectorTest, KeepsOrderInlineAndBeyond) {
  int a = 0, b = 0, c = 0, d = 0;
  SmallPtrVector<int, 2> v;
  EXPECT_TRUE(v.empty());
  v.push_back(&a);
  v.push_back(&b);
  EXPECT_EQ(contents(v), (std::vector<int*>{&a, &b}));
  v.push_back(&c);  // past the inline slots
  v.push_back(&d);
  EXPECT_EQ(contents(v), (std::vector<int*>{&a, &b, &c, &d}));
}

TEST(SmallPtrVectorTest, NullOutBlanksAndRemoveNullsCompactsInOrder) {
  int a = 0, b = 0, c = 0, d = 0;
  SmallPtrVector<int, 2> v;
  for (int* p : {&a, &b, &c, &d}) v.push_back(p);
  v.nullOut(&b);  // as during a dispatch: the slot is blanked, the size kept
  EXPECT_EQ(contents(v), (std::vector<int*>{&a, nullptr, &c, &d}));
  v.removeNulls();
  EXPECT_EQ(contents(v), (std::vector<int*>{&a, &c, &d}));
  v.nullOut(&a);
  v.nullOut(&d);
  v.removeNulls();  // back to inline only
  EXPECT_EQ(contents(v), (std::vector<int*>{&c}));
  v.push_back(&a);
  v.push_back(&b);
  EXPECT_EQ(contents(v), (std::vector<int*>{&c, &a, &b}));
  v.nullOut(&c);
  v.nullOut(&a);
  v.nullOut(&b);
  v.removeNulls();
  EXPECT_TRUE(v.empty());
}

TEST(SmallPtrVectorTest, OwningElementsAreDestroyedOnceWhetherInlineOrBeyond) {
  struct Counted {
    explicit Counted(int& d) : destroyed(d) {}
    ~Counted() { ++destroyed; }
    int& destroyed;
  };
  int destroyed = 0;
  {
    SmallPtrVector<Counted, 1, std::unique_ptr<Counted>> v;
    for (int i = 0; i < 3; ++i) v.push_back(std::make_unique<Counted>(destroyed));
    Counted* second = v[1].get();
    v.nullOut(second);  // owning: blanking the slot destroys the element
    EXPECT_EQ(destroyed, 1);
    v.removeNulls();
    ASSERT_EQ(v.size(), 2u);
    EXPECT_NE(v[0], nullptr);
    EXPECT_NE(v[1], nullptr);
    EXPECT_EQ(destroyed, 1);
  }
  EXPECT_EQ(destroyed, 3);
}

}  // namespace
}  // namespace remora
