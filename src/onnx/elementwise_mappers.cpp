// Element-wise math and the array blocks, each to the ONNX operator of the same meaning.
#include <algorithm>

#include "src/onnx/mapper_sets.h"

namespace blockflow::onnx_export {

namespace {

// A block computed by one ONNX node from its inputs in order.
BlockMapper one_node(std::string onnx_op, std::vector<std::string> in_ports, std::string out_port) {
  return [onnx_op, in_ports, out_port](BlockExport& block) {
    std::vector<std::string> inputs;
    for (const auto& port : in_ports) inputs.push_back(block.input(port));
    block.add_node(onnx_op, inputs, {block.output(out_port)}, block.output_info(out_port).dtype, block.id());
  };
}

void map_cast(BlockExport& block) {
  const DType to = block.values().dtype("DstT");
  auto& node = block.add_node("Cast", {block.input("x")}, {block.output("y")}, to, block.id());
  set_int(node, "to", onnx_element_type(to));
}

// Relu6 is Clip(x, 0, 6); the bounds are scalar initializers of x's dtype.
void map_relu6(BlockExport& block) {
  const DType dtype = block.input_info("features").dtype;
  const std::string features = block.input("features");
  const std::string low = block.add_initializer("min", scalar_of(dtype, 0));
  const std::string high = block.add_initializer("max", scalar_of(dtype, 6));
  block.add_node("Clip", {features, low, high}, {block.output("activations")}, dtype, block.id());
}

void map_square(BlockExport& block) {
  const std::string x = block.input("x");
  block.add_node("Mul", {x, x}, {block.output("y")}, block.output_info("y").dtype, block.id());
}

// BiasAdd adds along the last dim (NHWC), which ONNX's broadcasting already does, or along dim 1
// (NCHW), for which the bias is reshaped to [C, 1, ..., 1].
void map_bias_add(BlockExport& block) {
  const TensorInfo& value = block.input_info("value");
  const bool nchw = block.values().attrs("attrs").text("data_format") == "NCHW";
  std::string bias;
  if (nchw) {
    if (!value.shape.rank_known()) block.fail("NCHW needs the rank of value to be known to line the bias up");
    std::vector<std::int64_t> shape(static_cast<std::size_t>(value.shape.rank() - 1), 1);
    shape[0] = -1;
    if (const Tensor* constant = block.input_constant("bias")) {
      Dims dims(shape.begin(), shape.end());
      dims[0] = constant->dim(0);
      bias = block.add_initializer("bias_c11", constant->reshaped(dims));
    } else {
      const std::string target = block.add_initializer("bias_shape", int64_vector(shape));
      bias = block.helper("bias_c11");
      block.add_node("Reshape", {block.input("bias"), target}, {bias}, block.input_info("bias").dtype);
    }
  } else {
    bias = block.input("bias");
  }
  const std::string input = block.input("value");
  block.add_node("Add", {input, bias}, {block.output("output")}, value.dtype, block.id());
}

// The shape value as ONNX Reshape's shape operand. A 0 in it means "size 0" in blockflow but
// "copy this dim" in ONNX unless allowzero = 1, which exists from opset 14.
void map_reshape(BlockExport& block) {
  const IntList& requested = block.values().int_list("shape");
  const bool has_zero = std::find(requested.begin(), requested.end(), 0) != requested.end();
  if (has_zero && block.opset() < 14)
    block.fail("a 0 in the shape needs ONNX Reshape's allowzero, which exists from opset 14: use --opset 14");
  const std::string tensor = block.input("tensor");
  const std::string shape = block.add_initializer("shape", int64_vector(requested));
  auto& node = block.add_node("Reshape", {tensor, shape}, {block.output("output")},
                              block.output_info("output").dtype, block.id());
  if (has_zero) set_int(node, "allowzero", 1);
}

void map_transpose(BlockExport& block) {
  auto& node = block.add_node("Transpose", {block.input("x")}, {block.output("y")}, block.output_info("y").dtype,
                              block.id());
  set_ints(node, "perm", block.values().int_list("perm"));
}

}  // namespace

void add_elementwise_mappers(MapperTable& table) {
  table["Identity"] = one_node("Identity", {"input"}, "output");
  table["Cast"] = map_cast;
  table["Relu"] = one_node("Relu", {"features"}, "activations");
  table["Relu6"] = map_relu6;
  table["Abs"] = one_node("Abs", {"x"}, "y");
  table["Square"] = map_square;
  table["Sqrt"] = one_node("Sqrt", {"x"}, "y");
  table["Add"] = one_node("Add", {"x", "y"}, "z");
  table["Mul"] = one_node("Mul", {"x", "y"}, "z");
  table["BiasAdd"] = map_bias_add;
  table["Reshape"] = map_reshape;
  table["Transpose"] = map_transpose;
}

}  // namespace blockflow::onnx_export
