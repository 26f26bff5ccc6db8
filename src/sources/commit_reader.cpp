#include "sources/commit_reader.hpp"

#include <cstring>
#include <memory>
#include <mutex>
#include <thread>

#include "sources/pack_reader.hpp"

namespace dsnguard::sources {

namespace {

bool starts_with(const char* p, const char* end, std::string_view s)
{
  return static_cast<std::size_t>(end - p) >= s.size() && std::memcmp(p, s.data(), s.size()) == 0;
}

bool hex_id(const char* p, const char* line_end, git_oid& out)
{
  return line_end - p == GIT_OID_HEXSZ && git_oid_fromstrn(&out, p, GIT_OID_HEXSZ) == 0;
}

}  // namespace

bool parse_commit(const char* data, std::size_t size, CommitInfo& out)
{
  // libgit2's order: "tree", "parent"*, "author", "committer" on consecutive lines.
  out.parents.clear();
  const char* p = data;
  const char* end = data + size;
  const auto next_line = [&](const char*& line_end) {
    const char* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
    line_end = nl != nullptr ? nl : end;
    return p < end;
  };
  const char* line_end = nullptr;
  if (!next_line(line_end) || !starts_with(p, line_end, "tree ") || !hex_id(p + 5, line_end, out.tree)) {
    return false;
  }
  p = line_end + 1;
  while (next_line(line_end) && starts_with(p, line_end, "parent ")) {
    git_oid parent{};
    if (!hex_id(p + 7, line_end, parent)) {
      return false;
    }
    out.parents.push_back(parent);
    p = line_end + 1;
  }
  if (p >= end || !starts_with(p, line_end, "author ")) {
    return false;
  }
  const char* author_lt = static_cast<const char*>(std::memchr(p, '<', static_cast<std::size_t>(line_end - p)));
  if (author_lt == nullptr || std::memchr(author_lt, '>', static_cast<std::size_t>(line_end - author_lt)) == nullptr) {
    return false;  // libgit2 rejects the commit
  }
  p = line_end + 1;
  if (!next_line(line_end) || !starts_with(p, line_end, "committer ")) {
    return false;
  }
  // "<name> <<email>> <seconds> <zone>": the time follows the last '>', after the last '<' (as libgit2 reads it).
  const char* lt = nullptr;
  const char* gt = nullptr;
  for (const char* q = p; q < line_end; ++q) {
    lt = *q == '<' ? q : lt;
    gt = *q == '>' ? q : gt;
  }
  if (lt == nullptr || gt == nullptr || gt < lt || line_end - gt < 3 || gt[1] != ' ') {
    return false;
  }
  const char* digits = gt + 2;
  const char* q = digits;
  std::int64_t t = 0;
  while (q < line_end && *q >= '0' && *q <= '9' && q - digits < 18) {
    t = t * 10 + (*q - '0');
    ++q;
  }
  if (q == digits || (q < line_end && *q != ' ')) {
    return false;
  }
  out.time = t;
  return true;
}

CommitReader::CommitReader(git_repository* repo, std::size_t bulk_after, PackSet* packs)
    : m_repo(repo), m_bulk_after(bulk_after), m_packs(packs)
{
}

void CommitReader::load_packs()
{
  m_bulk = true;
  std::mutex mutex;
  const unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  std::unique_ptr<PackSet> own;
  if (m_packs == nullptr) {
    own = std::make_unique<PackSet>(git_repository_path(m_repo));
  }
  PackSet& packs = m_packs != nullptr ? *m_packs : *own;
  read_pack_commits(packs, threads, [&](const git_oid& id, const char* data, std::size_t size) {
    thread_local CommitInfo info;
    if (!parse_commit(data, size, info)) {
      return true;  // libgit2 reads it
    }
    const std::lock_guard<std::mutex> lock(mutex);
    const auto [it, fresh] = m_packed.try_emplace(id);
    if (fresh) {
      it->second.tree = info.tree;
      it->second.time = info.time;
      it->second.first_parent = static_cast<std::uint32_t>(m_parents.size());
      it->second.parent_count = static_cast<std::uint32_t>(info.parents.size());
      m_parents.insert(m_parents.end(), info.parents.begin(), info.parents.end());
    }
    return true;
  });
}

bool CommitReader::read(const git_oid& id, CommitInfo& out)
{
  if (!m_bulk && m_lookups++ >= m_bulk_after) {
    load_packs();
  }
  if (m_bulk) {
    if (const auto it = m_packed.find(id); it != m_packed.end()) {
      out.tree = it->second.tree;
      out.time = it->second.time;
      out.parents.assign(m_parents.begin() + it->second.first_parent,
                         m_parents.begin() + it->second.first_parent + it->second.parent_count);
      return true;
    }
  }
  git_commit* raw = nullptr;
  if (git_commit_lookup(&raw, m_repo, &id) != 0) {
    return false;
  }
  const CommitPtr commit(raw);
  out.tree = *git_commit_tree_id(commit.get());
  out.time = git_commit_time(commit.get());
  out.parents.clear();
  const unsigned n = git_commit_parentcount(commit.get());
  for (unsigned i = 0; i < n; ++i) {
    out.parents.push_back(*git_commit_parent_id(commit.get(), i));
  }
  return true;
}

}  // namespace dsnguard::sources
