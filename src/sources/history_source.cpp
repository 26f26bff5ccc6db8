// The history Source: commit walk -> blob list -> parallel blob reads, then provenance on demand.
#include "sources/history_source.hpp"

#include <malloc.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <unordered_map>
#include <utility>

#include "sources/blob_reader.hpp"
#include "sources/history_index.hpp"
#include "sources/pack_reader.hpp"
#include "sources/tree_store.hpp"

namespace dsnguard::sources {

namespace {

class GitHistorySource : public HistorySource {
public:
  explicit GitHistorySource(HistoryConfig config) : m_config(std::move(config)) {}

  core::Expected<void> for_each(core::FragmentSink& sink) override
  {
    DSNGUARD_TRY_ASSIGN(m_repo, open_repository(m_config.path));
    m_git_dir = git_repository_path(m_repo.get());
    // The commit, tree and blob passes read the same packs: their headers are parsed once. A full scan needs them
    // first thing: they are parsed while the refs are collected (~10 ms on one core that would otherwise wait).
    PackSet packs(m_git_dir);
    std::jthread pack_headers;
    if (m_config.full_expected) {
      pack_headers = std::jthread([&packs] { packs.packs(); });
    }
    std::vector<std::string> broken;
    DSNGUARD_TRY_ASSIGN(m_tips, collect_tips(m_repo.get(), broken));
    for (const auto& name : broken) {
      sink.note("reference " + name + " cannot be resolved and was not scanned");
    }
    const OidSet shallow = read_shallow(m_git_dir);
    DSNGUARD_TRY_ASSIGN(const Scope scope, m_config.scope(m_repo.get(), m_tips, sink));
    const OidSet hidden = scope.hide.empty() ? OidSet{} : reachable(m_repo.get(), scope.hide, shallow);
    const bool timing = std::getenv("DSNGUARD_TIMING") != nullptr;
    const auto cpu_seconds = [](const rusage& u) {
      return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec)
             + static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
    };
    auto t0 = std::chrono::steady_clock::now();
    double cpu0 = 0;
    if (timing) {
      rusage usage{};
      ::getrusage(RUSAGE_SELF, &usage);
      cpu0 = cpu_seconds(usage);
    }
    const auto lap = [&](const char* what) {
      if (timing) {
        const auto now = std::chrono::steady_clock::now();
        rusage usage{};
        ::getrusage(RUSAGE_SELF, &usage);
        std::fprintf(stderr, "timing: %s %.3f s, CPU %.3f s (peak RSS so far %ld MB)\n", what,
                     std::chrono::duration<double>(now - t0).count(), cpu_seconds(usage) - cpu0,
                     usage.ru_maxrss / 1024);
        t0 = now;
        cpu0 = cpu_seconds(usage);
      }
    };
    if (pack_headers.joinable()) {
      pack_headers.join();  // nothing below touches the packs before this
    }
    // A full scan lists every tree: the packs' trees are read while the commits are walked (the tree pass needs
    // only the packs), so that the walk's serial parts leave no core idle.
    const unsigned threads =
        m_config.threads != 0 ? m_config.threads : std::max(1u, std::thread::hardware_concurrency());
    std::unique_ptr<TreeStore> trees;
    std::jthread tree_pass;
    if (scope.full) {
      // Peeling thousands of refs left pages of the packs mapped by this repository (tens of MB on git/git): let
      // them go before the tree pass grows. The walks read the packs themselves and need libgit2 only for loose
      // objects.
      m_repo.reset();
      if (!reopen()) {
        return core::fail(core::ErrorCode::git, "cannot reopen repository " + m_git_dir + ": " + git_error_text());
      }
      packs.packs();  // loaded before either pass starts
      trees = std::make_unique<TreeStore>();
      tree_pass = std::jthread([&trees, &packs, threads] { trees->load_packs(packs, threads); });
    }
    // A full scan walks every commit: parse them all from the packs at once rather than looking up the first
    // thousands one by one through libgit2 (~40 ms on sqlalchemy).
    m_graph = walk_commits(m_repo.get(), scope.starts, shallow, hidden, scope.full ? 0 : k_bulk_commits_after,
                           &packs);
    m_partial = scope.partial;
    if (m_graph.truncated) {
      m_shallow = true;
      sink.note("history is partial: this is a shallow clone, commits before the shallow boundary were not "
                "scanned; fetch all of it with `git fetch --unshallow` (GitHub Actions: actions/checkout with "
                "fetch-depth: 0; GitLab CI: GIT_DEPTH: 0)");
    }
    ::malloc_trim(0);  // the commit reader's pack index and table are gone
    lap("commit walk");
    std::vector<std::string> missing = m_graph.missing;
    if (scope.full) {
      tree_pass.join();
      ::malloc_trim(0);  // the tree pass's children lists are gone: give their pages back before the walk grows
      lap("tree pass");
      m_index.add_full(m_repo.get(), std::move(trees), m_graph, missing, threads);
    } else {
      m_index.add_introduced(m_repo.get(), m_graph, scope.line_filter, missing);
    }
    if (m_config.all_objects) {
      m_index.add_unreachable(m_repo.get());
    }
    lap("blob listing");
    for (const auto& id : missing) {
      sink.skipped({id, core::Skipped::Reason::missing_object, "commit or tree object is missing"});
    }

