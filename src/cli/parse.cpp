#include "cli/cli.hpp"

#include <cstdlib>
#include <cstring>
#include <getopt.h>

#include <array>
#include <charconv>
#include <optional>
#include <string_view>

namespace dsnguard::cli {

namespace {

using app::Command;
using app::Options;
using core::ErrorCode;
using core::fail;

// Subcommand table: name, command.
struct SubcommandEntry {
  std::string_view name;
  Command command;
};
constexpr std::array<SubcommandEntry, 6> k_subcommands = {{
  {"scan", Command::scan},
  {"lint", Command::lint},
  {"verify", Command::verify},
  {"audit", Command::audit},
  {"install-hook", Command::install_hook},
  {"uninstall-hook", Command::uninstall_hook},
}};

enum OptionId : int {
  opt_format = 1000,
  opt_output,
  opt_rules,
  opt_no_redact,
  opt_min_confidence,
  opt_max_file_size,
  opt_no_git,
  opt_color,
  opt_no_color,
  opt_show_suppressed,
  opt_quiet,
  opt_history,
  opt_all_objects,
  opt_since,
  opt_range,
  opt_staged,
  opt_pre_push,
  opt_threads,
  opt_baseline,
  opt_write_baseline,
  opt_config,
  opt_fail_on,
  opt_verify,
  opt_verify_private,
  opt_url,
  opt_env_file,
  opt_var,
  opt_timeout,
  opt_repeat,
  opt_isolated,
  opt_fix,
  opt_force,
  opt_help,
  opt_version,
};

// Which subcommands accept an option (bit per Command value).
constexpr unsigned bit(Command c)
{
  return 1u << static_cast<unsigned>(c);
}
constexpr unsigned k_scanlike = bit(Command::scan) | bit(Command::audit);
constexpr unsigned k_reporting = k_scanlike | bit(Command::lint) | bit(Command::verify);
constexpr unsigned k_all = 0xFFFFu;

struct OptionSpec {
  const char* name;
  int has_arg;
  int id;
  unsigned allowed;  // commands that accept it
};

constexpr std::array<OptionSpec, 34> k_options = {{
  {"format", required_argument, opt_format, k_reporting},
  {"output", required_argument, opt_output, k_reporting},
  {"rules", required_argument, opt_rules, k_scanlike | bit(Command::lint)},
  {"no-redact", no_argument, opt_no_redact, k_reporting},
  {"min-confidence", required_argument, opt_min_confidence, k_scanlike | bit(Command::lint)},
  {"max-file-size", required_argument, opt_max_file_size, k_scanlike | bit(Command::lint)},
  {"no-git", no_argument, opt_no_git, k_scanlike | bit(Command::lint)},
  {"color", required_argument, opt_color, k_reporting},
  {"no-color", no_argument, opt_no_color, k_reporting},
  {"show-suppressed", no_argument, opt_show_suppressed, k_scanlike | bit(Command::lint)},
  {"quiet", no_argument, opt_quiet, k_reporting},
  {"history", no_argument, opt_history, bit(Command::scan)},
  {"all-objects", no_argument, opt_all_objects, k_scanlike},
  {"since", required_argument, opt_since, k_scanlike},
  {"range", required_argument, opt_range, k_scanlike},
  {"staged", no_argument, opt_staged, bit(Command::scan)},
  {"pre-push", optional_argument, opt_pre_push, bit(Command::scan) | bit(Command::install_hook)},
  {"threads", required_argument, opt_threads, k_scanlike},
  {"baseline", required_argument, opt_baseline, k_scanlike},
  {"write-baseline", required_argument, opt_write_baseline, k_scanlike},
  {"config", required_argument, opt_config, k_scanlike | bit(Command::lint)},
  {"fail-on", required_argument, opt_fail_on, k_scanlike | bit(Command::lint)},
  {"verify", no_argument, opt_verify, k_scanlike},
  {"verify-private", no_argument, opt_verify_private, k_scanlike | bit(Command::verify)},
  {"url", required_argument, opt_url, bit(Command::verify)},
  {"env-file", required_argument, opt_env_file, bit(Command::verify)},
  {"var", required_argument, opt_var, bit(Command::verify)},
  {"timeout", required_argument, opt_timeout, k_scanlike | bit(Command::verify)},
  {"repeat", required_argument, opt_repeat, bit(Command::verify)},
  {"isolated", no_argument, opt_isolated, bit(Command::verify)},
  {"fix", no_argument, opt_fix, bit(Command::lint)},
  {"force", no_argument, opt_force, bit(Command::install_hook)},
  {"help", no_argument, opt_help, k_all},
  {"version", no_argument, opt_version, k_all},
}};

std::optional<std::uint64_t> parse_size(std::string_view s)
{
  std::uint64_t value = 0;
  const auto* end = s.data() + s.size();
  const auto [ptr, ec] = std::from_chars(s.data(), end, value);
  if (ec != std::errc() || ptr == s.data()) {
    return std::nullopt;
  }
  std::string_view suffix(ptr, static_cast<std::size_t>(end - ptr));
  std::uint64_t mult = 1;
  if (suffix.empty() || suffix == "B") {
    mult = 1;
  } else if (suffix == "K" || suffix == "KiB" || suffix == "k") {
    mult = 1024;
  } else if (suffix == "M" || suffix == "MiB" || suffix == "m") {
    mult = 1024ull * 1024;
  } else if (suffix == "G" || suffix == "GiB" || suffix == "g") {
    mult = 1024ull * 1024 * 1024;
  } else {
    return std::nullopt;
  }
  if (value > UINT64_MAX / mult) {
    return std::nullopt;
  }
  return value * mult;
}

std::optional<unsigned> parse_uint(std::string_view s)
{
  unsigned value = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || ptr != s.data() + s.size() || s.empty()) {
    return std::nullopt;
  }
  return value;
}

std::optional<double> parse_seconds(const std::string& s)
{
  if (s.empty()) {
    return std::nullopt;
  }
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || !(v > 0.0) || v > 86400.0) {
    return std::nullopt;
  }
  return v;
}

