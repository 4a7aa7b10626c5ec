#include "src/cli/format_command.h"

#include <ostream>

#include "blocks/builtin_blocks.h"
#include "src/cli/run_command.h"
#include "src/io/atomic_file.h"
#include "src/page/page.h"

namespace blockflow {

int format_page_command(const FormatCommandOptions& options, std::ostream& out, std::ostream& err) {
  const std::string& path = options.page_path;
  const PageLoadResult loaded = load_page_file(path);
  if (!loaded.ok()) {
    for (const auto& problem : loaded.problems) err << "blockflow: " << problem.to_string(path) << "\n";
    return kExitInvalid;
  }
  const std::string canonical = serialize_page(*loaded.page, &builtin_registry());
  if (options.to_stdout) {
    out << canonical;
    return kExitOk;
  }
  const std::string current = read_file(path);
  if (options.check) {
    if (current == canonical) return kExitOk;
    err << "blockflow: " << path << ": not in canonical form (run blockflow format " << path << ")\n";
    return kExitBlockFailed;
  }
  if (current != canonical) {
    try {
      write_file_atomically(path, canonical);
    } catch (const Error& e) {
      err << "blockflow: " << e.what() << "\n";
      return kExitInvalid;
    }
  }
  return kExitOk;
}

}  // namespace blockflow
