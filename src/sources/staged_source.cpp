// make_staged_source(): what the next commit adds (HEAD tree vs the index git will commit). See reference
// git-hooks-and-ci.md section 3 for why the index named by GIT_INDEX_FILE matters.
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>

#include "sources/git_util.hpp"
#include "sources/sources.hpp"

namespace dsnguard::sources {

namespace {

constexpr std::size_t k_binary_probe = 8192;

class StagedSource : public core::Source {
public:
  explicit StagedSource(StagedOptions options) : m_options(std::move(options)) {}

  core::Expected<void> for_each(core::FragmentSink& sink) override
  {
    DSNGUARD_TRY_ASSIGN(auto repo, open_repository(m_options.path));
    DSNGUARD_TRY_ASSIGN(auto index, open_index(repo.get()));
    TreePtr head_tree;
    if (git_repository_head_unborn(repo.get()) != 1) {
      git_object* raw = nullptr;
      if (git_revparse_single(&raw, repo.get(), "HEAD^{tree}") != 0) {
        return git_fail("cannot read HEAD's tree");
      }
      head_tree.reset(reinterpret_cast<git_tree*>(raw));
    }  // unborn HEAD (first commit): compare with nothing, every entry is added
    if (git_index_has_conflicts(index.get()) == 1) {
      sink.note("the index has unmerged entries; they were not scanned (git refuses to commit them)");
    }

    git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
    opts.context_lines = 0;
    opts.flags = GIT_DIFF_INCLUDE_TYPECHANGE;
    git_diff* raw_diff = nullptr;
    if (git_diff_tree_to_index(&raw_diff, repo.get(), head_tree.get(), index.get(), &opts) != 0) {
      return git_fail("cannot compare HEAD with the index");
    }
    const DiffPtr diff(raw_diff);
    // Exact renames and copies add no line (otherwise a moved file would re-report everything in it).
    git_diff_find_options find = GIT_DIFF_FIND_OPTIONS_INIT;
    find.flags = GIT_DIFF_FIND_RENAMES | GIT_DIFF_FIND_EXACT_MATCH_ONLY;
    git_diff_find_similar(diff.get(), &find);

    const std::size_t n = git_diff_num_deltas(diff.get());
    for (std::size_t i = 0; i < n; ++i) {
      const git_diff_delta* d = git_diff_get_delta(diff.get(), i);
      if (d->status != GIT_DELTA_ADDED && d->status != GIT_DELTA_MODIFIED && d->status != GIT_DELTA_RENAMED
          && d->status != GIT_DELTA_COPIED && d->status != GIT_DELTA_TYPECHANGE) {
        continue;  // deleted, unmodified, conflicted
      }
      const std::string path = d->new_file.path;
      if (d->new_file.mode == GIT_FILEMODE_COMMIT) {
        sink.skipped({path, core::Skipped::Reason::submodule, "submodule commit is not scanned"});
        continue;
      }
      if (const git_index_entry* e = git_index_get_bypath(index.get(), path.c_str(), 0);
          e != nullptr && (e->flags_extended & GIT_INDEX_ENTRY_INTENT_TO_ADD) != 0) {
        continue;  // `git add -N`: nothing is staged yet
      }
      if (scan_delta(repo.get(), diff.get(), i, *d, sink) == core::Visit::stop) {
        break;
      }
    }
    return {};
  }

private:
  core::Expected<IndexPtr> open_index(git_repository* repo)
  {
    git_index* raw = nullptr;
    if (m_options.index_file.empty()) {
      if (git_repository_index(&raw, repo) != 0) {
        return git_fail("cannot read the index");
      }
      return IndexPtr(raw);
    }
    std::string file = m_options.index_file;
    if (file.front() != '/') {
      // git gives a relative GIT_INDEX_FILE relative to the hook's cwd (the work tree root).
      std::string base = m_options.cwd;
      if (base.empty()) {
        char buf[PATH_MAX];
        base = ::getcwd(buf, sizeof buf) != nullptr ? buf : ".";
      }
      file = base + "/" + file;
    }
    if (::access(file.c_str(), R_OK) != 0) {
      return core::fail(core::ErrorCode::io, "cannot read GIT_INDEX_FILE '" + file + "': " + std::strerror(errno));
    }
    if (git_index_open(&raw, file.c_str()) != 0) {
      return git_fail("cannot read GIT_INDEX_FILE '" + file + "'");
    }
    return IndexPtr(raw);
  }

  core::Visit scan_delta(git_repository* repo, git_diff* diff, std::size_t i, const git_diff_delta& d,
                         core::FragmentSink& sink)
  {
    const std::string path = d.new_file.path;
    git_blob* raw_blob = nullptr;
    if (git_blob_lookup(&raw_blob, repo, &d.new_file.id) != 0) {
      sink.skipped({oid_hex(d.new_file.id), core::Skipped::Reason::missing_object, "staged blob of " + path});
      return core::Visit::next;
    }
    const BlobPtr blob(raw_blob);
    const auto size = static_cast<std::uint64_t>(git_blob_rawsize(blob.get()));
    if (size > m_options.max_file_size) {
      sink.skipped({path, core::Skipped::Reason::too_large,
                    std::to_string(size) + " bytes > --max-file-size " + std::to_string(m_options.max_file_size)});
      return core::Visit::next;
    }
    const auto* data = static_cast<const char*>(git_blob_rawcontent(blob.get()));
    if (std::memchr(data, '\0', std::min<std::size_t>(size, k_binary_probe)) != nullptr) {
      sink.skipped({path, core::Skipped::Reason::binary, "staged blob " + oid_hex(d.new_file.id)});
      return core::Visit::next;
    }
    std::vector<core::LineRange> lines;
    core::Fragment fragment;
    fragment.bytes = std::string_view(data, size);
    fragment.origin.path = path;
    fragment.origin.kind = core::OriginKind::staged;
    fragment.origin.blob = oid_hex(d.new_file.id);
    if (d.status != GIT_DELTA_ADDED && d.status != GIT_DELTA_COPIED) {
      git_patch* raw_patch = nullptr;
      if (git_patch_from_diff(&raw_patch, diff, i) == 0 && raw_patch != nullptr) {
        const PatchPtr patch(raw_patch);
        for (std::size_t h = 0; h < git_patch_num_hunks(patch.get()); ++h) {
          const git_diff_hunk* hunk = nullptr;
          std::size_t count = 0;
          if (git_patch_get_hunk(&hunk, &count, patch.get(), h) == 0 && hunk->new_lines > 0) {
            lines.push_back({static_cast<std::uint32_t>(hunk->new_start),
                             static_cast<std::uint32_t>(hunk->new_start + hunk->new_lines - 1)});
          }
        }
        if (lines.empty() && d.status == GIT_DELTA_RENAMED) {
          return core::Visit::next;  // pure rename: the content is already committed
        }
        fragment.added_lines = &lines;
      }
    }
    return sink.fragment(fragment);
  }

  StagedOptions m_options;
};

}  // namespace

core::Expected<std::unique_ptr<core::Source>> make_staged_source(const StagedOptions& options)
{
  return std::unique_ptr<core::Source>(new StagedSource(options));
}

}  // namespace dsnguard::sources
