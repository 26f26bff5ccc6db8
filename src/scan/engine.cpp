// Engine: keyword prefilter -> per-rule regex on small windows (container escapes undone) -> dsn/ validator
// -> judgement -> de-duplicated Findings. See engine.hpp for the contract.
#include "scan/engine.hpp"

#include <re2/re2.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>

#include "core/fingerprint.hpp"
#include "dsn/judge.hpp"
#include "scan/delta_scan.hpp"
#include "scan/encoded.hpp"
#include "scan/findings.hpp"
#include "scan/joined.hpp"
#include "scan/prefilter.hpp"
#include "scan/regex_guard.hpp"
#include "scan/validate.hpp"
#include "scan/window.hpp"

namespace dsnguard::scan {

namespace {

using core::ErrorCode;
using core::fail;

// Bytes of context kept around a keyword hit on very long lines (minified files).
constexpr std::size_t k_back = 1024;
constexpr std::size_t k_forward = 4096;
// Lines after the hit line that multi-line rules (driver calls, config blocks) may span.
constexpr std::size_t k_multiline_lines = 40;
// After this many keyword hits in one fragment, every keyword rule scans the whole fragment once instead.
constexpr std::size_t k_hit_limit = 20000;
// Windows a rule's per-thread list keeps room for between fragments (64 KiB).
constexpr std::size_t k_kept_windows = 4096;

// An RE2 built on first use, thread-safe (a staged scan of a few files needs few of the rules' regexes; building
// all of them was a quarter of its start-up). Truthy when the rule has this regex at all. A regex that does not
// compile matches nothing (RE2 semantics); Engine::compile checks user rules eagerly, so only built-in rules,
// which the test suite compiles, are ever built lazily.
class LazyRegex {
public:
  LazyRegex() = default;
  explicit LazyRegex(const std::string& text) : m_state(text.empty() ? nullptr : std::make_unique<State>(text)) {}

  explicit operator bool() const { return m_state != nullptr; }
  const RE2& operator*() const { return get(); }
  const RE2* operator->() const { return &get(); }
  const RE2& get() const
  {
    std::call_once(m_state->once, [this] {
      m_state->re = std::make_unique<RE2>(m_state->text, rule_regex_options(m_state->text));
    });
    return *m_state->re;
  }

private:
  struct State {
    explicit State(const std::string& t) : text(t) {}
    const std::string& text;  // the Rule's, owned by Engine::Impl
    std::once_flag once;
    std::unique_ptr<RE2> re;
  };
  std::unique_ptr<State> m_state;
};

struct CompiledRule {
  const core::Rule* rule = nullptr;
  LazyRegex pattern;  // empty for path-only rules
  LazyRegex path;     // empty when the rule applies to every path
  std::vector<LazyRegex> allow;
  // Capture group indices, set by Engine::Impl::built(): the secret (0 = none), "key" or "call" (0 = none).
  mutable int secret_group = 0;
  mutable int label_group = 0;
  // A literal test that skips the regex on windows it cannot match; checked before the regex is even built.
  RegexGuard guard;
  std::unique_ptr<std::once_flag> groups_once = std::make_unique<std::once_flag>();
  bool multiline = false;
  bool generic = false;
  bool line_local = false;  // no text anchors: a delta scan may skip its unchanged components
};

core::Expected<void> check_regex(const core::Rule& rule, const LazyRegex& re, const char* what)
{
  if (re && !re->ok()) {
    return fail(ErrorCode::config, (rule.source_file.empty() ? std::string("rules") : rule.source_file) + ": rule '"
                                       + rule.id + "': invalid " + what + " regex: " + re->error());
  }
  return {};
}

// Resolves the rule's capture group names against its (built) pattern.
core::Expected<void> resolve_groups(const CompiledRule& cr)
{
  const auto& rule = *cr.rule;
  if (!cr.pattern || !cr.pattern->ok()) {
    return {};
  }
  const auto& names = cr.pattern->NamedCapturingGroups();
  if (!rule.secret_group.empty()) {
    const auto it = names.find(rule.secret_group);
    if (it == names.end()) {
      return fail(ErrorCode::config, rule.source_file + ": rule '" + rule.id + "': secret_group '" + rule.secret_group
                                         + "' is not a named group of the pattern");
    }
    cr.secret_group = it->second;
  }
  for (const char* label : {"key", "call"}) {
    if (const auto it = names.find(label); it != names.end()) {
      cr.label_group = it->second;
    }
  }
  return {};
}

}  // namespace

struct Engine::Impl {
  std::vector<core::Rule> rules;
  std::vector<CompiledRule> compiled;
  std::unique_ptr<Prefilter> prefilter;
  std::vector<std::vector<std::size_t>> keyword_rules;  // keyword index -> rule indices
  std::vector<std::size_t> keywordless;                  // content rules without keywords (scan whole fragment)
  // Tells engines apart in the per-thread cache of rules_for_path (a later engine may reuse a freed one's address).
  std::uint64_t serial = next_serial();