    // The walk's repository (its pack windows and object cache) is not needed while blobs are read; provenance
    // reopens it.
    m_repo.reset();
    ::malloc_trim(0);  // give the walk's freed object cache back before the readers allocate
    std::vector<BlobJob> jobs;
    jobs.reserve(m_index.blobs().size());
    for (std::uint32_t i = 0; i < m_index.blobs().size(); ++i) {
      jobs.push_back({m_index.blobs()[i].id, i});
    }
    BlobReadOptions ro;
    ro.git_dir = m_git_dir;
    ro.max_file_size = m_config.max_file_size;
    ro.threads = m_config.threads;
    ro.progress = m_config.progress;
    ro.packs = &packs;
    const auto fill = [this](std::uint32_t tag, core::Fragment& f) {
      const auto& b = m_index.blobs()[tag];
      f.origin.path = m_index.path(b.path);
      f.origin.kind = core::OriginKind::history;
      f.origin.blob = oid_hex(b.id);
      if (b.commit < m_graph.ids.size()) {
        f.origin.commit = oid_hex(m_graph.ids[b.commit]);
      }
      if (f.origin.path.empty()) {
        f.origin.path = "(unreachable blob " + f.origin.blob + ")";
      }
      f.added_lines = m_index.added_lines(tag);
    };
    const auto describe = [this](std::uint32_t tag) {
      const auto& b = m_index.blobs()[tag];
      return "blob at " + m_index.path(b.path);
    };
    DSNGUARD_TRY_ASSIGN(const std::uint64_t read_bytes, read_blobs(std::move(jobs), ro, sink, fill, describe));
    if (timing) {
      std::fprintf(stderr, "timing: %.1f MiB of blobs\n", static_cast<double>(read_bytes) / 1048576.0);
    }
    lap("blob reads");
    return {};
  }

  std::uint64_t commits() const override { return m_graph.ids.size(); }
  std::uint64_t blobs() const override { return m_index.blobs().size(); }
  bool shallow() const override { return m_shallow; }
  bool partial() const override { return m_partial || m_shallow; }

  std::vector<core::Occurrence> occurrences(const std::string& path, const std::string& commit,
                                            Detail detail) override
  {
    std::vector<core::Occurrence> out;
    const long blob = m_index.find(path, commit, m_graph);
    if (blob < 0 || !reopen()) {
      return out;
    }
    for (const std::uint32_t pi : m_index.places_of(static_cast<std::uint32_t>(blob))) {
      const auto& place = m_index.places()[pi];
      if (place.commit >= m_graph.ids.size()) {
        continue;
      }
      core::Occurrence o;
      o.path = m_index.path(place.path);
      o.blob = oid_hex(m_index.blobs()[place.blob].id);
      o.commit = oid_hex(m_graph.ids[place.commit]);
      o.sequence = pi;
      const auto& [author, time] = author_of(place.commit);
      o.author = author;
      o.time = time;
      if (detail == Detail::full) {
        o.refs = refs_reaching(place.commit);
        o.at_head = head_blob(o.path) == o.blob;
      }
      out.push_back(std::move(o));
    }
    return out;
  }

