#pragma once
// Files a page names (a Const's .npy, an image) resolve against the page's folder, and stay in
// it: no ../ escapes, no absolute paths, no symlinks that lead out, unless the user allowed it.
#include <filesystem>
#include <string>

#include "runtime/block_spec.h"

namespace blockflow {

// Throws Error saying why a path is refused.
std::filesystem::path resolve_page_file(const BlockEnvironment& env, const std::string& path_in_page);

}  // namespace blockflow
