#include "src/cli/export_command.h"

#include <ostream>

#include "src/cli/page_input.h"
#include "src/cli/run_command.h"
#include "src/onnx/onnx_export.h"
#include "src/page/page.h"

namespace blockflow {

namespace {

// The names of a model's inputs or outputs, comma-separated.
std::string describe_values(const google::protobuf::RepeatedPtrField<onnx::ValueInfoProto>& values) {
  std::string text;
  for (const auto& value : values) text += (text.empty() ? "" : ", ") + value.name();
  return text;
}

}  // namespace

int export_onnx_command(const ExportCommandOptions& options, std::ostream& out, std::ostream& err) {
  const std::string& path = options.page_path;
  try {
    const Page page = load_page_or_throw(path, options.allow_outside_files);
    const CompileResult compiled = compile_or_throw(page, {}, path);
    onnx_export::ExportOptions export_options;
    if (options.opset != 0) export_options.opset = options.opset;
    export_options.fetches = parse_fetches(options.fetches, *compiled.graph, path);
    export_options.graph_name = page.name.empty() ? "blockflow" : page.name;
    export_options.doc = page.name;
    const onnx::ModelProto model = onnx_export::export_model(*compiled.graph, export_options);
    onnx_export::check_model(model);
    onnx_export::write_model(options.output_path, model);
    out << "wrote " << options.output_path << " (ONNX opset " << export_options.opset << ", "
        << model.graph().node_size() << " nodes)\n"
        << "  inputs: " << (model.graph().input_size() ? describe_values(model.graph().input()) : "none") << "\n"
        << "  outputs: " << describe_values(model.graph().output()) << "\n";
    return kExitOk;
  } catch (const InvalidInput& problems) {
    return report_invalid(problems, err);
  } catch (const Error& e) {
    err << "blockflow: " << path << ": " << e.what() << "\n";
  }
  return kExitInvalid;
}

}  // namespace blockflow
