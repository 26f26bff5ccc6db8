#include "cli/cli.hpp"

#include <iostream>

#include "app/exit_codes.hpp"
#include "app/run.hpp"

namespace dsnguard::cli {

int run(int argc, char** argv)
{
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) {
    args.emplace_back(argv[i]);
  }
  auto options = parse(args);
  if (!options) {
    std::cerr << "dsnguard: " << options.error().message << "\n";
    return app::k_exit_usage;
  }
  if (options->command == app::Command::help) {
    std::cout << help_text(options->help_topic);
    return app::k_exit_clean;
  }
  if (options->command == app::Command::version) {
    std::cout << version_text();
    return app::k_exit_clean;
  }
  options->exit_after = true;
  return app::run(*options, std::cout, std::cerr);
}

}  // namespace dsnguard::cli
