#pragma once
// `blockflow export-onnx PAGE -o MODEL.onnx [--opset N] [--fetch BLOCK.PORT]...`
#include <iosfwd>
#include <string>
#include <vector>

namespace blockflow {

struct ExportCommandOptions {
  std::string page_path;
  std::string output_path;
  int opset = 0;                     // 0: the exporter's default
  std::vector<std::string> fetches;  // BLOCK.PORT
  bool allow_outside_files = false;
};

// Exit 0 when the model was written; 2 (nothing written) for a page, option or export problem.
int export_onnx_command(const ExportCommandOptions& options, std::ostream& out, std::ostream& err);

}  // namespace blockflow
