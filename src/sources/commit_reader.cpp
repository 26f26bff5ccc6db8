#include "sources/commit_reader.hpp"

#include <cstring>
#include <memory>
#include <string_view>
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

// git__isspace.
bool is_space(char c)
{
  return c == ' ' || (c >= '\t' && c <= '\r');
}

// What libgit2's signature parser trims from both ends of a name or e-mail.
bool is_crud(unsigned char c)
{
  return c <= 32 || c == '.' || c == ',' || c == ':' || c == ';' || c == '<' || c == '>' || c == '"' || c == '\\'
         || c == '\'';
}

std::string_view trimmed(const char* p, const char* end)
{
  while (p < end && is_crud(static_cast<unsigned char>(*p))) {
    ++p;
  }
  while (end > p && is_crud(static_cast<unsigned char>(end[-1]))) {
    --end;
  }
  return {p, static_cast<std::size_t>(end - p)};
}

// The signature in [p, end) (past "author "), as libgit2 1.5 parses it (git_signature__parse): the e-mail between
// the last '<' and the last '>', the name before it, both trimmed; the time, when there is one, a base-10 number
// (spaces and a sign allowed before it) starting two bytes past the '>'. False where libgit2 fails.
bool parse_signature(const char* p, const char* end, std::string& who, std::int64_t& time)
{
  const auto n = static_cast<std::size_t>(end - p);
  const auto* lt = static_cast<const char*>(::memrchr(p, '<', n));
  const auto* gt = static_cast<const char*>(::memrchr(p, '>', n));
  if (lt == nullptr || gt == nullptr || gt <= lt) {
    return false;
  }
  time = 0;
  if (gt + 2 < end) {
    const char* q = gt + 2;
    while (q < end && is_space(*q)) {
      ++q;
    }
    bool negative = false;
    if (q < end && (*q == '-' || *q == '+')) {
      negative = *q == '-';
      ++q;
    }
    const char* digits = q;
    std::int64_t t = 0;
    bool overflow = false;
    for (; q < end && *q >= '0' && *q <= '9'; ++q) {
      const std::int64_t d = negative ? -(*q - '0') : *q - '0';
      overflow = overflow || __builtin_mul_overflow(t, 10, &t) || __builtin_add_overflow(t, d, &t);
    }
    if (q == digits || overflow) {
      return false;
    }
    time = t;
  }
  const std::string_view name = trimmed(p, lt);
  const std::string_view email = trimmed(lt + 1, gt);
  who.assign(name).append(" <").append(email).push_back('>');
  return true;
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
  if (!parse_signature(p + 7, line_end, out.author, out.author_time)) {
    // libgit2 rejects the commit, so it has no author to show (the walk still follows it, as it always has).
    out.author.clear();
    out.author_time = 0;
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
      const auto [author, added] = m_author_index.try_emplace(info.author, static_cast<std::uint32_t>(m_authors.size()));
      if (added) {
        m_authors.push_back(info.author);
      }
      it->second.author = author->second;
      it->second.author_time = info.author_time;
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
      out.author = m_authors[it->second.author];
      out.author_time = it->second.author_time;
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
  const git_signature* author = git_commit_author(commit.get());
  out.author = std::string(author->name) + " <" + author->email + ">";
  out.author_time = author->when.time;
  out.parents.clear();
  const unsigned n = git_commit_parentcount(commit.get());
  for (unsigned i = 0; i < n; ++i) {
    out.parents.push_back(*git_commit_parent_id(commit.get(), i));
  }
  return true;
}

}  // namespace dsnguard::sources
