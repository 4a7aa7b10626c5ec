#include "src/onnx/block_export.h"

#include "src/onnx/export_error.h"

namespace blockflow::onnx_export {

const InputBinding& BlockExport::binding(const std::string& port) const {
  for (const auto& input : node_.inputs)
    if (input.port == port) return input;
  fail("input '" + port + "' is not linked");
}

std::string BlockExport::producer_value(const InputBinding& input) const {
  const CompiledNode& producer = graph_.nodes[static_cast<std::size_t>(input.producer)];
  auto it = names_.find({producer.id, input.producer_port});
  if (it == names_.end()) fail("input '" + input.port + "' comes from a block that was not exported");
  return it->second;
}

bool BlockExport::has_input(const std::string& port) const {
  for (const auto& input : node_.inputs)
    if (input.port == port) return true;
  return false;
}

std::string BlockExport::input(const std::string& port) {
  const std::string value = producer_value(binding(port));
  builder_.use_value(value);
  return value;
}

const TensorInfo& BlockExport::input_info(const std::string& port) const {
  const InputBinding& input = binding(port);
  const CompiledNode& producer = graph_.nodes[static_cast<std::size_t>(input.producer)];
  return producer.outputs.at(input.producer_port);
}

const Tensor* BlockExport::input_constant(const std::string& port) const {
  return builder_.constant(producer_value(binding(port)));
}

const TensorInfo& BlockExport::output_info(const std::string& port) const {
  auto it = node_.outputs.find(port);
  if (it == node_.outputs.end()) fail("output '" + port + "' was not inferred");
  return it->second;
}

std::string BlockExport::output(const std::string& port) {
  const std::string value = output_value_name({node_.id, port});
  names_[{node_.id, port}] = value;
  return value;
}

void BlockExport::bind_output(const std::string& port, const std::string& value) {
  names_[{node_.id, port}] = value;
}

onnx::NodeProto& BlockExport::add_node(const std::string& op_type, const std::vector<std::string>& inputs,
                                       const std::vector<std::string>& outputs, DType output_dtype,
                                       const std::string& node_name) {
  std::string name = node_name;
  if (name.empty()) {
    const int count = ++helper_nodes_[op_type];
    name = helper(count == 1 ? op_type : op_type + std::to_string(count));
  }
  return builder_.add_node(origin_, op_type, name, inputs, outputs, output_dtype);
}

std::string BlockExport::add_initializer(const std::string& purpose, Tensor value) {
  const std::string name = helper(purpose);
  builder_.define_constant(name, std::move(value));
  builder_.use_value(name);
  return name;
}

void BlockExport::fail(const std::string& message) const { fail_block(origin_.id, origin_.type, message); }

void set_ints(onnx::NodeProto& node, const std::string& name, const std::vector<std::int64_t>& values) {
  auto* attribute = node.add_attribute();
  attribute->set_name(name);
  attribute->set_type(onnx::AttributeProto_AttributeType_INTS);
  for (std::int64_t value : values) attribute->add_ints(value);
}

void set_int(onnx::NodeProto& node, const std::string& name, std::int64_t value) {
  auto* attribute = node.add_attribute();
  attribute->set_name(name);
  attribute->set_type(onnx::AttributeProto_AttributeType_INT);
  attribute->set_i(value);
}

void set_float(onnx::NodeProto& node, const std::string& name, float value) {
  auto* attribute = node.add_attribute();
  attribute->set_name(name);
  attribute->set_type(onnx::AttributeProto_AttributeType_FLOAT);
  attribute->set_f(value);
}

void set_string(onnx::NodeProto& node, const std::string& name, const std::string& value) {
  auto* attribute = node.add_attribute();
  attribute->set_name(name);
  attribute->set_type(onnx::AttributeProto_AttributeType_STRING);
  attribute->set_s(value);
}

}  // namespace blockflow::onnx_export
