#pragma once
// `blockflow export-onnx`: a validated page as an ONNX model, so it can run on ONNX Runtime and
// the serving and batch engines built on it. Placeholders become graph inputs (unknown dims
// symbolic), constant blocks initializers, fetched outputs graph outputs.
#include <filesystem>
#include <string>
#include <vector>

#include <onnx/onnx_pb.h>

#include "runtime/compiled_graph.h"
#include "src/onnx/export_error.h"
#include "src/onnx/opset.h"

namespace blockflow::onnx_export {

struct ExportOptions {
  int opset = kDefaultOpset;
  // Outputs to export; empty: the outputs of the blocks that feed nothing (like `blockflow run`).
  // Only the blocks these depend on are exported.
  std::vector<PortRef> fetches;
  std::string graph_name = "blockflow";
  std::string doc;  // the page's name, kept as the model's doc string
};

// Throws ExportError (naming the block at fault) for an opset out of range, a block without an
// ONNX equivalent or an operator the opset cannot express. The graph must have compiled cleanly.
onnx::ModelProto export_model(const CompiledGraph& graph, const ExportOptions& options);

// onnx::checker plus ONNX's strict shape inference, which also compares every declared output
// shape with what ONNX computes. Throws ExportError with the checker's message.
void check_model(const onnx::ModelProto& model);

// Serializes and writes atomically: on any failure the previous file (or none) stays.
void write_model(const std::filesystem::path& path, const onnx::ModelProto& model);

}  // namespace blockflow::onnx_export
