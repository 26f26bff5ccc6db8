#include "sources/commit_graph.hpp"

#include <algorithm>
#include <fstream>

#include "sources/commit_reader.hpp"

namespace dsnguard::sources {

namespace {

// Peels `oid` through annotated tags to the first non-tag object.
bool peel(git_repository* repo, const git_oid& oid, Tip& tip)
{
  git_object* raw = nullptr;
  if (git_object_lookup(&raw, repo, &oid, GIT_OBJECT_ANY) != 0) {
    return false;
  }
  ObjectPtr obj(raw);
  git_object* peeled = nullptr;
  if (git_object_type(obj.get()) == GIT_OBJECT_TAG) {
    if (git_tag_peel(&peeled, reinterpret_cast<git_tag*>(obj.get())) != 0) {
      return false;
    }
    obj.reset(peeled);
  }
  tip.type = git_object_type(obj.get());
  if (tip.type == GIT_OBJECT_COMMIT) {
    tip.is_commit = true;
    git_oid_cpy(&tip.commit, git_object_id(obj.get()));
  } else {
    git_oid_cpy(&tip.object, git_object_id(obj.get()));
  }
  return true;
}

}  // namespace

core::Expected<std::vector<Tip>> collect_tips(git_repository* repo, std::vector<std::string>& broken)
{
  std::vector<Tip> tips;
  git_reference_iterator* raw_iter = nullptr;
  if (git_reference_iterator_new(&raw_iter, repo) != 0) {
    return git_fail("cannot list references");
  }
  const RefIterPtr iter(raw_iter);
  git_reference* raw_ref = nullptr;
  while (git_reference_next(&raw_ref, iter.get()) == 0) {
    const ReferencePtr ref(raw_ref);
    git_reference* raw_resolved = nullptr;
    Tip tip;
    tip.name = git_reference_name(ref.get());
    if (git_reference_resolve(&raw_resolved, ref.get()) != 0) {
      broken.push_back(tip.name);
      continue;
    }
    const ReferencePtr resolved(raw_resolved);
    const git_oid* target = git_reference_target(resolved.get());
    if (target == nullptr || !peel(repo, *target, tip)) {
      broken.push_back(tip.name);
      continue;
    }
    tips.push_back(tip);
  }
  // HEAD (a detached HEAD is reachable from no ref).
  git_oid head{};
  if (git_reference_name_to_id(&head, repo, "HEAD") == 0) {
    Tip tip;
    tip.name = "HEAD";
    if (peel(repo, head, tip)) {
      tips.push_back(tip);
    }
  }
  // `git stash` keeps only the newest entry in refs/stash; older ones live in its reflog.
  git_reflog* raw_log = nullptr;
  if (git_reflog_read(&raw_log, repo, "refs/stash") == 0) {
    const std::size_t n = git_reflog_entrycount(raw_log);
    for (std::size_t i = 1; i < n; ++i) {
      const git_reflog_entry* e = git_reflog_entry_byindex(raw_log, i);
      Tip tip;
      tip.name = "refs/stash@{" + std::to_string(i) + "}";
      if (peel(repo, *git_reflog_entry_id_new(e), tip)) {
        tips.push_back(tip);
      }
    }
    git_reflog_free(raw_log);
  }
  return tips;
}

std::vector<git_oid> commit_tips(const std::vector<Tip>& tips)
{
  std::vector<git_oid> out;
  for (const auto& t : tips) {
    if (t.is_commit) {
      out.push_back(t.commit);
    }
  }
  return out;
}

OidSet read_shallow(const std::string& git_dir)
{
  OidSet out;
  std::ifstream in(git_dir + "/shallow");
  std::string line;
  while (std::getline(in, line)) {
    git_oid id{};
    if (line.size() >= GIT_OID_HEXSZ && git_oid_fromstrn(&id, line.c_str(), GIT_OID_HEXSZ) == 0) {
      out.insert(id);
    }
  }
  return out;
}

CommitGraph walk_commits(git_repository* repo, const std::vector<git_oid>& starts, const OidSet& shallow,
                         const OidSet& hidden, std::size_t bulk_after, PackSet* packs)
{
  CommitGraph g;
  CommitReader reader(repo, bulk_after, packs);
  CommitInfo info;
  std::vector<std::vector<git_oid>> parent_ids;
  std::vector<git_oid> stack;
  OidSet missing;
  std::unordered_map<std::string, std::uint32_t> author_index;
  for (const auto& s : starts) {
    stack.push_back(s);
  }
  // Pass 1: discover every commit (depth-first, explicit stack).
  while (!stack.empty()) {
    const git_oid id = stack.back();
    stack.pop_back();
    if (g.index.count(id) || hidden.count(id) || missing.count(id)) {
      continue;
    }
    if (!reader.read(id, info)) {
      missing.insert(id);
      g.missing.push_back(oid_hex(id));
      continue;
    }
    const auto idx = static_cast<std::uint32_t>(g.ids.size());
    g.index.emplace(id, idx);
    g.ids.push_back(id);
    g.times.push_back(info.time);
    g.trees.push_back(info.tree);
    const auto [author, added] =
        author_index.try_emplace(info.author, static_cast<std::uint32_t>(g.author_names.size()));
    if (added) {
      g.author_names.push_back(info.author);
    }
    g.authors.push_back(author->second);
    g.author_times.push_back(info.author_time);
    parent_ids.emplace_back();
    if (shallow.count(id)) {
      g.truncated = true;
      continue;
    }
    for (const auto& p : info.parents) {
      parent_ids.back().push_back(p);
      stack.push_back(p);
    }
  }
  // Resolve parent indices (parents outside the walk: hidden, missing).
  g.parents.resize(g.ids.size());
  for (std::size_t i = 0; i < g.ids.size(); ++i) {
    for (const auto& p : parent_ids[i]) {
      if (const auto it = g.index.find(p); it != g.index.end()) {
        g.parents[i].push_back(it->second);
      }
    }
  }
  // Pass 2: parents-first order by iterative post-order, starting from the oldest roots so that unrelated
  // histories come out roughly by time.
  std::vector<std::uint8_t> state(g.ids.size(), 0);  // 0 new, 1 on stack, 2 done
  std::vector<std::uint32_t> by_time(g.ids.size());
  for (std::uint32_t i = 0; i < by_time.size(); ++i) {
    by_time[i] = i;
  }
  std::stable_sort(by_time.begin(), by_time.end(), [&](auto a, auto b) { return g.times[a] < g.times[b]; });
  g.order.reserve(g.ids.size());
  std::vector<std::pair<std::uint32_t, std::size_t>> work;
  for (const auto root : by_time) {
    if (state[root] != 0) {
      continue;
    }
    work.emplace_back(root, 0);
    state[root] = 1;
    while (!work.empty()) {
      auto& [node, next] = work.back();
      if (next < g.parents[node].size()) {
        const auto p = g.parents[node][next++];
        if (state[p] == 0) {
          state[p] = 1;
          work.emplace_back(p, 0);
        }
        continue;
      }
      state[node] = 2;
      g.order.push_back(node);
      work.pop_back();
    }
  }
  return g;
}

OidSet reachable(git_repository* repo, const std::vector<git_oid>& starts, const OidSet& shallow,
                 std::size_t bulk_after)
{
  CommitReader reader(repo, bulk_after);
  CommitInfo info;
  OidSet seen;
  std::vector<git_oid> stack(starts.begin(), starts.end());
  while (!stack.empty()) {
    const git_oid id = stack.back();
    stack.pop_back();
    if (!seen.insert(id).second) {
      continue;
    }
    if (!reader.read(id, info) || shallow.count(id)) {
      continue;
    }
    stack.insert(stack.end(), info.parents.begin(), info.parents.end());
  }
  return seen;
}

}  // namespace dsnguard::sources