  static std::uint64_t next_serial()
  {
    static std::atomic<std::uint64_t> counter{0};
    return ++counter;
  }

  bool path_matches(const CompiledRule& cr, std::string_view path) const
  {
    return !cr.path || RE2::PartialMatch(path, *cr.path);
  }
  // Which rules scan the content of a file at `path` (secret rules with a pattern whose path filter matches). The
  // answer for the last path is kept per thread: a history scan reads each file's versions one after the other
  // (a delta chain), and ~40 path regexes per blob cost ~2% of a history scan.
  const std::vector<bool>& rules_for_path(const std::string& path) const
  {
    thread_local struct {
      std::uint64_t engine = 0;
      std::string path;
      std::vector<bool> rules;
    } last;
    if (last.engine != serial || last.path != path) {
      last.engine = 0;  // a throw below leaves no stale entry
      last.rules.assign(compiled.size(), false);
      for (std::size_t i = 0; i < compiled.size(); ++i) {
        last.rules[i] = compiled[i].pattern && rules[i].kind == core::FindingKind::secret
                        && path_matches(compiled[i], path);
      }
      last.path = path;
      last.engine = serial;
    }
    return last.rules;
  }
  bool allowed(const CompiledRule& cr, std::string_view text) const
  {
    return std::any_of(cr.allow.begin(), cr.allow.end(), [&](const auto& re) { return RE2::PartialMatch(text, *re); });
  }
  // compiled[i] with its pattern built and capture groups resolved (once, thread-safe).
  const CompiledRule& built(std::size_t i) const
  {
    const CompiledRule& cr = compiled[i];
    std::call_once(*cr.groups_once, [&cr] { (void)resolve_groups(cr); });
    return cr;
  }
  // Matches one rule in one window; true when its regex matched at all (even if validation then dropped it).
  bool run_rule(std::size_t rule_index, const Window& window, const core::Fragment& fragment,
                std::vector<RawFinding>& out) const;
};

Engine::Engine(std::shared_ptr<const Impl> impl) : m_impl(std::move(impl)) {}

core::Expected<Engine> Engine::compile(std::vector<core::Rule> rules)
{
  auto impl = std::make_shared<Impl>();
  impl->rules = std::move(rules);
  std::map<std::string, std::size_t> keyword_index;
  std::vector<std::string> keywords;
  for (std::size_t i = 0; i < impl->rules.size(); ++i) {
    const auto& rule = impl->rules[i];
    CompiledRule cr;
    cr.rule = &rule;
    cr.pattern = LazyRegex(rule.pattern);
    cr.path = LazyRegex(rule.path_pattern);
    for (const auto& a : rule.allow_patterns) {
      cr.allow.emplace_back(a);
    }
    if (!rule.builtin) {
      // User rules: every regex is built and checked now (exit 2 at load, naming file, rule and RE2 error).
      DSNGUARD_TRY(check_regex(rule, cr.pattern, "pattern"));
      DSNGUARD_TRY(check_regex(rule, cr.path, "path"));
      for (const auto& a : cr.allow) {
        DSNGUARD_TRY(check_regex(rule, a, "allow"));
      }
      core::Expected<void> groups;
      std::call_once(*cr.groups_once, [&] { groups = resolve_groups(cr); });
      DSNGUARD_TRY(groups);
    }
    cr.multiline = std::find(rule.tags.begin(), rule.tags.end(), "multiline") != rule.tags.end();
    cr.generic = std::find(rule.tags.begin(), rule.tags.end(), "generic") != rule.tags.end();
    cr.line_local = pattern_is_line_local(rule.pattern);
    if (const auto* clauses = rule.builtin ? detail::builtin_guard(rule.pattern) : nullptr) {
      cr.guard = RegexGuard::from_clauses(*clauses, rule_regex_options(rule.pattern));
    } else if (cr.pattern) {
      cr.guard = RegexGuard::derive(rule.pattern, rule_regex_options(rule.pattern), rule.keywords);
    }
    if (rule.kind == core::FindingKind::secret && cr.pattern) {
      if (rule.keywords.empty()) {
        impl->keywordless.push_back(i);
      }
      for (const auto& kw : rule.keywords) {
        if (kw.empty()) {
          continue;
        }
        auto [it, inserted] = keyword_index.emplace(kw, keywords.size());
        if (inserted) {
          keywords.push_back(kw);
          impl->keyword_rules.emplace_back();
        }
        impl->keyword_rules[it->second].push_back(i);
      }
    }
    impl->compiled.push_back(std::move(cr));
  }
  for (auto& list : impl->keyword_rules) {
    std::sort(list.begin(), list.end());
    list.erase(std::unique(list.begin(), list.end()), list.end());
  }
  impl->prefilter = std::make_unique<Prefilter>(std::move(keywords));
  return Engine(impl);
}

bool Engine::Impl::run_rule(std::size_t rule_index, const Window& window, const core::Fragment& fragment,
                            std::vector<RawFinding>& out) const
{
  const std::string_view text = window.text();
  if (!compiled[rule_index].guard.may_match(text)) {
    return false;
  }
  bool any_match = false;
  const CompiledRule& cr = built(rule_index);
  const int ngroups = std::max({cr.secret_group, cr.label_group, 0}) + 1;
  // The groups up to the secret and label ones, on the stack for the usual few (this runs for every window).
  constexpr int k_inline_groups = 8;
  re2::StringPiece inline_groups[k_inline_groups];
  std::vector<re2::StringPiece> heap_groups(ngroups > k_inline_groups ? static_cast<std::size_t>(ngroups) : 0);
  re2::StringPiece* groups = ngroups > k_inline_groups ? heap_groups.data() : inline_groups;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    if (!cr.pattern->Match(re2::StringPiece(text.data(), text.size()), pos, text.size(), RE2::UNANCHORED,
                           groups, ngroups)) {
      break;
    }
    any_match = true;
    const std::size_t mstart = static_cast<std::size_t>(groups[0].data() - text.data());
    const std::size_t mend = mstart + groups[0].size();
    pos = mend > mstart ? mend : mstart + 1;
    std::optional<dsn::Span> secret;
    if (cr.secret_group > 0 && groups[static_cast<std::size_t>(cr.secret_group)].data() != nullptr) {
      const auto& g = groups[static_cast<std::size_t>(cr.secret_group)];
      secret = dsn::Span{static_cast<std::size_t>(g.data() - text.data()), g.size()};
    }
    std::string_view label;
    if (cr.label_group > 0 && groups[static_cast<std::size_t>(cr.label_group)].data() != nullptr) {
      const auto& g = groups[static_cast<std::size_t>(cr.label_group)];
      label = std::string_view(g.data(), g.size());
    }
    auto candidate = validate(*cr.rule, text, mstart, mend, secret, label, fragment.origin.path);
    if (!candidate || candidate->end <= candidate->start) {
      continue;
    }
    const auto matched = text.substr(candidate->start, candidate->end - candidate->start);
    if (allowed(cr, matched)) {
      continue;
    }
    RawFinding raw;
    raw.rule_index = rule_index;
    raw.generic = cr.generic;
    raw.start = window.raw_offset(candidate->start);
    raw.end = window.raw_offset(candidate->end);
    raw.secret_start = window.raw_offset(candidate->secret.offset);
    raw.secret_end = window.raw_offset(candidate->secret.offset + candidate->secret.length);
    raw.candidate = std::move(*candidate);
    out.push_back(std::move(raw));
  }
  return any_match;
}

