#include "cli/cli.hpp"

namespace dsnguard::cli {

namespace {

constexpr const char* k_general = R"(dsnguard: keep database credentials out of git.

Usage: dsnguard <command> [options] [PATH]

Commands:
  scan            find committed database URLs with credentials and tracked .env files
  lint            check .gitignore protection of .env files and the safety of connection URLs
  verify          connect to the configured database and run SELECT 1 under a deadline
  audit           full-history audit report: history + working tree + lint (+ --verify)
  install-hook    install the git pre-commit (or --pre-push) hook
  uninstall-hook  remove the hooks dsnguard installed

Run 'dsnguard <command> --help' for the options of a command.

Exit codes: 0 nothing reported, 1 findings reported, 2 usage or configuration error,
3 scan incomplete (something could not be read; the rest was scanned and reported);
verify: see 'dsnguard verify --help'.
)";

constexpr const char* k_scan = R"(Usage: dsnguard scan [options] [PATH]

Scans the working tree of the git repository containing PATH (default '.'): tracked files plus untracked
files that are not ignored. Outside a repository, or with --no-git, every regular file under PATH.

Modes:
  --history             every blob reachable from all refs (each blob once), with provenance
  --all-objects         with --history: also unreachable objects
  --since REV           with --history: only commits after REV
  --range A..B          with --history: only commits in A..B
  --staged              what the next commit adds (HEAD vs the index; honours GIT_INDEX_FILE)
  --pre-push REMOTE     commits being pushed (reads git's pre-push lines on stdin)

Output:
  --format text|json|sarif   report format (default text)
  -o, --output FILE          write the report to FILE
  --no-redact                print secrets in full (never the default)
  --color auto|always|never  colour (default auto: only on a TTY, NO_COLOR honoured)
  --show-suppressed          list findings suppressed inline, by the baseline or by config
  --quiet                    no summary line

Detection:
  --rules PATH                  extra rule file (or directory of *.json), repeatable
  --min-confidence low|medium|high  lowest confidence reported (default medium)
  --max-file-size SIZE          larger files are listed as skipped (default 10M)
  --no-git                      scan files directly, ignoring git
  --threads N                   worker threads (default: all cores)

Gate:
  --baseline FILE        suppress findings recorded in FILE
  --write-baseline FILE  write the current findings to FILE (hashes only)
  --config FILE          config file (default: .dsnguard.json at the repository root)
  --fail-on LEVEL        exit 1 only for findings at or above LEVEL (low|medium|high|info|warning|error)
  --verify               check whether leaked PostgreSQL credentials still open a database (opt-in)
  --verify-private       allow --verify to contact loopback and private addresses
  --timeout SECONDS      deadline per verification attempt (default 10)

Exit codes: 0 nothing reported, 1 findings, 2 usage/config error, 3 scan incomplete.
)";

constexpr const char* k_lint = R"(Usage: dsnguard lint [options] [PATH]

Checks that every .env variant is ignored by git (and by the repository's own rules), that templates hold
no real secrets, and that every connection URL is well-formed and safe (scheme, encoding, port, database,
sslmode, channel_binding, pooler hosts, driver compatibility). Each finding carries an id, the file and
line, why it matters and the exact fix.

  --fix                  append missing .gitignore lines (prints, without running, the commands it will
                         not run itself: untracking, rotation)
  --fail-on warning|error  lowest severity that makes the exit code 1 (default error)
  --format text|json|sarif, -o FILE, --config FILE, --no-git, --color, --quiet

Exit codes: 0 clean (or below --fail-on), 1 findings, 2 usage error, 3 something could not be read.
)";

constexpr const char* k_verify = R"(Usage: dsnguard verify [options] [PATH]

Connects with the configured URL and runs SELECT 1, all under one deadline. The URL comes from --url,
else --env-file, else $DATABASE_URL, else DATABASE_URL in the repository's .env. The password is never
printed. Details and the triage table: docs/verify.md.

  --url URL            the connection URL
  --env-file FILE      read the URL from FILE (default <repo>/.env, after $DATABASE_URL)
  --var NAME           variable to read (default DATABASE_URL)
  --timeout SECONDS    one deadline for DNS, TCP, TLS, authentication and the query (default 10)
  --repeat N           N connect+query rounds; report min/median/max latency
  --isolated           ignore PG* environment variables, ~/.pgpass and service files
  --format text|json, -o FILE

Exit codes: 0 connected and SELECT 1 returned 1, 2 usage/config error (URL does not parse), 3 internal
error, 4 authentication failed, 5 unreachable (DNS, refused, timeout), 6 TLS requirement not met,
7 certificate verification failed, 8 database does not exist, 9 too many connections,
10 server closed the connection unexpectedly, 11 server starting up or shutting down, 12 other server error.
)";

constexpr const char* k_audit = R"(Usage: dsnguard audit [options] [PATH]

One on-demand audit: full history + working tree + lint (+ --verify), written as a self-contained report
with provenance and remediation (rotate, purge from history, ignore rule, .env.example).

  --format markdown|html|json|sarif   report format (default markdown)
  -o, --output FILE, --verify, --verify-private, --baseline FILE, --config FILE, --no-redact

Exit codes: as for scan.
)";

constexpr const char* k_install = R"(Usage: dsnguard install-hook [--pre-push] [--force] [PATH]
       dsnguard uninstall-hook [PATH]

Installs the pre-commit hook (or with --pre-push the pre-push hook) where git runs hooks (honours
core.hooksPath). An existing hook is never overwritten silently: without --force the command refuses;
with --force the existing hook is kept and chained. uninstall-hook removes only what dsnguard installed.
)";

}  // namespace

std::string help_text(const std::string& topic)
{
  if (topic == "scan") return k_scan;
  if (topic == "lint") return k_lint;
  if (topic == "verify") return k_verify;
  if (topic == "audit") return k_audit;
  if (topic == "install-hook" || topic == "uninstall-hook") return k_install;
  return k_general;
}

std::string version_text()
{
  return "dsnguard 0.1.0\n";
}

}  // namespace dsnguard::cli
