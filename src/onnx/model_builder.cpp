#include "src/onnx/model_builder.h"

#include <algorithm>

#include <onnx/checker.h>
#include <onnx/defs/data_type_utils.h>
#include <onnx/defs/schema.h>

#include "src/onnx/export_error.h"
#include "src/onnx/onnx_types.h"
#include "src/onnx/opset.h"

namespace blockflow::onnx_export {

namespace {

bool takes_type(const onnx::OpSchema& schema, std::size_t input, DType dtype) {
  const auto& formals = schema.inputs();
  if (formals.empty()) return false;
  const auto& formal = formals[std::min(input, formals.size() - 1)];
  return formal.GetTypes().count(onnx::Utils::DataTypeUtils::ToType(onnx_type_string(dtype))) != 0;
}

// " (ONNX Relu takes it from opset 14: use --opset 14)" when a newer opset would do.
std::string newer_opset_hint(const std::string& op_type, int opset, std::size_t input, DType dtype) {
  for (int newer = opset + 1; newer <= newest_known_opset(); ++newer) {
    const auto* schema = onnx::OpSchemaRegistry::Schema(op_type, newer, onnx::ONNX_DOMAIN);
    if (schema && takes_type(*schema, input, dtype))
      return " (it does from opset " + std::to_string(newer) + ": use --opset " + std::to_string(newer) + ")";
  }
  return "";
}

}  // namespace

onnx::NodeProto& ModelBuilder::add_node(const BlockOrigin& origin, const std::string& op_type,
                                        const std::string& node_name, const std::vector<std::string>& inputs,
                                        const std::vector<std::string>& outputs, DType output_dtype) {
  onnx::NodeProto* node = graph_.add_node();
  node->set_op_type(op_type);
  node->set_name(node_name);
  for (const auto& input : inputs) {
    use_value(input);
    node->add_input(input);
  }
  for (const auto& output : outputs) {
    node->add_output(output);
    dtypes_[output] = output_dtype;
  }
  origins_.push_back(origin);
  return *node;
}

void ModelBuilder::define_constant(const std::string& name, Tensor value) {
  dtypes_[name] = value.dtype();
  constants_[name] = std::move(value);
}

const Tensor* ModelBuilder::constant(const std::string& name) const {
  auto it = constants_.find(name);
  return it == constants_.end() ? nullptr : &it->second;
}

void ModelBuilder::use_value(const std::string& name) {
  auto it = constants_.find(name);
  if (it == constants_.end() || !written_constants_.insert(name).second) return;
  *graph_.add_initializer() = tensor_proto(name, it->second);
}

void ModelBuilder::add_input(const std::string& name, const TensorInfo& info, const std::string& symbolic_prefix) {
  auto* input = graph_.add_input();
  input->set_name(name);
  *input->mutable_type() = tensor_type(info, symbolic_prefix);
  dtypes_[name] = info.dtype;
}

void ModelBuilder::add_output(const std::string& name, const TensorInfo& info) {
  use_value(name);
  auto* output = graph_.add_output();
  output->set_name(name);
  *output->mutable_type() = tensor_type(info, "");
}

const DType* ModelBuilder::dtype_of(const std::string& value) const {
  auto it = dtypes_.find(value);
  return it == dtypes_.end() ? nullptr : &it->second;
}

void ModelBuilder::verify_node(const onnx::NodeProto& node, const BlockOrigin& origin) const {
  const std::string& op = node.op_type();
  const std::string at_opset = " at opset " + std::to_string(opset_);
  const auto* schema = onnx::OpSchemaRegistry::Schema(op, opset_, onnx::ONNX_DOMAIN);
  if (!schema || schema->Deprecated()) {
    const auto* newest = onnx::OpSchemaRegistry::Schema(op, newest_known_opset(), onnx::ONNX_DOMAIN);
    fail_block(origin.id, origin.type,
               "exports to ONNX " + op + ", which does not exist" + at_opset +
                   (newest ? "; use --opset " + std::to_string(newest->since_version()) + " or newer" : ""));
  }
  try {
    schema->Verify(node);
  } catch (const onnx::checker::ValidationError& e) {
    fail_block(origin.id, origin.type, "ONNX " + op + at_opset + " refuses the exported node: " + e.what());
  }
  for (int i = 0; i < node.input_size(); ++i) {
    const DType* dtype = dtype_of(node.input(i));
    const auto index = static_cast<std::size_t>(i);
    if (node.input(i).empty() || !dtype || takes_type(*schema, index, *dtype)) continue;
    fail_block(origin.id, origin.type,
               "ONNX " + op + at_opset + " does not take " + std::string(dtype_name(*dtype)) + " tensors" +
                   newer_opset_hint(op, opset_, index, *dtype));
  }
}

onnx::ModelProto ModelBuilder::build(const std::string& graph_name, const std::string& doc) const {
  for (int i = 0; i < graph_.node_size(); ++i) verify_node(graph_.node(i), origins_[static_cast<std::size_t>(i)]);
  onnx::ModelProto model;
  model.set_ir_version(onnx::IR_VERSION);
  model.set_producer_name("blockflow");
  auto* opset = model.add_opset_import();
  opset->set_domain(onnx::ONNX_DOMAIN);
  opset->set_version(opset_);
  *model.mutable_graph() = graph_;
  model.mutable_graph()->set_name(graph_name);
  if (!doc.empty()) model.set_doc_string(doc);
  return model;
}

}  // namespace blockflow::onnx_export