namespace {

// The bytes [offset, offset + length) of a fragment that the rules saw as another text (decoded, joined): where
// that text's findings are located and what they say about it.
struct Derived {
  std::size_t offset = 0;
  std::size_t length = 0;
  std::string_view note;                          // appended to each finding's message
  std::pair<std::string, std::string> attribute;  // added to each finding

  // Whether a staged scan reports it: some line of the span is added (any line when the fragment is whole).
  bool on_added_line(const core::Fragment& fragment, LineIndex& lines) const
  {
    if (fragment.added_lines == nullptr) {
      return true;
    }
    const std::size_t last = lines.line_of(offset + length);
    for (std::size_t l = lines.line_of(offset); l <= last; ++l) {
      if (scan::on_added_line(*fragment.added_lines, static_cast<std::uint32_t>(l + 1))) {
        return true;
      }
    }
    return false;
  }

  // Moves `found` into `out`, located at the span; an inline allow marker at its first line suppresses them.
  void locate(std::vector<core::Finding> found, LineIndex& lines, std::vector<core::Finding>& out) const
  {
    const std::size_t end = offset + length;
    const auto line = static_cast<std::uint32_t>(lines.line_of(offset) + 1);
    const auto end_line = static_cast<std::uint32_t>(lines.line_of(end) + 1);
    const bool allowed = allow_marked(lines, offset);
    for (auto& f : found) {
      f.location.line = line;
      f.location.end_line = end_line;
      f.location.column = static_cast<std::uint32_t>(offset - lines.line_start(offset) + 1);
      f.location.end_column = static_cast<std::uint32_t>(end - lines.line_start(end));
      f.location.offset = offset;
      f.location.length = length;
      f.message += note;
      f.attributes.push_back(attribute);
      if (allowed && !f.suppressed) {
        f.suppressed = true;
        f.suppressed_by = "inline";
      }
      out.push_back(std::move(f));
    }
  }
};

}  // namespace

