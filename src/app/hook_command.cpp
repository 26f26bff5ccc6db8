// install-hook / uninstall-hook (issue 6): put hooks/pre-commit or hooks/pre-push (compiled in) where git runs
// hooks, never overwriting a hook dsnguard did not install; --force keeps such a hook and chains it.
#include <array>
#include <filesystem>
#include <string_view>

#include "app/commands.hpp"
#include "app/exit_codes.hpp"
#include "sources/hooks.hpp"
#include "util/file.hpp"

namespace dsnguard::app {

namespace detail {
std::string_view embedded_hook(std::string_view name);  // generated from hooks/ (cmake/EmbedHooks.cmake)
}

namespace {

namespace fs = std::filesystem;

// Every hook dsnguard installs carries this marker; uninstall-hook removes only files that do.
constexpr std::string_view k_marker = "# dsnguard-hook:";
constexpr std::string_view k_chained_suffix = ".dsnguard-chained";
constexpr std::array<std::string_view, 2> k_hook_names = {"pre-commit", "pre-push"};

bool exists_or_link(const fs::path& p)
{
  std::error_code ec;
  const auto st = fs::symlink_status(p, ec);
  return !ec && st.type() != fs::file_type::not_found;
}

bool installed_by_us(const fs::path& p)
{
  const auto r = util::read_file(p.string());
  return r.ok && r.data.substr(0, 512).find(k_marker) != std::string::npos;
}

std::string describe(const sources::HooksLocation& loc)
{
  if (loc.from_core_hooks_path) {
    return " (core.hooksPath = " + loc.configured + ")";
  }
  return "";
}

// Writes the hook and makes it executable (rwxr-xr-x). Returns an error text or "".
std::string write_hook(const fs::path& target, std::string_view content)
{
  const auto error = util::write_file_atomic(target.string(), std::string(content));
  if (!error.empty()) {
    return error;
  }
  std::error_code ec;
  fs::permissions(target,
                  fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec | fs::perms::others_read
                      | fs::perms::others_exec,
                  fs::perm_options::replace, ec);
  return ec ? ec.message() : std::string();
}

}  // namespace

int run_install_hook(const Options& options, std::ostream& out, std::ostream& err)
{
  auto loc = sources::hooks_location(options.path);
  if (!loc) {
    err << "dsnguard: install-hook: " << loc.error().message << "\n";
    return k_exit_usage;
  }
  const std::string name = options.hook_pre_push ? "pre-push" : "pre-commit";
  const std::string_view content = detail::embedded_hook(name);
  const fs::path dir(loc->dir);
  const fs::path target = dir / name;
  const fs::path chained = dir / (name + std::string(k_chained_suffix));

  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    err << "dsnguard: install-hook: cannot create hooks directory '" << dir.string() << "': " << ec.message() << "\n";
    return k_exit_incomplete;
  }

  bool chaining = false;
  if (exists_or_link(target)) {
    if (installed_by_us(target)) {
      const auto current = util::read_file(target.string());
      if (current.ok && current.data == content) {
        out << "dsnguard: the " << name << " hook is already installed: " << target.string() << describe(*loc) << "\n";
        return k_exit_clean;
      }
      // An older dsnguard hook: replace it in place (a chained hook stays chained).
    } else if (!options.force) {
      err << "dsnguard: install-hook: " << target.string()
          << " already exists and was not installed by dsnguard; not overwriting it (rerun with --force to keep it as "
          << chained.filename().string() << " and run it before dsnguard)\n";
      return k_exit_usage;
    } else {
      if (exists_or_link(chained)) {
        err << "dsnguard: install-hook: cannot chain the existing hook: " << chained.string()
            << " already exists; move one of them away first\n";
        return k_exit_usage;
      }
      fs::rename(target, chained, ec);
      if (ec) {
        err << "dsnguard: install-hook: cannot move " << target.string() << " aside: " << ec.message() << "\n";
        return k_exit_incomplete;
      }
      chaining = true;
    }
  }
  if (const auto error = write_hook(target, content); !error.empty()) {
    err << "dsnguard: install-hook: cannot write " << target.string() << ": " << error << "\n";
    if (chaining) {
      fs::rename(chained, target, ec);  // put the user's hook back
    }
    return k_exit_incomplete;
  }
  out << "dsnguard: installed the " << name << " hook: " << target.string() << describe(*loc) << "\n";
  if (chaining) {
    out << "dsnguard: the existing hook was kept as " << chained.string() << " and runs first\n";
  }
  out << "dsnguard: it runs 'dsnguard " << (name == "pre-push" ? "scan --pre-push" : "scan --staged")
      << "' and needs dsnguard on PATH; remove it with 'dsnguard uninstall-hook'\n";
  return k_exit_clean;
}

int run_uninstall_hook(const Options& options, std::ostream& out, std::ostream& err)
{
  auto loc = sources::hooks_location(options.path);
  if (!loc) {
    err << "dsnguard: uninstall-hook: " << loc.error().message << "\n";
    return k_exit_usage;
  }
  const fs::path dir(loc->dir);
  int removed = 0;
  int status = k_exit_clean;
  for (const auto name_view : k_hook_names) {
    const std::string name(name_view);
    const fs::path target = dir / name;
    const fs::path chained = dir / (name + std::string(k_chained_suffix));
    std::error_code ec;
    if (exists_or_link(target)) {
      if (!installed_by_us(target)) {
        if (exists_or_link(chained)) {
          err << "dsnguard: uninstall-hook: " << target.string() << " was not installed by dsnguard; leaving it and "
              << chained.string() << " alone\n";
        }
        continue;  // someone else's hook: never touched
      }
      fs::remove(target, ec);
      if (ec) {
        err << "dsnguard: uninstall-hook: cannot remove " << target.string() << ": " << ec.message() << "\n";
        status = k_exit_incomplete;
        continue;
      }
      ++removed;
      out << "dsnguard: removed the " << name << " hook: " << target.string() << "\n";
    }
    if (exists_or_link(chained) && !exists_or_link(target)) {
      fs::rename(chained, target, ec);
      if (ec) {
        err << "dsnguard: uninstall-hook: cannot restore " << chained.string() << ": " << ec.message() << "\n";
        status = k_exit_incomplete;
        continue;
      }
      out << "dsnguard: restored the previous " << name << " hook: " << target.string() << "\n";
    }
  }
  if (removed == 0 && status == k_exit_clean) {
    out << "dsnguard: no dsnguard hook installed in " << dir.string() << describe(*loc) << "\n";
  }
  return status;
}

}  // namespace dsnguard::app
