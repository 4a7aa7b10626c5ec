#include "src/io/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>

#include "runtime/error.h"

namespace blockflow {

namespace {
BeforeRenameHook& before_rename_hook() {
  static BeforeRenameHook hook;
  return hook;
}

std::string errno_text() { return std::strerror(errno); }

void write_all(int fd, const std::string& contents, const std::filesystem::path& path) {
  std::size_t written = 0;
  while (written < contents.size()) {
    const ssize_t n = ::write(fd, contents.data() + written, contents.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw Error("cannot write " + path.string() + ": " + errno_text());
    }
    written += static_cast<std::size_t>(n);
  }
}

std::filesystem::path temporary_name(const std::filesystem::path& path) {
  std::random_device random;
  std::string name(".");
  name.append(path.filename().string()).append(".tmp-").append(std::to_string(random() % 1000000));
  return path.parent_path() / name;
}
}  // namespace

void set_before_rename_hook(BeforeRenameHook hook) { before_rename_hook() = std::move(hook); }

std::filesystem::path backup_path(const std::filesystem::path& path) {
  return std::filesystem::path(path.string() + ".bak");
}

namespace {
void write_atomically(const std::filesystem::path& path, const std::string& contents, bool keep_backup, bool is_backup);
}

void write_file_atomically(const std::filesystem::path& path, const std::string& contents, bool keep_backup) {
  write_atomically(path, contents, keep_backup, false);
}

namespace {
void write_atomically(const std::filesystem::path& path, const std::string& contents, bool keep_backup, bool is_backup) {
  const std::filesystem::path temporary = temporary_name(path);
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) throw Error("cannot save " + path.string() + ": cannot create a temporary file: " + errno_text());
  bool open = true;
  try {
    write_all(fd, contents, path);
    if (::fsync(fd) != 0) throw Error("cannot save " + path.string() + ": " + errno_text());
    open = false;
    if (::close(fd) != 0) throw Error("cannot save " + path.string() + ": " + errno_text());
    std::error_code missing;
    if (keep_backup && std::filesystem::is_regular_file(path, missing))
      write_atomically(backup_path(path), read_file(path), false, true);
    if (before_rename_hook() && !is_backup) before_rename_hook()(temporary);
    if (::rename(temporary.c_str(), path.c_str()) != 0)
      throw Error("cannot save " + path.string() + ": " + errno_text());
  } catch (...) {
    if (open) ::close(fd);
    std::error_code ignored;
    std::filesystem::remove(temporary, ignored);
    throw;
  }
  // Make the rename itself durable.
  const std::filesystem::path folder = path.parent_path().empty() ? "." : path.parent_path();
  const int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
}

}  // namespace

std::string read_file(const std::filesystem::path& path) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) throw Error(path.string() + " is a folder, not a file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot open " + path.string() + ": " + errno_text());
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) throw Error("cannot read " + path.string());
  return buffer.str();
}

}  // namespace blockflow