  bool path_at_head(const std::string& path) override { return reopen() && !head_blob(path).empty(); }

private:
  bool reopen()
  {
    if (!m_repo) {
      git_repository* raw = nullptr;
      if (git_repository_open(&raw, m_git_dir.c_str()) != 0) {
        return false;
      }
      m_repo.reset(raw);
    }
    return true;
  }

  // "Name <email>" and time of the author of commit `c`, as the walk read them.
  std::pair<const std::string&, std::int64_t> author_of(std::uint32_t c) const
  {
    return {m_graph.author_names[m_graph.authors[c]], m_graph.author_times[c]};
  }

  // Hex id of the blob at `path` in HEAD's tree, "" when absent (or HEAD unborn).
  std::string head_blob(const std::string& path)
  {
    if (!m_head_loaded) {
      m_head_loaded = true;
      git_object* raw = nullptr;
      if (git_revparse_single(&raw, m_repo.get(), "HEAD^{tree}") == 0) {
        m_head_tree.reset(reinterpret_cast<git_tree*>(raw));
      }
    }
    if (!m_head_tree) {
      return "";
    }
    git_tree_entry* entry = nullptr;
    if (git_tree_entry_bypath(&entry, m_head_tree.get(), path.c_str()) != 0) {
      return "";
    }
    std::string id = oid_hex(*git_tree_entry_id(entry));
    git_tree_entry_free(entry);
    return id;
  }

  // Names of the tips whose history contains commit `c`. The first call computes, for every commit, the set of
  // commit tips reaching it (a bitset per commit, propagated from children to parents in one pass). Commits with
  // the same set share one list.
  core::RefList refs_reaching(std::uint32_t c)
  {
    if (const auto it = m_reach_cache.find(c); it != m_reach_cache.end()) {
      return it->second;
    }
    if (m_reach_words == 0) {
      for (const auto& tip : m_tips) {
        const auto it = tip.is_commit ? m_graph.index.find(tip.commit) : m_graph.index.end();
        if (it != m_graph.index.end()) {
          m_reach_tips.emplace_back(it->second, &tip.name);
        }
      }
      m_reach_words = std::max<std::size_t>(1, (m_reach_tips.size() + 63) / 64);
      m_reach.assign(m_graph.ids.size() * m_reach_words, 0);
      for (std::size_t t = 0; t < m_reach_tips.size(); ++t) {
        m_reach[m_reach_tips[t].first * m_reach_words + t / 64] |= std::uint64_t{1} << (t % 64);
      }
      // graph.order lists parents before children: walk it backwards so every child is final before its parents.
      for (auto it = m_graph.order.rbegin(); it != m_graph.order.rend(); ++it) {
        const std::uint64_t* from = &m_reach[std::size_t{*it} * m_reach_words];
        for (const auto p : m_graph.parents[*it]) {
          std::uint64_t* to = &m_reach[std::size_t{p} * m_reach_words];
          for (std::size_t w = 0; w < m_reach_words; ++w) {
            to[w] |= from[w];
          }
        }
      }
    }
    const std::uint64_t* bits = &m_reach[std::size_t{c} * m_reach_words];
    std::string key(reinterpret_cast<const char*>(bits), m_reach_words * sizeof(std::uint64_t));
    auto [shared, fresh] = m_reach_lists.try_emplace(std::move(key));
    if (fresh) {
      std::vector<std::string> names;
      for (std::size_t t = 0; t < m_reach_tips.size(); ++t) {
        if ((bits[t / 64] >> (t % 64)) & 1u) {
          names.push_back(*m_reach_tips[t].second);
        }
      }
      std::sort(names.begin(), names.end());
      names.erase(std::unique(names.begin(), names.end()), names.end());
      shared->second = core::RefList(std::move(names));
    }
    m_reach_cache.emplace(c, shared->second);
    return shared->second;
  }