std::vector<core::Finding> Engine::scan(const core::Fragment& fragment) const
{
  std::vector<core::Finding> findings = scan_path(fragment.origin);
  if (fragment.bytes.empty()) {
    return findings;
  }
  std::vector<std::size_t> split_urls;
  for (auto& f : scan_content(fragment, &split_urls)) {
    findings.push_back(std::move(f));
  }
  scan_joined(fragment, split_urls, findings);
  scan_encoded(fragment, findings);
  return findings;
}

void Engine::scan_joined(const core::Fragment& fragment, const std::vector<std::size_t>& starts,
                         std::vector<core::Finding>& findings) const
{
  if (starts.empty()) {
    return;
  }
  LineIndex lines(fragment.bytes);
  for (const std::size_t start : starts) {
    const auto joined = join_literals(fragment.bytes, start);
    if (!joined) {
      continue;
    }
    const Derived span{joined->offset, joined->length, " (split across joined string literals)", {"joined", "true"}};
    if (span.on_added_line(fragment, lines)) {
      core::Fragment inner;
      inner.bytes = joined->text;
      inner.origin = fragment.origin;
      span.locate(scan_content(inner), lines, findings);
    }
  }
}

void Engine::scan_encoded(const core::Fragment& fragment, std::vector<core::Finding>& findings) const
{
  if (!may_hold_manifest(fragment.origin.path)) {
    return;  // a pass over every byte of every file (and blob of history) would cost more than the rules
  }
  const auto values = kubernetes_secret_values(fragment.bytes);
  if (values.empty()) {
    return;
  }
  LineIndex lines(fragment.bytes);
  for (const auto& value : values) {
    const Derived span{value.offset, value.length, " (base64-encoded in a Kubernetes Secret)", {"encoding", "base64"}};
    if (span.on_added_line(fragment, lines)) {
      core::Fragment inner;
      inner.bytes = value.decoded;
      inner.origin = fragment.origin;
      span.locate(scan_content(inner), lines, findings);
    }
  }
}