core::Expected<core::Format> parse_format(std::string_view s)
{
  if (s == "text") return core::Format::text;
  if (s == "json") return core::Format::json;
  if (s == "sarif") return core::Format::sarif;
  if (s == "markdown" || s == "md") return core::Format::markdown;
  if (s == "html") return core::Format::html;
  return fail(ErrorCode::usage, "unknown --format '" + std::string(s) + "' (expected text, json, sarif, markdown or html)");
}

std::string_view command_name(Command c)
{
  for (const auto& e : k_subcommands) {
    if (e.command == c) {
      return e.name;
    }
  }
  return "dsnguard";
}

}  // namespace

core::Expected<Options> parse(const std::vector<std::string>& args)
{
  Options o;
  if (args.empty()) {
    o.command = Command::help;
    return o;
  }

  std::size_t first = 0;
  const std::string& head = args[0];
  if (head == "--help" || head == "-h" || head == "help") {
    o.command = Command::help;
    if (args.size() > 1) {
      o.help_topic = args[1];
    }
    return o;
  }
  if (head == "--version" || head == "-V" || head == "version") {
    o.command = Command::version;
    return o;
  }
  bool found = false;
  for (const auto& e : k_subcommands) {
    if (head == e.name) {
      o.command = e.command;
      found = true;
      break;
    }
  }
  if (!found) {
    if (!head.empty() && head[0] == '-') {
      return fail(ErrorCode::usage, "unknown option '" + head + "' before a command (try 'dsnguard --help')");
    }
    return fail(ErrorCode::usage, "unknown command '" + head + "' (expected scan, lint, verify, audit, install-hook or uninstall-hook)");
  }
  first = 1;

  // getopt_long wants a mutable argv.
  std::vector<std::string> storage;
  storage.reserve(args.size() - first + 1);
  storage.emplace_back("dsnguard");
  for (std::size_t i = first; i < args.size(); ++i) {
    storage.push_back(args[i]);
  }
  std::vector<char*> argv;
  for (auto& s : storage) {
    argv.push_back(s.data());
  }
  argv.push_back(nullptr);

  std::vector<option> longopts;
  for (const auto& spec : k_options) {
    longopts.push_back(option{spec.name, spec.has_arg, nullptr, spec.id});
  }
  longopts.push_back(option{nullptr, 0, nullptr, 0});

  optind = 0;  // full reset (GNU)
  opterr = 0;
  std::vector<std::string> positional;
  const int argc = static_cast<int>(argv.size() - 1);
  while (true) {
    int index = -1;
    const int c = getopt_long(argc, argv.data(), "-ho:", longopts.data(), &index);
    if (c == -1) {
      break;
    }
    if (c == 1) {  // positional, kept in order thanks to the leading '-'
      positional.emplace_back(optarg);
      continue;
    }
    if (c == '?') {
      const char* bad = argv[static_cast<std::size_t>(optind - 1)];
      if (optopt != 0 && optopt < 1000) {
        return fail(ErrorCode::usage, std::string("unknown option '-") + char(optopt) + "'");
      }
      for (const auto& spec : k_options) {
        if (optopt == spec.id) {
          return fail(ErrorCode::usage, std::string("option '--") + spec.name + "' needs a value");
        }
      }
      return fail(ErrorCode::usage, std::string("unknown option '") + (bad ? bad : "?") + "' for '"
                                      + std::string(command_name(o.command)) + "' (see 'dsnguard "
                                      + std::string(command_name(o.command)) + " --help')");
    }
    int id = c;
    if (c == 'h') {
      id = opt_help;
    } else if (c == 'o') {
      id = opt_output;
    }
    // Check the option applies to this command.
    for (const auto& spec : k_options) {
      if (spec.id == id && (spec.allowed & bit(o.command)) == 0) {
        return fail(ErrorCode::usage, std::string("option '--") + spec.name + "' does not apply to '"
                                        + std::string(command_name(o.command)) + "'");
      }
    }
    const std::string arg = optarg ? optarg : "";
    switch (id) {
    case opt_format: {
      auto f = parse_format(arg);
      if (!f) {
        return tl::unexpected(f.error());
      }
      o.format = *f;
      o.format_given = true;
      break;
    }
    case opt_output: o.output = arg; break;
    case opt_rules: o.rule_files.push_back(arg); break;
    case opt_no_redact: o.no_redact = true; break;
    case opt_min_confidence: {
      auto v = core::parse_confidence(arg);
      if (!v) {
        return fail(ErrorCode::usage, "invalid --min-confidence '" + arg + "' (expected low, medium or high)");
      }
      o.min_confidence = *v;
      break;
    }
    case opt_max_file_size: {
      auto v = parse_size(arg);
      if (!v || *v == 0) {
        return fail(ErrorCode::usage, "invalid --max-file-size '" + arg + "' (expected bytes, e.g. 1048576, 512K, 10M)");
      }
      o.max_file_size = *v;
      break;
    }
    case opt_no_git: o.no_git = true; break;
    case opt_color:
      if (arg == "auto") {
        o.color = Options::Color::auto_;
      } else if (arg == "always") {
        o.color = Options::Color::always;
      } else if (arg == "never") {
        o.color = Options::Color::never;
      } else {
        return fail(ErrorCode::usage, "invalid --color '" + arg + "' (expected auto, always or never)");
      }
      break;
    case opt_no_color: o.color = Options::Color::never; break;
    case opt_show_suppressed: o.show_suppressed = true; break;
    case opt_quiet: o.quiet = true; break;
    case opt_history: o.history = true; break;
    case opt_all_objects: o.all_objects = true; break;
    case opt_since: o.since = arg; break;
    case opt_range:
      if (arg.find("..") == std::string::npos) {
        return fail(ErrorCode::usage, "invalid --range '" + arg + "' (expected A..B)");
      }
      o.range = arg;
      break;
    case opt_staged: o.staged = true; break;
    case opt_pre_push:
      if (o.command == Command::install_hook) {
        o.hook_pre_push = true;
      } else {
        o.pre_push = true;
        o.pre_push_remote = arg;
      }
      break;
    case opt_threads: {
      auto v = parse_uint(arg);
      if (!v || *v > 256) {
        return fail(ErrorCode::usage, "invalid --threads '" + arg + "' (expected 0 to 256)");
      }
      o.threads = *v;
      break;
    }
    case opt_baseline: o.baseline = arg; break;
    case opt_write_baseline: o.write_baseline = arg; break;
    case opt_config: o.config = arg; break;
    case opt_fail_on:
      if (!core::parse_confidence(arg) && !core::parse_severity(arg)) {
        return fail(ErrorCode::usage, "invalid --fail-on '" + arg + "' (expected low, medium, high, info, warning or error)");
      }
      o.fail_on = arg;
      break;
    case opt_verify: o.verify = true; break;
    case opt_verify_private: o.verify_private = true; break;
    case opt_url: o.url = arg; break;
    case opt_env_file: o.env_file = arg; break;
    case opt_var:
      if (arg.empty()) {
        return fail(ErrorCode::usage, "--var needs a variable name");
      }
      o.var = arg;
      break;
    case opt_timeout: {
      auto v = parse_seconds(arg);
      if (!v) {
        return fail(ErrorCode::usage, "invalid --timeout '" + arg + "' (expected seconds > 0)");
      }
      o.timeout_seconds = *v;
      break;
    }
    case opt_repeat: {
      auto v = parse_uint(arg);
      if (!v || *v == 0 || *v > 10000) {
        return fail(ErrorCode::usage, "invalid --repeat '" + arg + "' (expected 1 to 10000)");
      }
      o.repeat = *v;
      break;
    }
    case opt_isolated: o.isolated = true; break;
    case opt_fix: o.fix = true; break;
    case opt_force: o.force = true; break;
    case opt_help:
      o.help_topic = std::string(command_name(o.command));
      o.command = Command::help;
      return o;
    case opt_version: o.command = Command::version; return o;
    default: return fail(ErrorCode::internal, "unhandled option");
    }
  }
  // The pre-push remote may be given as a positional right after --pre-push (git passes "$1" "$2").
  if (o.pre_push && o.pre_push_remote.empty() && !positional.empty()) {
    o.pre_push_remote = positional.front();
    positional.erase(positional.begin());
    // git's second hook argument is the remote URL; it carries no path.
    if (!positional.empty() && positional.front().find("://") != std::string::npos) {
      positional.erase(positional.begin());
    }
  }
  if (positional.size() > 1) {
    return fail(ErrorCode::usage, "too many arguments: '" + positional[1] + "' (only one PATH is accepted)");
  }
  if (!positional.empty()) {
    o.path = positional.front();
  }
  const int modes = int(o.history) + int(o.staged) + int(o.pre_push);
  if (modes > 1) {
    return fail(ErrorCode::usage, "--history, --staged and --pre-push are mutually exclusive");
  }
  if ((!o.since.empty() || !o.range.empty() || o.all_objects) && o.command == Command::scan && !o.history) {
    return fail(ErrorCode::usage, "--since, --range and --all-objects need --history");
  }
  if (!o.since.empty() && !o.range.empty()) {
    return fail(ErrorCode::usage, "--since and --range are mutually exclusive");
  }
  if (o.no_git && (o.history || o.staged || o.pre_push)) {
    return fail(ErrorCode::usage, "--no-git cannot be combined with --history, --staged or --pre-push");
  }
  return o;
}

}  // namespace dsnguard::cli
