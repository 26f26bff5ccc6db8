// Choice of each keyword's SIMD fingerprint window (declared in prefilter_teddy.hpp).
#include "scan/prefilter_teddy.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string_view>

#include "scan/prefilter_bigrams.hpp"

namespace dsnguard::scan::teddy {

namespace {

std::size_t byte_class(char c)
{
  const auto b = static_cast<unsigned>(static_cast<unsigned char>(c) | 0x20u);
  return b >= 0x80 ? 64 : b < 0x40 ? b - 0x20 : b - 0x60 + 32;
}

// Estimated cost, -log2 of the chance at a random offset of ordinary source text, of the k_width bytes `w`, in
// quarter bits: cost(w0 w1) + cost(w2 | w1) + cost(w3 | w2), with cost(b | a) = cost(a b) - cost(a).
int window_cost(std::string_view w)
{
  int c = 0;
  for (std::size_t j = 0; j + 1 < k_width; ++j) {
    const std::size_t a = byte_class(w[j]);
    c += detail::k_pair_cost[a * detail::k_classes + byte_class(w[j + 1])];
    if (j > 0) {
      c -= detail::k_byte_cost[a];
    }
  }
  return c;
}

}  // namespace

std::vector<std::size_t> fingerprint_offsets(const std::vector<std::string>& keywords)
{
  // Every window of every keyword of k_width bytes or more, as (folded bytes, keyword, offset), numbered by distinct
  // bytes; per window its estimated chance at a random offset, per keyword its windows (each once, first offset).
  struct Window {
    std::uint32_t word;
    std::uint32_t keyword;
    std::uint32_t offset;
  };
  std::vector<Window> all;
  for (std::size_t k = 0; k < keywords.size(); ++k) {
    const std::string& kw = keywords[k];
    for (std::size_t d = 0; kw.size() >= k_width && d + k_width <= kw.size(); ++d) {
      std::uint32_t word = 0;
      for (std::size_t j = 0; j < k_width; ++j) {
        word = (word << 8) | (static_cast<unsigned char>(kw[d + j]) | 0x20u);
      }
      all.push_back(Window{word, static_cast<std::uint32_t>(k), static_cast<std::uint32_t>(d)});
    }
  }
  std::sort(all.begin(), all.end(), [](const Window& a, const Window& b) {
    return a.word != b.word ? a.word < b.word : a.keyword != b.keyword ? a.keyword < b.keyword : a.offset < b.offset;
  });
  std::vector<double> chance;
  std::vector<std::vector<std::size_t>> users;                                        // per window: keywords
  std::vector<std::vector<std::pair<std::size_t, std::size_t>>> has(keywords.size());  // (window, offset)
  for (std::size_t i = 0; i < all.size(); ++i) {
    const Window& w = all[i];
    if (i == 0 || w.word != all[i - 1].word) {
      chance.push_back(std::exp2(-window_cost(std::string_view(keywords[w.keyword]).substr(w.offset, k_width)) / 4.0));
      users.emplace_back();
    }
    if (i == 0 || w.word != all[i - 1].word || w.keyword != all[i - 1].keyword) {
      has[w.keyword].emplace_back(chance.size() - 1, w.offset);
      users.back().push_back(w.keyword);
    }
  }
  // Greedy weighted set cover: while some keyword has no chosen window, choose the window with the least
  // (chance + k_fingerprint_cost) per keyword it would newly cover. A distinct fingerprint costs more than its own
  // chance: the buckets merge fingerprints by nibbles, and every one added widens a bucket. The value gave the
  // fewest candidates on the default rules' keywords over the generic source the tables come from (/usr/include,
  // /usr/lib/python3.11, /usr/share/perl; 3e-6 and 3e-5 gave 1.5 to 2 times more).
  constexpr double k_fingerprint_cost = 1e-5;
  std::vector<bool> chosen(chance.size(), false);
  std::vector<bool> covered(keywords.size(), false);
  std::vector<std::size_t> open_count(chance.size(), 0);  // keywords not yet covered that have the window
  for (const auto& windows : has) {
    for (const auto& w : windows) {
      ++open_count[w.first];
    }
  }
  const auto choose = [&](std::size_t w) {
    chosen[w] = true;
    for (const std::size_t k : users[w]) {
      if (!covered[k]) {
        covered[k] = true;
        for (const auto& v : has[k]) {
          --open_count[v.first];
        }
      }
    }
  };
  for (std::size_t k = 0; k < keywords.size(); ++k) {
    if (keywords[k].size() == k_width) {
      choose(has[k][0].first);  // no choice
    }
  }
  std::vector<double> weight(chance.size());
  for (std::size_t w = 0; w < chance.size(); ++w) {
    weight[w] = chance[w] + k_fingerprint_cost;
  }
  for (;;) {
    // The least weight / open_count, compared as products (no division in the loop that runs per choice).
    std::size_t best = chance.size();
    double best_weight = 1.0;
    double best_count = 0.0;
    for (std::size_t w = 0; w < chance.size(); ++w) {
      const auto count = static_cast<double>(open_count[w]);
      if (weight[w] * best_count < best_weight * count) {
        best = w;
        best_weight = weight[w];
        best_count = count;
      }
    }
    if (best == chance.size()) {
      break;
    }
    choose(best);
  }
  // Each keyword takes its rarest chosen window (the first on ties).
  std::vector<std::size_t> offsets(keywords.size(), 0);
  for (std::size_t k = 0; k < keywords.size(); ++k) {
    double least = std::numeric_limits<double>::infinity();
    std::size_t first = SIZE_MAX;
    for (const auto& [w, d] : has[k]) {
      if (chosen[w] && (chance[w] < least || (chance[w] == least && d < first))) {
        least = chance[w];
        first = d;
        offsets[k] = d;
      }
    }
  }
  return offsets;
}

std::string fingerprint(std::string_view keyword, std::size_t offset)
{
  std::string f(keyword.substr(offset, k_width));
  for (char& c : f) {
    c = static_cast<char>(c | 0x20);
  }
  return f;
}

}  // namespace dsnguard::scan::teddy
