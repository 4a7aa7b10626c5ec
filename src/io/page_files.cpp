#include "src/io/page_files.h"

#include "runtime/error.h"

namespace blockflow {

namespace {

bool is_inside(const std::filesystem::path& folder, const std::filesystem::path& path) {
  auto f = folder.begin(), p = path.begin();
  for (; f != folder.end() && !f->empty(); ++f, ++p) {
    if (p == path.end() || *f != *p) return false;
  }
  return true;
}

}  // namespace

std::filesystem::path resolve_page_file(const BlockEnvironment& env, const std::string& path_in_page) {
  const std::filesystem::path written(path_in_page);
  const bool here = env.base_dir.empty() || env.base_dir == ".";
  const std::filesystem::path joined = written.is_absolute() || here ? written : std::filesystem::path(env.base_dir) / written;
  if (env.allow_outside_files) return joined;
  const std::string hint = "; pass --allow-outside-files to allow it";
  if (written.is_absolute()) throw Error("absolute path " + path_in_page + " is refused: paths in a page are relative to its folder" + hint);
  // Canonical forms resolve "..", "." and symlinks, so whatever the path says, where it really
  // leads is what is checked.
  std::error_code error;
  const auto folder = std::filesystem::weakly_canonical(here ? std::filesystem::current_path() : std::filesystem::path(env.base_dir), error);
  const auto target = std::filesystem::weakly_canonical(std::filesystem::absolute(joined, error), error);
  if (error || !is_inside(folder, target))
    throw Error("path " + path_in_page + " leads outside the page's folder" + hint);
  return joined;
}

}  // namespace blockflow
