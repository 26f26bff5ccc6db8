#pragma once
// Project facts lint needs to judge URLs (who consumes them: SQLAlchemy, Prisma, asyncpg...) and the project
// checks P001-P006 (Python first): engine options, pinned SQLAlchemy versions, missing drivers.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/types.hpp"
#include "dsn/conninfo.hpp"

namespace dsnguard::lint {

// One create_engine(...) / create_async_engine(...) call in Python source.
struct EngineCall {
  std::string path;
  std::uint32_t line = 0;
  std::uint32_t column = 0;
  std::string literal_url;  // a quoted URL among the arguments (raw; never printed), "" when none
  bool pool_pre_ping = false;
  std::int64_t pool_recycle = -1;  // -1 when absent or not a literal
  std::int64_t pool_size = -1;
};

struct ProjectFacts {
  bool uses_sqlalchemy = false;           // imports, create_engine, SQLALCHEMY_DATABASE_URI, dependency
  bool rewrites_postgres_scheme = false;  // code rewrites postgres:// to postgresql:// at startup
  bool reads_env = false;                 // reads DATABASE_URL from the environment / loads a .env file
  bool uses_prisma = false;
  bool prisma_direct_url = false;         // a Prisma datasource declares directUrl
  bool python_manifest = false;           // requirements*.txt, pyproject.toml, Pipfile, setup.*, lock files
  std::string manifest_text;              // every Python manifest, concatenated (dependency look-ups)
  std::vector<EngineCall> engine_calls;
};

// True for source-code files (Python, JavaScript/TypeScript, Ruby, Go, Java, Kotlin, PHP, C#, Rust, Elixir...).
bool is_source_code(std::string_view path);
// True for Python dependency manifests and lock files.
bool is_python_manifest(std::string_view path);

// Learns what `text` (the content of `path`) says about the project; appends P004 findings (SQLAlchemy pinned
// below 2.0.33) for manifests and lock files.
void observe_file(const std::string& path, std::string_view text, ProjectFacts& facts,
                  std::vector<core::Finding>& out);

// P004 for one manifest or lock file (requirements*.txt, pyproject.toml, Pipfile, poetry.lock, uv.lock,
// Pipfile.lock; other names are ignored).
void check_sqlalchemy_pins(const std::string& path, std::string_view text, std::vector<core::Finding>& out);

// True when a Python dependency named `name` (normalised: lower case, '-') appears in the manifests.
bool has_python_dependency(const ProjectFacts& facts, std::string_view name);

// True when the version specifier (PEP 440, Poetry caret/tilde, or a bare locked version) admits no version
// at or above `minimum` ("==1.4.46", "<2", "~=1.4", "^1.4" for minimum 2.0.33).
bool spec_caps_below(std::string_view spec, std::string_view minimum);

// P002, P003, P006 for every engine call. `project_urls` are the connection strings configured elsewhere in the
// project (env files, $DATABASE_URL), used when the call does not hold a literal URL.
void check_engine_calls(const ProjectFacts& facts, const std::vector<dsn::ConnInfo>& project_urls,
                        std::vector<core::Finding>& out);

// P005: the driver `info` needs (by scheme and consumer) is missing from the Python manifests.
// `path`/`line`/`column` locate the URL; `match` is its redacted text.
void check_driver(const ProjectFacts& facts, const dsn::ConnInfo& info, const std::string& path, std::uint32_t line,
                  std::uint32_t column, const std::string& match, std::vector<core::Finding>& out);

}  // namespace dsnguard::lint
