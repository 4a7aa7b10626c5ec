#pragma once
// Exports pages in-process and reads the resulting ONNX graph, for the exporter's tests.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "src/onnx/onnx_export.h"
#include "src/page/page.h"
#include "tests/support/graph_text.h"

namespace blockflow::test {

inline const std::string kOnnxPages = BLOCKFLOW_SOURCE_DIR "/tests/onnx/pages";
inline const std::string kExamplePages = BLOCKFLOW_SOURCE_DIR "/examples";

inline std::shared_ptr<const CompiledGraph> compile_page_file(const std::string& path) {
  PageLoadResult loaded = load_page_file(path);
  REQUIRE(loaded.ok());
  CompileResult compiled = compile_graph(loaded.page->graph, builtin_registry());
  INFO(joined(compiled.diagnostics));
  REQUIRE(compiled.ok());
  return compiled.graph;
}

inline std::shared_ptr<const CompiledGraph> compile_json(const std::string& text) {
  CompileResult compiled = compile_text(text);
  INFO(joined(compiled.diagnostics));
  REQUIRE(compiled.ok());
  return compiled.graph;
}

inline onnx::ModelProto export_json(const std::string& text, onnx_export::ExportOptions options = {}) {
  return onnx_export::export_model(*compile_json(text), options);
}

inline std::vector<std::string> op_types(const onnx::ModelProto& model) {
  std::vector<std::string> ops;
  for (const auto& node : model.graph().node()) ops.push_back(node.op_type());
  return ops;
}

inline const onnx::NodeProto& node_named(const onnx::ModelProto& model, const std::string& name) {
  for (const auto& node : model.graph().node())
    if (node.name() == name) return node;
  FAIL("no node named " << name);
  throw std::logic_error("unreachable");
}

inline const onnx::AttributeProto* find_attribute(const onnx::NodeProto& node, const std::string& name) {
  for (const auto& attribute : node.attribute())
    if (attribute.name() == name) return &attribute;
  return nullptr;
}

inline std::vector<std::int64_t> ints_of(const onnx::NodeProto& node, const std::string& name) {
  const auto* attribute = find_attribute(node, name);
  REQUIRE(attribute);
  return {attribute->ints().begin(), attribute->ints().end()};
}

inline std::int64_t int_of(const onnx::NodeProto& node, const std::string& name) {
  const auto* attribute = find_attribute(node, name);
  REQUIRE(attribute);
  return attribute->i();
}

inline const onnx::TensorProto* find_initializer(const onnx::ModelProto& model, const std::string& name) {
  for (const auto& tensor : model.graph().initializer())
    if (tensor.name() == name) return &tensor;
  return nullptr;
}

inline std::vector<std::int64_t> dims_of(const onnx::TensorProto& tensor) {
  return {tensor.dims().begin(), tensor.dims().end()};
}

template <typename T>
std::vector<T> values_of(const onnx::TensorProto& tensor) {
  std::vector<T> values(tensor.raw_data().size() / sizeof(T));
  std::memcpy(values.data(), tensor.raw_data().data(), values.size() * sizeof(T));
  return values;
}

// "d3" for dim_value 3, the name for a dim_param, "?" for an unnamed unknown dim.
inline std::vector<std::string> shape_of(const onnx::ValueInfoProto& value) {
  std::vector<std::string> dims;
  for (const auto& dim : value.type().tensor_type().shape().dim()) {
    if (dim.has_dim_value()) {
      std::string text = std::to_string(dim.dim_value());
      text.insert(text.begin(), 'd');  // not "d" + ...: GCC 12 warns falsely (-Wrestrict) on that
      dims.push_back(text);
    }
    else if (dim.has_dim_param()) dims.push_back(dim.dim_param());
    else dims.push_back("?");
  }
  return dims;
}

// A page with one Placeholder "input" of `shape`, a constant filter of `filter_shape` and a
// DepthwiseConv2dNative "dw" with the given values.
inline std::string depthwise_page(const std::string& shape, const std::string& filter_shape, const std::string& strides,
                                  const std::string& padding, const std::string& attrs) {
  return R"({"blocks": [
    {"id": "input", "type": "Placeholder", "values": {"dtype": "float", "shape": ")" + shape + R"("}},
    {"id": "filter", "type": "Const", "values": {"dtype": "float", "shape": ")" + filter_shape + R"(", "value": "0.5"}},
    {"id": "dw", "type": "DepthwiseConv2dNative",
     "values": {"strides": ")" + strides + R"(", "padding": ")" + padding + R"(", "attrs": ")" + attrs + R"("}}],
    "links": [{"from": "input.output", "to": "dw.input"}, {"from": "filter.output", "to": "dw.filter"}]})";
}

}  // namespace blockflow::test
