#pragma once
// cli/: turns argv into app::Options (the only code that sees argv), prints usage and help.

#include <string>
#include <vector>

#include "app/options.hpp"
#include "core/error.hpp"

namespace dsnguard::cli {

// Parses `args` (without argv[0]). Errors (code usage) name the offending flag or value.
core::Expected<app::Options> parse(const std::vector<std::string>& args);
// Help text for `topic` ("" = general, or a subcommand name).
std::string help_text(const std::string& topic);
std::string version_text();
// Entry point used by main(): parse, run, map errors to exit codes.
int run(int argc, char** argv);

}  // namespace dsnguard::cli
