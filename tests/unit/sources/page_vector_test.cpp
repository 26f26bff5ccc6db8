// PageVector: values survive the mremap growth steps, default member initializers run, pointers see the data.
#include <gtest/gtest.h>

#include <cstdint>
#include <numeric>

#include "sources/page_vector.hpp"

namespace dsnguard::sources {
namespace {

struct Item {
  std::uint32_t a = 7;
  std::uint64_t b = UINT64_MAX;
  char c[3] = {'x', 'y', 'z'};
};

TEST(PageVector, KeepsEveryValueAcrossGrowth)
{
  PageVector<std::uint32_t> v;
  EXPECT_TRUE(v.empty());
  // 3M items: 12 MB, many doublings past the first 64 KiB mapping.
  constexpr std::uint32_t k_count = 3'000'000;
  for (std::uint32_t i = 0; i < k_count; ++i) {
    v.push_back(i * 2654435761u);
  }
  ASSERT_EQ(v.size(), k_count);
  for (std::uint32_t i = 0; i < k_count; ++i) {
    ASSERT_EQ(v[i], i * 2654435761u) << i;
  }
  EXPECT_EQ(v.back(), (k_count - 1) * 2654435761u);
  EXPECT_EQ(v.end() - v.begin(), static_cast<std::ptrdiff_t>(k_count));
  EXPECT_EQ(v.data(), v.begin());
  std::uint64_t sum = std::accumulate(v.begin(), v.end(), std::uint64_t{0});
  std::uint64_t expect = 0;
  for (std::uint32_t i = 0; i < k_count; ++i) {
    expect += i * 2654435761u;
  }
  EXPECT_EQ(sum, expect);
}

TEST(PageVector, EmplaceRunsDefaultInitializersAndForwardsArguments)
{
  PageVector<Item> v;
  for (int i = 0; i < 10'000; ++i) {
    Item& item = v.emplace_back();
    EXPECT_EQ(item.a, 7u);
    EXPECT_EQ(item.b, UINT64_MAX);
    EXPECT_EQ(item.c[2], 'z');
    item.a = static_cast<std::uint32_t>(i);
  }
  Item copy;
  copy.a = 99;
  v.push_back(copy);
  ASSERT_EQ(v.size(), 10'001u);
  for (std::uint32_t i = 0; i < 10'000; ++i) {
    ASSERT_EQ(v[i].a, i);
  }
  EXPECT_EQ(v.back().a, 99u);
  const PageVector<Item>& cv = v;
  EXPECT_EQ(cv[5].a, 5u);
  EXPECT_EQ(cv.end() - cv.begin(), 10'001);
}

}  // namespace
}  // namespace dsnguard::sources
