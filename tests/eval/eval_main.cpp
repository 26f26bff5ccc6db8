// Labelled evaluation of the default rules: scans every case of a JSONL corpus as one fragment and reports
// recall (secret cases with at least one finding) and false-positive rate (none cases with any finding).
// A case counts as found when an unsuppressed secret finding reaches the default --min-confidence (medium);
// env-file findings are path facts, not secrets, and are not counted.
// Exit status: 0 when recall >= 0.98 and fpr <= 0.02, 1 otherwise, 2 on a broken corpus or rules.
//
// Usage: eval_corpus [corpus.jsonl] [--verbose]
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/rules.hpp"
#include "core/types.hpp"
#include "scan/engine.hpp"

namespace {

using namespace dsnguard;

constexpr double k_min_recall = 0.98;
constexpr double k_max_fpr = 0.02;

struct Case {
  std::string id;
  std::string path;
  std::string text;
  bool secret = false;
  std::string category;
  std::string note;
};

struct Tally {
  int total = 0;
  int wrong = 0;  // secret cases missed, or none cases reported
};

}  // namespace

int main(int argc, char** argv)
{
  std::string corpus_path = std::string(DSNGUARD_SOURCE_DIR) + "/tests/eval/corpus.jsonl";
  bool verbose = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--verbose" || arg == "-v") {
      verbose = true;
    } else {
      corpus_path = arg;
    }
  }
  std::ifstream in(corpus_path);
  if (!in) {
    std::cerr << "eval: cannot open " << corpus_path << "\n";
    return 2;
  }
  std::vector<Case> cases;
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty()) {
      continue;
    }
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("text") || !j.contains("label")) {
      std::cerr << "eval: " << corpus_path << ":" << line_no << ": not a case object\n";
      return 2;
    }
    Case c;
    c.id = j.value("id", "line" + std::to_string(line_no));
    c.path = j.value("path", "");
    c.text = j["text"].get<std::string>();
    const std::string label = j["label"].get<std::string>();
    if (label != "secret" && label != "none") {
      std::cerr << "eval: " << corpus_path << ":" << line_no << ": label must be secret or none\n";
      return 2;
    }
    c.secret = label == "secret";
    c.category = j.value("category", "uncategorised");
    c.note = j.value("note", "");
    cases.push_back(std::move(c));
  }
  auto rules = config::builtin_rules();
  if (!rules) {
    std::cerr << "eval: " << rules.error().message << "\n";
    return 2;
  }
  auto engine = scan::Engine::compile(std::move(*rules));
  if (!engine) {
    std::cerr << "eval: " << engine.error().message << "\n";
    return 2;
  }
  int secrets = 0;
  int nones = 0;
  int found_secrets = 0;
  int reported_nones = 0;
  std::map<std::string, Tally> by_category;
  for (const auto& c : cases) {
    core::Fragment fragment;
    fragment.bytes = c.text;
    fragment.origin.path = c.path;
    const auto findings = engine->scan(fragment);
    std::vector<const core::Finding*> counted;
    for (const auto& f : findings) {
      if (f.kind == core::FindingKind::secret && !f.suppressed && f.confidence >= core::Confidence::medium) {
        counted.push_back(&f);
      }
    }
    auto& tally = by_category[c.category];
    ++tally.total;
    const bool reported = !counted.empty();
    if (c.secret) {
      ++secrets;
      found_secrets += reported ? 1 : 0;
    } else {
      ++nones;
      reported_nones += reported ? 1 : 0;
    }
    const bool wrong = c.secret != reported;
    if (wrong) {
      ++tally.wrong;
      std::cout << (c.secret ? "MISS " : "FP   ") << c.id << " [" << c.category << "] " << c.path << ": " << c.note
                << "\n";
      for (const auto* f : counted) {
        std::cout << "       " << f->rule_id << " [" << core::to_string(f->confidence) << "] " << f->message << "\n";
      }
      if (c.secret) {
        for (const auto& f : findings) {
          std::cout << "       (below threshold) " << f.rule_id << " [" << core::to_string(f.confidence) << "] "
                    << f.message << (f.suppressed ? " (suppressed)" : "") << "\n";
        }
      }
    } else if (verbose) {
      std::cout << "ok   " << c.id << "\n";
    }
  }
  std::cout << "\nper category (wrong/total):\n";
  for (const auto& [category, t] : by_category) {
    std::cout << "  " << std::left << std::setw(24) << category << " " << t.wrong << "/" << t.total << "\n";
  }
  const double recall = secrets == 0 ? 1.0 : double(found_secrets) / secrets;
  const double fpr = nones == 0 ? 0.0 : double(reported_nones) / nones;
  std::cout << std::fixed << std::setprecision(3) << "eval: recall=" << recall << " fpr=" << fpr << " (" << secrets
            << " secret, " << nones << " none)\n";
  return (recall >= k_min_recall && fpr <= k_max_fpr) ? 0 : 1;
}
