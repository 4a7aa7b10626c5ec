#include "src/onnx/onnx_export.h"

#include <algorithm>
#include <set>

#include <onnx/checker.h>
#include <onnx/shape_inference/implementation.h>

#include "src/io/atomic_file.h"
#include "src/onnx/block_export.h"

namespace blockflow::onnx_export {

namespace {

std::vector<PortRef> checked_fetches(const CompiledGraph& graph, const std::vector<PortRef>& requested) {
  if (requested.empty()) return graph.default_fetches();
  std::vector<PortRef> fetches;
  for (const PortRef& ref : requested) {
    const CompiledNode* node = graph.find(ref.block);
    if (!node) throw ExportError("fetch " + ref.to_string() + ": no block '" + ref.block + "' on the page");
    const PortSpec* port = node->spec->find_port(ref.port);
    if (!port || !port->is_output())
      throw ExportError("fetch " + ref.to_string() + ": block '" + ref.block + "' (" + node->spec->name +
                        ") has no output port '" + ref.port + "'");
    if (std::find(fetches.begin(), fetches.end(), ref) == fetches.end()) fetches.push_back(ref);
  }
  return fetches;
}

// The blocks the fetched outputs depend on; nothing else is exported, so a page may keep blocks
// without an ONNX equivalent (say, a WriteImage) on a branch that is not fetched.
std::set<int> needed_nodes(const CompiledGraph& graph, const std::vector<PortRef>& fetches) {
  std::set<int> needed;
  std::vector<int> pending;
  for (const PortRef& ref : fetches) pending.push_back(graph.index.at(ref.block));
  while (!pending.empty()) {
    const int node = pending.back();
    pending.pop_back();
    if (!needed.insert(node).second) continue;
    for (const auto& input : graph.nodes[static_cast<std::size_t>(node)].inputs) pending.push_back(input.producer);
  }
  return needed;
}

void export_block(ModelBuilder& builder, const CompiledGraph& graph, const CompiledNode& node, ValueNames& names) {
  const BlockMapper* mapper = find_block_mapper(node.spec->name);
  if (!mapper) {
    const std::string reason = why_not_exportable(node.spec->name);
    fail_block(node.id, node.spec->name, reason.empty() ? "has no ONNX equivalent" : "has no ONNX equivalent: it " + reason);
  }
  BlockExport block(builder, graph, node, names);
  try {
    (*mapper)(block);
  } catch (const ExportError&) {
    throw;
  } catch (const Error& e) {
    block.fail(e.what());
  }
}

// Graph outputs are named BLOCK.PORT as fetched; a value named otherwise (a Placeholder, a
// constant, a pass-through or alias port) is copied to that name by an Identity.
void add_graph_output(ModelBuilder& builder, const CompiledGraph& graph, const PortRef& fetch, const ValueNames& names) {
  const CompiledNode& node = *graph.find(fetch.block);
  const std::string storage = node.spec->storage_port(fetch.port);
  const std::string value = names.at({fetch.block, storage});
  const std::string name = output_value_name(fetch);
  const TensorInfo& info = node.outputs.at(storage);
  if (value != name)
    builder.add_node({node.id, node.spec->name}, "Identity", helper_name(node.id, "fetch_" + fetch.port), {value}, {name},
                     info.dtype);
  builder.add_output(name, info);
}

}  // namespace

onnx::ModelProto export_model(const CompiledGraph& graph, const ExportOptions& options) {
  check_opset(options.opset);
  const std::vector<PortRef> fetches = checked_fetches(graph, options.fetches);
  if (fetches.empty()) throw ExportError("the page has no outputs to export");
  const std::set<int> needed = needed_nodes(graph, fetches);
  ModelBuilder builder(options.opset);
  ValueNames names;
  for (int i = 0; i < static_cast<int>(graph.nodes.size()); ++i)
    if (needed.count(i)) export_block(builder, graph, graph.nodes[static_cast<std::size_t>(i)], names);
  for (const PortRef& fetch : fetches) add_graph_output(builder, graph, fetch, names);
  return builder.build(options.graph_name, options.doc);
}

void check_model(const onnx::ModelProto& model) {
  try {
    onnx::checker::check_model(model);
    onnx::ModelProto inferred = model;
    onnx::shape_inference::InferShapes(inferred, onnx::OpSchemaRegistry::Instance(),
                                       onnx::ShapeInferenceOptions(/*check_type=*/true, /*strict_mode=*/1));
  } catch (const std::exception& e) {
    throw ExportError(std::string("the exported model fails ONNX's checks (a blockflow bug, please report it): ") +
                      e.what());
  }
}

void write_model(const std::filesystem::path& path, const onnx::ModelProto& model) {
  std::string bytes;
  if (!model.SerializeToString(&bytes)) throw ExportError("could not serialize the ONNX model");
  write_file_atomically(path, bytes);
}

}  // namespace blockflow::onnx_export