std::vector<core::Finding> Engine::scan_content(const core::Fragment& fragment,
                                                std::vector<std::size_t>* split_urls) const
{
  const Impl& impl = *m_impl;
  std::vector<core::Finding> findings;
  const std::string_view bytes = fragment.bytes;
  // Windows per rule, from keyword hits. Kept per thread with their capacity: a history scan comes here for every
  // blob, and scan_content is never entered again before it returns (scan_joined and scan_encoded call it after).
  thread_local std::vector<std::vector<std::pair<std::size_t, std::size_t>>> windows;
  windows.resize(impl.compiled.size());
  for (auto& list : windows) {
    list.clear();
    if (list.capacity() > k_kept_windows) {
      list.shrink_to_fit();  // one blob with a flood of hits should not pin its lists for the rest of the scan
    }
  }
  // The per-thread answer for this path: nothing below asks for another path before this call returns.
  const std::vector<bool>& path_ok = impl.rules_for_path(fragment.origin.path);
  // A git delta against a blob scanned before: its hits come mostly from the base's memo (delta_scan.hpp).
  core::DeltaContext* delta = fragment.delta;
  const BlobMemo* base = nullptr;
  bool same_path = false;  // the base was validated for this very path: its matches can be reused
  if (delta != nullptr && !delta->pieces.empty() && delta->base != nullptr) {
    base = dynamic_cast<const BlobMemo*>(delta->base);
    if (base != nullptr && base->path_ok != path_ok) {
      base = nullptr;
    }
    same_path = base != nullptr && base->path == fragment.origin.path;
  }
  auto hits = base != nullptr ? derive_hits(*impl.prefilter, bytes, delta->pieces, base->hits)
                              : impl.prefilter->find(bytes, k_hit_limit);
  const bool flooded = hits.size() >= k_hit_limit;
  if (flooded) {
    base = nullptr;
  }
  std::unique_ptr<BlobMemo> memo;
  if (delta != nullptr && delta->memo != nullptr && !flooded) {
    memo = std::make_unique<BlobMemo>();
    memo->path_ok = path_ok;
    memo->path = fragment.origin.path;
  }
  for (const std::size_t i : impl.keywordless) {
    if (path_ok[i]) {
      windows[i].emplace_back(0, bytes.size());
    }
  }
  if (flooded) {
    // Hits past the limit were not collected, so which rules they would open is unknown: every keyword rule scans
    // the whole fragment (their guards drop most of them cheaply).
    for (const auto& rules_of_keyword : impl.keyword_rules) {
      for (const std::size_t i : rules_of_keyword) {
        if (path_ok[i]) {
          windows[i].assign(1, {0, bytes.size()});
        }
      }
    }
    hits.clear();
  }
  // The base's cold regions this delta may carry over, and what this blob leaves of its own for its children:
  // the union of all its windows (regions) and the hits that start split URLs (delta_scan.hpp).
  const auto candidates =
      base != nullptr ? carry_candidates(delta->pieces, *base) : std::vector<std::pair<std::size_t, std::size_t>>{};
  auto candidate = candidates.begin();
  enum class Carry { undecided, carry, scan } carry = Carry::undecided;
  // Working lists, kept per thread with their capacity like `windows` (three allocations per blob otherwise).
  thread_local std::vector<std::pair<std::size_t, std::size_t>> regions;
  thread_local std::vector<std::pair<std::size_t, std::size_t>> carried;
  thread_local std::vector<std::size_t> split_hits;
  for (auto* list : {&regions, &carried}) {
    list->clear();
    if (list->capacity() > k_kept_windows) {
      list->shrink_to_fit();
    }
  }
  split_hits.clear();
  if (split_hits.capacity() > k_kept_windows) {
    split_hits.shrink_to_fit();
  }
  // The furthest end of the windows computed and regions carried so far (0 before any: candidates start after
  // byte 0, behind the newline before them).
  std::size_t reach = 0;
  // The window around a hit depends only on whether the rule is multi-line: compute each kind once per hit.
  WindowCursor cursors[2] = {{bytes, 0, k_back, k_forward}, {bytes, k_multiline_lines, k_back, k_forward}};
  for (const auto& hit : hits) {
    while (candidate != candidates.end() && candidate->second <= hit.offset) {
      ++candidate;
      carry = Carry::undecided;
    }
    if (candidate != candidates.end() && hit.offset >= candidate->first) {
      if (carry == Carry::undecided) {
        carry = reach < candidate->first ? Carry::carry : Carry::scan;
        if (carry == Carry::carry) {
          carried.push_back(*candidate);
          reach = std::max(reach, candidate->second);
        }
      }
      if (carry == Carry::carry) {
        continue;
      }
    }
    if (split_urls != nullptr) {
      const auto start = split_url_start(bytes, hit.offset);
      if (start) {
        if (split_urls->empty() || split_urls->back() != *start) {
          split_urls->push_back(*start);
        }
        split_hits.push_back(hit.offset);
      }
    }
    std::pair<std::size_t, std::size_t> around[2];
    bool computed[2] = {false, false};
    for (const std::size_t i : impl.keyword_rules[hit.keyword]) {
      if (!path_ok[i]) {
        continue;
      }
      const std::size_t kind = impl.compiled[i].multiline ? 1 : 0;
      if (!computed[kind]) {
        around[kind] = cursors[kind].around(hit.offset);
        computed[kind] = true;
      }
      windows[i].push_back(around[kind]);
    }
    if (computed[0] || computed[1]) {
      // Both kinds start at the same byte; a multi-line window ends at or after a single-line one.
      const auto& widest = computed[1] ? around[1] : around[0];
      reach = std::max(reach, widest.second);
      if (memo) {
        if (!regions.empty() && widest.first <= regions.back().second) {
          regions.back().second = std::max(regions.back().second, widest.second);
        } else {
          regions.push_back(widest);
        }
      }
    }
  }
  std::vector<RawFinding> raw;
  for (std::size_t i = 0; i < windows.size(); ++i) {
    auto& list = windows[i];
    if (list.empty()) {
      continue;
    }
    // Overlapping windows merged, so each byte is matched once per rule.
    merge_ranges_in_place(list);
    for (const auto& [from, to] : list) {
      if (base != nullptr && impl.compiled[i].line_local
          && provably_clean(bytes, delta->pieces, *base, i, from, to)) {
        if (memo) {
          ++memo->skipped;
        }
        continue;
      }
      if (base != nullptr && same_path) {
        if (const Component* twin = exact_twin(delta->pieces, *base, i, from, to)) {
          const std::size_t first = raw.size();
          for (RawFinding r : twin->found) {
            r.start = r.start - twin->from + from;
            r.end = r.end - twin->from + from;
            r.secret_start = r.secret_start - twin->from + from;
            r.secret_end = r.secret_end - twin->from + from;
            raw.push_back(std::move(r));
          }
          if (memo) {
            memo->hot.push_back({i, from, to, {raw.begin() + static_cast<std::ptrdiff_t>(first), raw.end()}});
            ++memo->reused;
          }
          continue;
        }
      }
      const Window window(bytes, from, to);
      const std::size_t first = raw.size();
      if (impl.run_rule(i, window, fragment, raw) && memo) {
        memo->hot.push_back({i, from, to, {raw.begin() + static_cast<std::ptrdiff_t>(first), raw.end()}});
      }
    }
  }
  if (memo) {
    memo->carried = carried.size();
    memo->cold = cold_regions(bytes, regions, carried, memo->hot, split_hits);
    memo->hits = std::move(hits);
    *delta->memo = std::move(memo);
  }
  auto built = build_findings(std::move(raw), impl.rules, fragment);
  for (auto& f : built) {
    findings.push_back(std::move(f));
  }
  return findings;
}

