// Where tensors enter the graph: Placeholders become graph inputs, everything whose value is
// fixed before the page runs (Const, seeded random blocks) becomes an initializer.
#include "src/onnx/mapper_sets.h"

namespace blockflow::onnx_export {

namespace {

// Runs the block's own kernel, so the initializer holds exactly what `blockflow run` computes
// (a .npy file, a literal, the seeded generator's stream).
Tensor evaluate_source(const BlockExport& block) {
  const std::function<bool()> never_cancelled = [] { return false; };
  const ParallelFor serial = [](std::int64_t total, std::int64_t, const std::function<void(std::int64_t, std::int64_t)>& body) {
    body(0, total);
  };
  KernelContext context(block.values(), block.graph().env, {}, nullptr, serial, never_cancelled);
  try {
    block.node().spec->kernel(context);
  } catch (const Error& e) {
    block.fail(e.what());
  }
  return context.outputs().at("output");
}

void map_constant_source(BlockExport& block) {
  const std::string name = source_value_name(block.id());
  block.builder().define_constant(name, evaluate_source(block));
  block.bind_output("output", name);
}

void map_placeholder(BlockExport& block) {
  const TensorInfo& info = block.output_info("output");
  if (!info.shape.rank_known())
    block.fail("has no shape, and ONNX graph inputs need at least a rank: give it a shape such as -1,-1,-1,3");
  const std::string name = source_value_name(block.id());
  block.builder().add_input(name, info, block.id());
  block.bind_output("output", name);
}

bool seeded(const BlockExport& block) {
  return block.values().integer("seed") != 0 || block.values().integer("seed2") != 0;
}

// A fixed seed makes the tensor a constant of the page: it is exported as those exact values.
// Seed 0,0 means "new values every run", which ONNX's random operators (no seed) also give.
void map_random(BlockExport& block, const std::string& onnx_op) {
  if (seeded(block)) return map_constant_source(block);
  if (onnx_op.empty())
    block.fail("has no ONNX equivalent when unseeded (seed = seed2 = 0): ONNX has no truncated normal "
               "operator; give it a seed to export its values as a constant");
  const TensorInfo& info = block.output_info("output");
  if (info.dtype == DType::BFloat16)
    block.fail("ONNX " + onnx_op + " does not produce bfloat16; use float, double or half");
  auto& node = block.add_node(onnx_op, {}, {block.output("output")}, info.dtype, block.id());
  set_int(node, "dtype", onnx_element_type(info.dtype));
  set_ints(node, "shape", *info.shape.dims);
  // ONNX's defaults (low 0, high 1; mean 0, scale 1) are TensorFlow's: nothing else to set.
}

}  // namespace

void add_source_mappers(MapperTable& table) {
  table["Placeholder"] = map_placeholder;
  table["Const"] = map_constant_source;
  table["RandomUniform"] = [](BlockExport& block) { map_random(block, "RandomUniform"); };
  table["RandomStandardNormal"] = [](BlockExport& block) { map_random(block, "RandomNormal"); };
  table["TruncatedNormal"] = [](BlockExport& block) { map_random(block, ""); };
}

}  // namespace blockflow::onnx_export
