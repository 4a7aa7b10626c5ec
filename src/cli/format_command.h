#pragma once
// `blockflow format`: rewrite a page in its canonical, diff-friendly form.
#include <iosfwd>
#include <string>

namespace blockflow {

struct FormatCommandOptions {
  std::string page_path;
  bool check = false;      // only report whether the file is already canonical (exit 1 if not)
  bool to_stdout = false;  // print the canonical text instead of rewriting the file
};

int format_page_command(const FormatCommandOptions& options, std::ostream& out, std::ostream& err);

}  // namespace blockflow
