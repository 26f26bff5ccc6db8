#pragma once
// Objects left to the operating system at exit: large structures (compiled regexes, a history index) whose
// destruction, one free() at a time, would only delay a command-line process that is about to end. Project-agnostic.

#include <memory>

namespace dsnguard::util {

// Keeps `object` alive until the process exits; it is never destroyed. Thread-safe. Reachable from a static, so
// leak checkers do not report it. Only for a process that ends soon after (a library must not call it).
void leave_to_exit(std::shared_ptr<const void> object);

}  // namespace dsnguard::util
