#pragma once
// Internal to sources/: RAII owners for libgit2 handles, one-time library setup, and error text. Nothing
// outside src/sources/ includes this header (libgit2 types stay private to the module).

#include <memory>
#include <string>

#include <git2.h>

#include "core/error.hpp"

namespace dsnguard::sources {

// Initialises libgit2 once per process (idempotent, thread-safe) and turns off what a read-only scanner does not
// need: strict hash verification of every object read (about 85% of read time, see reference performance.md).
void ensure_libgit2();

// The last libgit2 error message, or `fallback` when libgit2 set none.
std::string git_error_text(const char* fallback = "unknown libgit2 error");

// An Error of class git: "<what>: <libgit2 message>".
tl::unexpected<core::Error> git_fail(const std::string& what);

// Lower-case hex of an object id.
std::string oid_hex(const git_oid& oid);

template <typename T, void (*Free)(T*)> struct GitDeleter {
  void operator()(T* p) const
  {
    if (p != nullptr) {
      Free(p);
    }
  }
};

using RepoPtr = std::unique_ptr<git_repository, GitDeleter<git_repository, git_repository_free>>;
using IndexPtr = std::unique_ptr<git_index, GitDeleter<git_index, git_index_free>>;
using ConfigPtr = std::unique_ptr<git_config, GitDeleter<git_config, git_config_free>>;
using StatusListPtr = std::unique_ptr<git_status_list, GitDeleter<git_status_list, git_status_list_free>>;
using OdbPtr = std::unique_ptr<git_odb, GitDeleter<git_odb, git_odb_free>>;
using OdbObjectPtr = std::unique_ptr<git_odb_object, GitDeleter<git_odb_object, git_odb_object_free>>;
using CommitPtr = std::unique_ptr<git_commit, GitDeleter<git_commit, git_commit_free>>;
using TreePtr = std::unique_ptr<git_tree, GitDeleter<git_tree, git_tree_free>>;
using BlobPtr = std::unique_ptr<git_blob, GitDeleter<git_blob, git_blob_free>>;
using DiffPtr = std::unique_ptr<git_diff, GitDeleter<git_diff, git_diff_free>>;
using PatchPtr = std::unique_ptr<git_patch, GitDeleter<git_patch, git_patch_free>>;
using ObjectPtr = std::unique_ptr<git_object, GitDeleter<git_object, git_object_free>>;
using ReferencePtr = std::unique_ptr<git_reference, GitDeleter<git_reference, git_reference_free>>;
using RefIterPtr = std::unique_ptr<git_reference_iterator, GitDeleter<git_reference_iterator, git_reference_iterator_free>>;
using RevwalkPtr = std::unique_ptr<git_revwalk, GitDeleter<git_revwalk, git_revwalk_free>>;
using TagPtr = std::unique_ptr<git_tag, GitDeleter<git_tag, git_tag_free>>;

// Opens the repository containing `path` (searching parent directories, like git). Error (git) when none.
// Opens the repository the way git finds it: $GIT_DIR (and $GIT_WORK_TREE) when set, as git itself honours
// them (hooks and `git --git-dir` export them), else discovery upward from `path`. Returns libgit2's code
// (GIT_ENOTFOUND when there is no repository).
int open_repository_raw(git_repository** out, const std::string& path);
core::Expected<RepoPtr> open_repository(const std::string& path);

}  // namespace dsnguard::sources