  HistoryConfig m_config;
  RepoPtr m_repo;
  std::string m_git_dir;
  std::vector<Tip> m_tips;
  CommitGraph m_graph;
  HistoryIndex m_index;
  bool m_partial = false;
  bool m_shallow = false;
  bool m_head_loaded = false;
  TreePtr m_head_tree;
  std::vector<std::pair<std::uint32_t, const std::string*>> m_reach_tips;  // (commit index, tip name)
  std::size_t m_reach_words = 0;
  std::vector<std::uint64_t> m_reach;  // per commit: bitset over m_reach_tips
  std::unordered_map<std::uint32_t, core::RefList> m_reach_cache;   // commit index -> refs_reaching
  std::unordered_map<std::string, core::RefList> m_reach_lists;    // reach bitset (raw words) -> its names
};

}  // namespace

core::Expected<git_oid> resolve_commit(git_repository* repo, const std::string& rev)
{
  git_object* raw = nullptr;
  if (git_revparse_single(&raw, repo, rev.c_str()) != 0) {
    return core::fail(core::ErrorCode::not_found, "unknown revision '" + rev + "': " + git_error_text());
  }
  const ObjectPtr obj(raw);
  git_object* peeled = nullptr;
  if (git_object_peel(&peeled, obj.get(), GIT_OBJECT_COMMIT) != 0) {
    return core::fail(core::ErrorCode::not_found, "revision '" + rev + "' is not a commit");
  }
  git_oid id{};
  git_oid_cpy(&id, git_object_id(peeled));
  git_object_free(peeled);
  return id;
}

core::Expected<std::unique_ptr<HistorySource>> make_git_history_source(HistoryConfig config)
{
  return std::unique_ptr<HistorySource>(new GitHistorySource(std::move(config)));
}

core::Expected<std::unique_ptr<HistorySource>> make_history_source(const HistoryOptions& options)
{
  HistoryConfig config;
  config.path = options.path;
  config.all_objects = options.all_objects;
  config.max_file_size = options.max_file_size;
  config.threads = options.threads;
  config.progress = options.progress;
  const std::string since = options.since;
  const std::string range = options.range;
  config.full_expected = since.empty() && range.empty();
  if (!since.empty() || !range.empty()) {
    // Bad revisions are usage errors, found before any scanning starts.
    DSNGUARD_TRY_ASSIGN(const auto repo, open_repository(options.path));
    std::vector<std::string> revs;
    if (!since.empty()) {
      revs.push_back(since);
    }
    if (const auto dots = range.find(".."); !range.empty() && dots != std::string::npos) {
      revs.push_back(range.substr(0, dots));
      revs.push_back(range.substr(dots + 2));
    }
    for (const auto& rev : revs) {
      if (!rev.empty()) {
        DSNGUARD_TRY(resolve_commit(repo.get(), rev));
      }
    }
  }
  config.scope = [since, range](git_repository* repo, const std::vector<Tip>& tips,
                                core::FragmentSink&) -> core::Expected<Scope> {
    Scope s;
    if (!range.empty()) {
      const auto dots = range.find("..");
      if (dots == std::string::npos || range.find("...") != std::string::npos) {
        return core::fail(core::ErrorCode::usage, "--range expects A..B, got '" + range + "'");
      }
      const std::string a = range.substr(0, dots);
      const std::string b = range.substr(dots + 2);
      DSNGUARD_TRY_ASSIGN(const auto to, resolve_commit(repo, b.empty() ? "HEAD" : b));
      s.starts.push_back(to);
      if (!a.empty()) {
        DSNGUARD_TRY_ASSIGN(const auto from, resolve_commit(repo, a));
        s.hide.push_back(from);
      }
      s.full = false;
      s.partial = true;
      return s;
    }
    s.starts = commit_tips(tips);
    if (!since.empty()) {
      DSNGUARD_TRY_ASSIGN(const auto from, resolve_commit(repo, since));
      s.hide.push_back(from);
      s.full = false;
      s.partial = true;
    }
    return s;
  };
  return make_git_history_source(std::move(config));
}

}  // namespace dsnguard::sources
