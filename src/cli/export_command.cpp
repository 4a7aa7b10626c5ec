#include "src/cli/export_command.h"

#include <ostream>

#include "blocks/builtin_blocks.h"
#include "src/cli/run_command.h"
#include "src/onnx/onnx_export.h"
#include "src/page/page.h"

namespace blockflow {

namespace {

// Every problem of a page that does not load or validate, one message each.
struct PageProblems {
  std::vector<std::string> messages;
};

Page load_page(const ExportCommandOptions& options) {
  PageLoadResult loaded = load_page_file(options.page_path);
  if (!loaded.problems.empty()) {
    PageProblems problems;
    for (const auto& problem : loaded.problems) problems.messages.push_back(problem.to_string(options.page_path));
    throw problems;
  }
  loaded.page->graph.allow_outside_files = options.allow_outside_files;
  return std::move(*loaded.page);
}

CompileResult compile_page(const Page& page, const std::string& path) {
  CompileResult compiled = compile_graph(page.graph, builtin_registry());
  if (!compiled.ok()) {
    PageProblems problems;
    for (const auto& d : compiled.diagnostics) problems.messages.push_back(page_problem_for(page, d).to_string(path));
    throw problems;
  }
  return compiled;
}

std::vector<PortRef> parse_fetches(const std::vector<std::string>& texts, const std::string& path) {
  std::vector<PortRef> fetches;
  for (const auto& text : texts) {
    auto ref = parse_port_ref(text);
    if (!ref) throw PageProblems{{path + ": --fetch \"" + text + "\": expected BLOCK.PORT, e.g. dw.output"}};
    fetches.push_back(*ref);
  }
  return fetches;
}

std::string describe_values(const google::protobuf::RepeatedPtrField<onnx::ValueInfoProto>& values) {
  std::string text;
  for (const auto& value : values) text += (text.empty() ? "" : ", ") + value.name();
  return text;
}

}  // namespace

int export_onnx_command(const ExportCommandOptions& options, std::ostream& out, std::ostream& err) {
  const std::string& path = options.page_path;
  try {
    const Page page = load_page(options);
    const CompileResult compiled = compile_page(page, path);
    onnx_export::ExportOptions export_options;
    if (options.opset != 0) export_options.opset = options.opset;
    export_options.fetches = parse_fetches(options.fetches, path);
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
  } catch (const PageProblems& problems) {
    for (const auto& message : problems.messages) err << "blockflow: " << message << "\n";
  } catch (const Error& e) {
    err << "blockflow: " << path << ": " << e.what() << "\n";
  }
  return kExitInvalid;
}

}  // namespace blockflow
