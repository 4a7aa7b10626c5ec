#pragma once
// `blockflow run` and `blockflow validate`: load a page, bind feeds, validate, run, report.
#include <iosfwd>
#include <string>
#include <vector>

namespace blockflow {

// Exit codes of the CLI.
inline constexpr int kExitOk = 0;
inline constexpr int kExitBlockFailed = 1;
inline constexpr int kExitInvalid = 2;

struct RunCommandOptions {
  std::string page_path;
  std::vector<std::string> feeds;    // BLOCK=FILE.npy
  std::vector<std::string> fetches;  // BLOCK.PORT
  std::string out_dir;
  bool json = false;
  bool profile = false;
  int threads = 0;
  // Limits (see README, "Limits and safety").
  std::int64_t max_tensor_bytes = std::int64_t{4} << 30;
  std::int64_t max_run_bytes = std::int64_t{16} << 30;
  int max_rank = 8;
  bool allow_outside_files = false;
};

int run_page_command(const RunCommandOptions& options, std::ostream& out, std::ostream& err);
int validate_page_command(const RunCommandOptions& options, std::ostream& out, std::ostream& err);

}  // namespace blockflow
