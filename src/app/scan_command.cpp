#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <thread>
#include <vector>

#include "app/commands.hpp"
#include "app/history_provenance.hpp"
#include "app/pending_engine.hpp"
#include "app/pipeline.hpp"
#include "sources/sources.hpp"
#include "util/exit_keep.hpp"
#include "util/strings.hpp"

namespace dsnguard::app {

namespace {

struct ScanSource {
  std::unique_ptr<core::Source> source;
  sources::HistorySource* history = nullptr;  // set for history and pre-push scans (provenance)
  std::string mode;                           // "" = worktree / no-git, decided by discover()
};

std::string env_or_empty(const char* name)
{
  const char* v = std::getenv(name);
  return v != nullptr ? std::string(v) : std::string();
}

// The Source for the scan mode in `options`: worktree (default), --history, --staged or --pre-push.
core::Expected<ScanSource> make_source(const Options& options)
{
  ScanSource out;
  if (options.history) {
    DSNGUARD_TRY_ASSIGN(auto h, sources::make_history_source(history_options(options)));
    out.history = h.get();
    out.source = std::move(h);
    out.mode = "history";
    return out;
  }
  if (options.staged) {
    sources::StagedOptions so;
    so.path = options.path;
    so.index_file = env_or_empty("GIT_INDEX_FILE");
    so.max_file_size = options.max_file_size;
    DSNGUARD_TRY_ASSIGN(out.source, sources::make_staged_source(so));
    out.mode = "staged";
    return out;
  }
  if (options.pre_push) {
    sources::PrePushOptions po;
    po.path = options.path;
    po.remote = options.pre_push_remote;
    po.input = &std::cin;
    po.from_ref = env_or_empty("PRE_COMMIT_FROM_REF");
    po.to_ref = env_or_empty("PRE_COMMIT_TO_REF");
    po.local_branch = env_or_empty("PRE_COMMIT_LOCAL_BRANCH");
    if (po.remote.empty()) {
      po.remote = env_or_empty("PRE_COMMIT_REMOTE_NAME");
    }
    po.max_file_size = options.max_file_size;
    po.threads = options.threads;
    DSNGUARD_TRY_ASSIGN(auto h, sources::make_prepush_source(po));
    out.history = h.get();
    out.source = std::move(h);
    out.mode = "pre-push";
    return out;
  }
  DSNGUARD_TRY_ASSIGN(out.source, sources::make_worktree_source(worktree_options(options)));
  return out;
}


}  // namespace

int run_scan(const Options& options, std::ostream& out, std::ostream& err)
{
  const auto started = std::chrono::steady_clock::now();
  // A full scan needs nearly every rule's regex. Built on first use, they would be compiled one at a time on the
  // scan threads; instead the otherwise idle second core loads the rules and builds the regexes while this thread
  // finds the repository and lists the files, until the first file is scanned. Not for --staged / --pre-push /
  // --since / --range, which usually need a few rules at most.
  const bool full_scan = !options.staged && !options.pre_push && options.since.empty() && options.range.empty();
  PendingEngine pending(options, full_scan && options.threads != 1 && std::thread::hardware_concurrency() > 1);
  auto info = discover_once(options);
  auto source = info ? make_source(options) : core::Expected<ScanSource>(tl::unexpected(info.error()));
  if (!source) {
    // A broken rule file or config is reported before a repository problem, as when both were checked in turn.
    const auto& engine = pending.get();
    return fail_with(err, engine ? source.error() : engine.error());
  }

  core::Report report;
  report.command = "scan";
  report.mode = !source->mode.empty() ? source->mode : info->is_git ? "worktree" : "no-git";
  report.root = info->root;

  CollectingSink sink(pending, err);
  auto walked = source->source->for_each(sink);
  pending.stop_preparing();  // a walk with nothing to scan may end before the engine has loaded
  const auto& engine = pending.get();
  if (!engine) {
    return fail_with(err, engine.error());
  }
  report.rules = engine->rules();
  sink.take(report);
  if (walked && source->history != nullptr) {
    const auto provenance_started = std::chrono::steady_clock::now();
    std::vector<core::Finding> spent;
    attach_provenance(report, *source->history, options.min_confidence, nullptr,
                      options.exit_after ? &spent : nullptr);
    if (options.exit_after) {
      util::leave_to_exit(std::make_shared<const std::vector<core::Finding>>(std::move(spent)));
    }
    if (std::getenv("DSNGUARD_TIMING") != nullptr) {
      err << "timing: provenance "
          << std::chrono::duration<double>(std::chrono::steady_clock::now() - provenance_started).count() << " s\n";
    }
  }
  if (options.exit_after) {
    // A history scan's index of every blob and place (hundreds of MB on large histories) is not freed one
    // allocation at a time just before the process ends.
    util::leave_to_exit(std::shared_ptr<const void>(std::move(source->source)));
    source->history = nullptr;
  }
  if (!walked) {
    // The walk stopped early: report what was found, then fail as incomplete.
    err << "dsnguard: " << walked.error().message << "\n";
    report.summary.incomplete = true;
  }
  return finish_report(report, options, started, out, err);
}

}  // namespace dsnguard::app
