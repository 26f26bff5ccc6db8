#pragma once
// Error values and Expected<T>: everything that can fail for outside reasons (I/O, libgit2, libpq, user
// config, bad regex) returns Expected<T>. No exception crosses a module boundary.
// Depends on the standard library and tl::expected only.

#include <string>
#include <utility>

#include <tl/expected.hpp>

namespace dsnguard::core {

// Broad classes of failure; app/ maps them to exit codes (see app/exit_codes.hpp).
enum class ErrorCode {
  usage,      // bad command line
  config,     // broken rule file, config file, baseline
  io,         // file could not be read or written
  git,        // libgit2 reported a failure (not a repo, corrupt object, ...)
  parse,      // input text did not parse (URL, JSON, ...)
  not_found,  // a named thing does not exist (ref, file, variable)
  internal,   // a bug: should not happen
};

struct Error {
  ErrorCode code = ErrorCode::internal;
  std::string message;  // one line, names the thing that failed; never contains a secret
};

template <typename T> using Expected = tl::expected<T, Error>;

// Builds an unexpected Error in one call: `return fail(ErrorCode::io, "cannot read " + path);`
inline tl::unexpected<Error> fail(ErrorCode code, std::string message)
{
  return tl::unexpected<Error>(Error{code, std::move(message)});
}

}  // namespace dsnguard::core

// Propagates an error from an Expected expression (ccache util/expected.hpp style).
#define DSNGUARD_TRY(expr)                                                                                          \
  do {                                                                                                             \
    auto dsnguard_try_result_ = (expr);                                                                            \
    if (!dsnguard_try_result_) {                                                                                   \
      return tl::unexpected(std::move(dsnguard_try_result_).error());                                              \
    }                                                                                                              \
  } while (false)

// Assigns the value of an Expected expression to `var` (a declaration such as `auto x` or an lvalue such as
// `r.keywords`) or propagates its error.
#define DSNGUARD_CONCAT_INNER_(a, b) a##b
#define DSNGUARD_CONCAT_(a, b) DSNGUARD_CONCAT_INNER_(a, b)
#define DSNGUARD_TRY_ASSIGN(var, expr) DSNGUARD_TRY_ASSIGN_IMPL_(DSNGUARD_CONCAT_(dsnguard_try_, __LINE__), var, expr)
#define DSNGUARD_TRY_ASSIGN_IMPL_(tmp, var, expr)                                                                   \
  auto tmp = (expr);                                                                                               \
  if (!tmp) {                                                                                                      \
    return tl::unexpected(std::move(tmp).error());                                                                 \
  }                                                                                                                \
  var = std::move(*tmp)
