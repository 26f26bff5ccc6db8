#pragma once
// Shared by the prefilter tests: the contract as a naive search, find() on an exact-size copy, and the kernel
// names of the parameterised suites.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "scan/prefilter.hpp"

namespace dsnguard::scan::prefilter_test {

using Hits = std::vector<std::pair<std::size_t, std::size_t>>;  // (offset, keyword)

// The contract, spelled out: every (offset, keyword) where the keyword matches with ASCII letters folded,
// ordered by offset then keyword index, cut at `limit`.
inline Hits naive(const std::vector<std::string>& keywords, std::string_view bytes, std::size_t limit)
{
  const auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
  Hits out;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    for (std::size_t k = 0; k < keywords.size(); ++k) {
      const std::string& kw = keywords[k];
      if (kw.empty() || kw.size() > bytes.size() - i) {
        continue;
      }
      bool ok = true;
      for (std::size_t j = 0; j < kw.size() && ok; ++j) {
        ok = lower(bytes[i + j]) == kw[j];
      }
      if (ok) {
        if (out.size() == limit) {
          return out;
        }
        out.emplace_back(i, k);
      }
    }
  }
  return out;
}

// find() on an exactly sized heap copy of `bytes`, so that a read past either end trips AddressSanitizer.
inline Hits found(const Prefilter& p, std::string_view bytes, std::size_t limit = SIZE_MAX)
{
  const std::unique_ptr<char[]> copy(new char[bytes.size() + (bytes.empty() ? 1 : 0)]);
  std::copy(bytes.begin(), bytes.end(), copy.get());
  Hits out;
  for (const auto& h : p.find(std::string_view(copy.get(), bytes.size()), limit)) {
    out.emplace_back(h.offset, h.keyword);
  }
  return out;
}

inline std::string kernel_name(const ::testing::TestParamInfo<Prefilter::Kernel>& info)
{
  switch (info.param) {
    case Prefilter::Kernel::automatic:
      return "automatic";
    case Prefilter::Kernel::scalar:
      return "scalar";
    case Prefilter::Kernel::ssse3:
      return "ssse3";
    case Prefilter::Kernel::avx2:
      return "avx2";
  }
  return "unknown";
}

inline const auto k_all_kernels = ::testing::Values(Prefilter::Kernel::scalar, Prefilter::Kernel::ssse3,
                                                    Prefilter::Kernel::avx2, Prefilter::Kernel::automatic);

}  // namespace dsnguard::scan::prefilter_test
