#pragma once
// Options: the plain result of parsing argv (cli/ fills it, app/ checks it and runs the command).
// Every flag of every subcommand lives here so that cli/ stays one table.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/types.hpp"

namespace dsnguard::app {

enum class Command { scan, lint, verify, audit, install_hook, uninstall_hook, help, version };

struct Options {
  Command command = Command::help;
  std::string help_topic;  // subcommand whose help was asked for ("" = general)
  std::string path = ".";  // PATH argument

  // Output
  core::Format format = core::Format::text;
  bool format_given = false;
  std::string output;  // --output FILE ("" = stdout)
  bool no_redact = false;
  enum class Color { auto_, always, never } color = Color::auto_;
  bool show_suppressed = false;
  bool quiet = false;  // no summary line

  // Detection
  std::vector<std::string> rule_files;  // --rules PATH (file or directory), repeatable
  core::Confidence min_confidence = core::Confidence::medium;
  std::uint64_t max_file_size = 10ull * 1024 * 1024;
  bool no_git = false;

  // Scan modes (issue 3)
  bool history = false;
  bool all_objects = false;
  std::string since;  // --since REV
  std::string range;  // --range A..B
  bool staged = false;
  bool pre_push = false;
  std::string pre_push_remote;  // --pre-push REMOTE
  unsigned threads = 0;         // --threads N (0 = all cores)

  // Gate (issue 6)
  std::string baseline;        // --baseline FILE
  std::string write_baseline;  // --write-baseline FILE
  std::string config;          // --config FILE ("" = <root>/.dsnguard.json when present)
  std::string fail_on;         // --fail-on low|medium|high|info|warning|error ("" = command default)

  // Verification (issue 5)
  bool verify = false;          // scan/audit --verify
  bool verify_private = false;  // allow loopback/private targets
  std::string url;              // verify --url
  std::string env_file;         // verify --env-file
  std::string var = "DATABASE_URL";
  double timeout_seconds = 10.0;
  unsigned repeat = 1;
  bool isolated = false;

  // Lint (issue 4)
  bool fix = false;

  // Hooks (issue 6)
  bool hook_pre_push = false;
  bool force = false;

  // Process
  bool exit_after = false;  // set by the CLI: the process ends with this command, so the compiled rules and a
                            // history scan's index are left to the OS at exit instead of being freed
                            // (util::leave_to_exit)
};

}  // namespace dsnguard::app
