#include <exception>
#include <iostream>

#include "cli/cli.hpp"

int main(int argc, char** argv)
{
  try {
    return dsnguard::cli::run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "dsnguard: internal error: " << e.what() << "\n";
    return 3;
  }
}
