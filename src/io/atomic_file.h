#pragma once
// Replacing a file so that a failure at any point leaves the old one intact: write a temporary
// file in the same folder, flush it to disk, then rename it over the target.
#include <filesystem>
#include <functional>
#include <string>

namespace blockflow {

// Test hook: called after the temporary file is written and synced, before the rename. A test
// throws from it to simulate a crash or a full disk at the worst moment.
using BeforeRenameHook = std::function<void(const std::filesystem::path& temporary)>;
void set_before_rename_hook(BeforeRenameHook hook);

// Throws Error naming the file on any failure; the temporary file is removed. With keep_backup,
// the file being replaced is kept as PATH.bak (itself replaced atomically).
void write_file_atomically(const std::filesystem::path& path, const std::string& contents, bool keep_backup = false);
std::filesystem::path backup_path(const std::filesystem::path& path);

// Reads a whole file; throws Error naming it when it cannot.
std::string read_file(const std::filesystem::path& path);

}  // namespace blockflow
