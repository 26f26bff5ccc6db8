#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "app/commands.hpp"
#include "app/exit_codes.hpp"
#include "app/pipeline.hpp"
#include "sources/sources.hpp"
#include "util/strings.hpp"

namespace dsnguard::app {

namespace {

// The Source for the scan mode in `options` (worktree today; history/staged/pre-push extend this one place).
core::Expected<std::unique_ptr<core::Source>> make_source(const Options& options)
{
  sources::WorktreeOptions wo;
  wo.path = options.path;
  wo.no_git = options.no_git;
  wo.max_file_size = options.max_file_size;
  wo.threads = options.threads;
  return sources::make_worktree_source(wo);
}

int report_error(std::ostream& err, const core::Error& e)
{
  err << "dsnguard: " << e.message << "\n";
  switch (e.code) {
  case core::ErrorCode::usage:
  case core::ErrorCode::config:
  case core::ErrorCode::parse:
  case core::ErrorCode::not_found: return k_exit_usage;
  default: return k_exit_incomplete;
  }
}

}  // namespace

int run_scan(const Options& options, std::ostream& out, std::ostream& err)
{
  const auto started = std::chrono::steady_clock::now();
  auto engine = load_engine(options);
  if (!engine) {
    return report_error(err, engine.error());
  }
  auto info = sources::discover(options.path, options.no_git);
  if (!info) {
    return report_error(err, info.error());
  }
  auto source = make_source(options);
  if (!source) {
    return report_error(err, source.error());
  }

  core::Report report;
  report.command = "scan";
  report.mode = info->is_git ? "worktree" : "no-git";
  report.root = info->root;
  report.rules = engine->rules();

  CollectingSink sink(*engine, err);
  auto walked = (*source)->for_each(sink);
  sink.take(report);
  if (!walked) {
    // The walk stopped early: report what was found, then fail as incomplete.
    err << "dsnguard: " << walked.error().message << "\n";
    report.summary.incomplete = true;
  }
  if (auto finalized = finalize_findings(report, options, err); !finalized) {
    return report_error(err, finalized.error());
  }
  report.summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  if (auto written = write_report(report, options, out); !written) {
    return report_error(err, written.error());
  }
  return exit_code_for(report, options);
}

}  // namespace dsnguard::app
