// make_prepush_source(): the commits a `git push` sends, from the pre-push hook's stdin (or pre-commit's
// PRE_COMMIT_FROM_REF / PRE_COMMIT_TO_REF). See reference git-hooks-and-ci.md sections 1.3 and 2.2.
#include <optional>
#include <sstream>

#include "sources/history_source.hpp"

namespace dsnguard::sources {

namespace {

bool all_zeros(const std::string& hex)
{
  return !hex.empty() && hex.find_first_not_of('0') == std::string::npos;
}

// The commit `hex` names (peeling annotated tags: `git push --tags` sends tag objects) when this clone has it.
std::optional<git_oid> local_commit(git_repository* repo, const std::string& hex)
{
  git_oid id{};
  if (git_oid_fromstrn(&id, hex.c_str(), hex.size()) != 0) {
    return std::nullopt;
  }
  git_object* raw = nullptr;
  if (git_object_lookup(&raw, repo, &id, GIT_OBJECT_ANY) != 0) {
    return std::nullopt;
  }
  const ObjectPtr obj(raw);
  git_object* peeled = nullptr;
  if (git_object_peel(&peeled, obj.get(), GIT_OBJECT_COMMIT) != 0) {
    return std::nullopt;
  }
  git_oid out{};
  git_oid_cpy(&out, git_object_id(peeled));
  git_object_free(peeled);
  return out;
}

// True when `hex` names an object this clone has (whatever its type).
bool have_object(git_repository* repo, const std::string& hex)
{
  git_oid id{};
  git_odb* raw = nullptr;
  if (git_oid_fromstrn(&id, hex.c_str(), hex.size()) != 0 || git_repository_odb(&raw, repo) != 0) {
    return false;
  }
  const OdbPtr odb(raw);
  return git_odb_exists(odb.get(), &id) == 1;
}

// Tips of refs/remotes/<remote>/*: what the remote is known to have.
std::vector<git_oid> remote_tips(const std::vector<Tip>& tips, const std::string& remote)
{
  const std::string prefix = "refs/remotes/" + remote + "/";
  std::vector<git_oid> out;
  for (const auto& t : tips) {
    if (t.is_commit && t.name.compare(0, prefix.size(), prefix) == 0) {
      out.push_back(t.commit);
    }
  }
  return out;
}

}  // namespace

core::Expected<std::unique_ptr<HistorySource>> make_prepush_source(const PrePushOptions& options)
{
  // stdin is read now: the hook's input is gone once the walk starts.
  std::vector<std::vector<std::string>> lines;
  if (options.input != nullptr && options.from_ref.empty()) {
    std::string line;
    while (std::getline(*options.input, line)) {
      std::istringstream fields(line);
      std::vector<std::string> f;
      for (std::string w; fields >> w;) {
        f.push_back(w);
      }
      if (f.empty()) {
        continue;
      }
      if (f.size() != 4) {
        return core::fail(core::ErrorCode::usage,
                          "--pre-push: expected '<local ref> <local oid> <remote ref> <remote oid>' on stdin, got '"
                              + line + "'");
      }
      lines.push_back(std::move(f));
    }
  }
  HistoryConfig config;
  config.path = options.path;
  config.max_file_size = options.max_file_size;
  config.threads = options.threads;
  config.scope = [options, lines](git_repository* repo, const std::vector<Tip>& tips,
                                  core::FragmentSink& sink) -> core::Expected<Scope> {
    Scope s;
    s.full = false;
    s.line_filter = true;
    s.partial = true;
    const auto remote_refs = remote_tips(tips, options.remote);
    const auto hide_remote = [&] { s.hide.insert(s.hide.end(), remote_refs.begin(), remote_refs.end()); };
    if (!options.from_ref.empty() && !options.to_ref.empty()) {
      DSNGUARD_TRY_ASSIGN(const auto to, resolve_commit(repo, options.to_ref));
      s.starts.push_back(to);
      if (auto from = resolve_commit(repo, options.from_ref)) {
        s.hide.push_back(*from);
      } else {
        hide_remote();
      }
      return s;
    }
    if (lines.empty()) {
      const std::string local = options.local_branch.empty() ? "HEAD" : options.local_branch;
      auto tip = resolve_commit(repo, local);
      if (!tip) {
        sink.note("pre-push: nothing to push (" + local + " has no commits)");
        return s;
      }
      s.starts.push_back(*tip);
      hide_remote();
      return s;
    }
    bool need_remote = false;
    for (const auto& f : lines) {
      const std::string& local_oid = f[1];
      const std::string& remote_oid = f[3];
      if (all_zeros(local_oid)) {
        continue;  // deleting a remote ref sends no objects
      }
      const auto local = local_commit(repo, local_oid);
      if (!local) {
        if (have_object(repo, local_oid)) {
          continue;  // a tag of a tree or blob: no commits to scan
        }
        return core::fail(core::ErrorCode::git,
                          "pre-push: local object " + local_oid + " (" + f[0] + ") is not in this repository");
      }
      s.starts.push_back(*local);
      const auto known = all_zeros(remote_oid) ? std::nullopt : local_commit(repo, remote_oid);
      if (known) {
        s.hide.push_back(*known);
      } else {
        // New remote ref, or the remote has history this clone lacks (force push): whatever the remote's
        // tracking refs do not already contain.
        need_remote = true;
      }
    }
    if (need_remote) {
      hide_remote();
    }
    return s;
  };
  return make_git_history_source(std::move(config));
}

}  // namespace dsnguard::sources
