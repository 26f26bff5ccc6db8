#pragma once
// Fuzz targets as plain functions: each libFuzzer binary (tests/fuzz/main_<name>.cpp, clang only) calls one,
// and tests/unit/fuzz/regressions_test.cpp replays the seed corpus and every past crash through all of them
// in the normal and sanitizer builds.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace dsnguard::fuzz {

// Connection-string parser and judgement: parse_any/parse_uri/... then judge, redact and rebuild.
int fuzz_dsn(const std::uint8_t* data, std::size_t size);
// Rule loader and compiler: config::parse_rules then scan::Engine::compile and one scan over the input.
int fuzz_rules(const std::uint8_t* data, std::size_t size);

// Repository config reader (.dsnguard.json): parse_repo_config.
int fuzz_config(const std::uint8_t* data, std::size_t size);
// Baseline reader: parse, then serialize and re-parse (round trip must be stable).
int fuzz_baseline(const std::uint8_t* data, std::size_t size);
// .gitignore check and URL lint: missing/append ignore lines on the input as a .gitignore (idempotent), then
// every URL candidate through the URL checks; no finding may carry a decoded password.
int fuzz_lint(const std::uint8_t* data, std::size_t size);

struct Target {
  const char* name;
  int (*run)(const std::uint8_t*, std::size_t);
};
// Every target, by corpus directory name (tests/fuzz/corpus/<name>, tests/fuzz/regressions/<name>).
std::vector<Target> all_targets();

}  // namespace dsnguard::fuzz