std::vector<core::Finding> Engine::scan_path(const core::Origin& origin) const
{
  std::vector<core::Finding> findings;
  const Impl& impl = *m_impl;
  for (std::size_t i = 0; i < impl.compiled.size(); ++i) {
    const auto& cr = impl.compiled[i];
    if (cr.rule->kind != core::FindingKind::env_file || !cr.path || cr.pattern) {
      continue;
    }
    if (!RE2::PartialMatch(origin.path, *cr.path) || impl.allowed(cr, origin.path)) {
      continue;
    }
    findings.push_back(env_file_finding(*cr.rule, origin));
  }
  return findings;
}

void Engine::prepare(const std::atomic<bool>& stop) const
{
  const Impl& impl = *m_impl;
  if (stop.load(std::memory_order_relaxed)) {
    return;
  }
  impl.prefilter->prepare();  // the SIMD masks the first large file would otherwise build on a scan thread
  for (std::size_t i = 0; i < impl.compiled.size() && !stop.load(std::memory_order_relaxed); ++i) {
    const CompiledRule& cr = impl.built(i);  // the content regex, with its groups
    if (cr.path) {
      (void)cr.path.get();
    }
  }
}

const std::vector<core::Rule>& Engine::rules() const
{
  return m_impl->rules;
}

}  // namespace dsnguard::scan
