// Keyword prefilter throughput over every file of a directory, per kernel (scalar hash loop, SSSE3 and AVX2
// nibble lookups), with the default rules' keywords. Also checks that the kernels agree and reports how many
// offsets the SIMD kernels hand to the exact comparison (false candidates cost time).
// Built only with -DDSNGUARD_BUILD_BENCH=ON; usage: prefilter-bench DIR [ROUNDS [KERNEL]]  (.git directories are
// skipped; KERNEL = scalar, ssse3 or avx2 runs only that one, e.g. under perf record)

#include <algorithm>
#include <bit>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

#include "config/rules.hpp"
#include "scan/prefilter.hpp"
#include "scan/prefilter_teddy.hpp"
#include "util/file.hpp"

namespace {

using dsnguard::scan::Prefilter;
namespace teddy = dsnguard::scan::teddy;
using Clock = std::chrono::steady_clock;

constexpr std::size_t k_limit = 20000;  // the engine's hit limit (scan/engine.cpp)

std::vector<std::string> rule_keywords()
{
  auto rules = dsnguard::config::builtin_rules_for_scan();
  if (!rules) {
    std::fprintf(stderr, "cannot load the built-in rules\n");
    std::exit(2);
  }
  std::vector<std::string> out;
  for (const auto& r : *rules) {
    for (const auto& k : r.keywords) {
      if (!k.empty() && std::find(out.begin(), out.end(), k) == out.end()) {
        out.push_back(k);
      }
    }
  }
  return out;
}

std::vector<std::string> read_tree(const std::string& root)
{
  std::vector<std::string> files;
  std::filesystem::recursive_directory_iterator it(root, std::filesystem::directory_options::skip_permission_denied);
  for (; it != std::filesystem::recursive_directory_iterator(); ++it) {
    if (it->is_directory() && it->path().filename() == ".git") {
      it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file() || it->is_symlink()) {
      continue;
    }
    auto r = dsnguard::util::read_file(it->path().string());
    if (r.ok) {
      files.push_back(std::move(r.data));
    }
  }
  return files;
}

// CPU time of this thread: on a shared machine it leaves out the time other processes hold the core.
double cpu_ms()
{
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

double ms_since(Clock::time_point t0)
{
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv)
{
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s DIR [ROUNDS [KERNEL]]\n", argv[0]);
    return 2;
  }
  const int rounds = argc > 2 ? std::max(1, std::atoi(argv[2])) : 15;
  const std::string only = argc > 3 ? argv[3] : "";
  const auto keywords = rule_keywords();
  const auto files = read_tree(argv[1]);
  std::size_t bytes = 0;
  for (const auto& f : files) {
    bytes += f.size();
  }
  std::printf("%zu files, %.1f MB, %zu keywords, %d rounds (thread CPU time: median and best)\n", files.size(), bytes / 1e6,
              keywords.size(), rounds);

  struct Kernel {
    const char* name;
    Prefilter::Kernel kernel;
  };
  const Kernel kernels[] = {{"scalar", Prefilter::Kernel::scalar},
                            {"ssse3", Prefilter::Kernel::ssse3},
                            {"avx2", Prefilter::Kernel::avx2}};
  std::vector<std::vector<Prefilter::Hit>> reference;
  std::printf("%-8s %10s %10s %10s %10s %10s %9s\n", "kernel", "build ms", "median ms", "best ms", "MB/s med",
              "MB/s best", "hits");
  for (const Kernel& k : kernels) {
    if (!only.empty() && only != k.name) {
      continue;
    }
    if (!Prefilter::supported(k.kernel)) {
      std::printf("%-8s (not supported by this CPU)\n", k.name);
      continue;
    }
    auto t0 = Clock::now();
    const Prefilter p(keywords, k.kernel);
    const double build = ms_since(t0);
    std::vector<double> times;
    std::size_t hits = 0;
    std::vector<std::vector<Prefilter::Hit>> found(files.size());
    for (int r = 0; r < rounds; ++r) {
      hits = 0;
      const double c0 = cpu_ms();
      for (std::size_t f = 0; f < files.size(); ++f) {
        found[f] = p.find(files[f], k_limit);
        hits += found[f].size();
      }
      times.push_back(cpu_ms() - c0);
    }
    std::sort(times.begin(), times.end());
    const double median = times[times.size() / 2];
    std::printf("%-8s %10.3f %10.2f %10.2f %10.0f %10.0f %9zu\n", k.name, build, median, times.front(),
                bytes / 1e3 / median, bytes / 1e3 / times.front(), hits);
    if (reference.empty()) {
      reference = found;
    } else {
      for (std::size_t f = 0; f < files.size(); ++f) {
        const auto& a = reference[f];
        const auto& b = found[f];
        const bool same = a.size() == b.size()
                          && std::equal(a.begin(), a.end(), b.begin(), [](const auto& x, const auto& y) {
                               return x.keyword == y.keyword && x.offset == y.offset;
                             });
        if (!same) {
          std::printf("MISMATCH between kernels on file #%zu\n", f);
          return 1;
        }
      }
    }
  }

  // Candidate offsets of the SIMD filter (before the exact comparison), over the same bytes.
  const teddy::Isa isa = teddy::cpu_supports(teddy::Isa::avx2) ? teddy::Isa::avx2 : teddy::Isa::ssse3;
  if (teddy::cpu_supports(isa) && only.empty()) {
    const teddy::Masks masks = teddy::build_masks(keywords, teddy::fingerprint_offsets(keywords));
    const std::size_t block = teddy::block_bytes(isa);
    std::size_t candidates = 0;
    std::size_t busy_blocks = 0;
    std::size_t blocks_total = 0;
    // Padded copies, so that the filter reads every offset (a candidate in the padding is not counted); scanned
    // in chunks of 64 KiB (the kernel's offsets are 16-bit).
    std::vector<std::vector<unsigned char>> padded;
    for (const auto& f : files) {
      const std::size_t blocks = (f.size() + block - 1) / block;
      padded.emplace_back(blocks * block + teddy::k_width, 0);
      std::copy(f.begin(), f.end(), padded.back().begin());
    }
    const std::size_t chunk = 65536 / block;
    std::vector<std::uint16_t> out(65536 + teddy::k_out_slack);
    // Calls `visit(chunk start, candidate count)` for every chunk of every file (file index in `k`).
    const auto each_chunk = [&](auto&& visit) {
      for (std::size_t k = 0; k < padded.size(); ++k) {
        const std::size_t blocks = (padded[k].size() - teddy::k_width) / block;
        for (std::size_t b = 0; b < blocks; b += chunk) {
          visit(k, b * block, teddy::scan(isa, masks, padded[k].data() + b * block, std::min(chunk, blocks - b),
                                          out.data()));
        }
      }
    };
    std::vector<double> times;
    for (int r = 0; r < rounds; ++r) {
      const double c0 = cpu_ms();
      each_chunk([](std::size_t, std::size_t, std::size_t) {});
      times.push_back(cpu_ms() - c0);
    }
    std::sort(times.begin(), times.end());
    std::printf("SIMD filter alone (%s, no verification): median %.2f ms = %.0f MB/s\n",
                isa == teddy::Isa::avx2 ? "avx2" : "ssse3", times[times.size() / 2],
                bytes / 1e3 / times[times.size() / 2]);
    each_chunk([&](std::size_t k, std::size_t from, std::size_t n) {
      std::size_t last_block = SIZE_MAX;
      for (std::size_t e = 0; e < n; ++e) {
        if (from + out[e] >= files[k].size()) {
          break;  // padding
        }
        ++candidates;
        busy_blocks += out[e] / block != last_block ? 1 : 0;
        last_block = out[e] / block;
      }
    });
    for (const auto& f : files) {
      blocks_total += (f.size() + block - 1) / block;
    }
    std::printf("SIMD candidates: %zu offsets = %.2f%% of bytes (estimate at build %.2f%%); %.1f%% of %zu-byte blocks "
                "have one\n",
                candidates, 100.0 * static_cast<double>(candidates) / static_cast<double>(bytes),
                100.0 * teddy::estimated_candidate_rate(masks),
                100.0 * static_cast<double>(busy_blocks) / static_cast<double>(blocks_total), block);
  }
  return 0;
}
