#pragma once
// What a block mapper sees of one block: its values, its inputs as ONNX value names (with the
// dtype, shape and, when known, the value blockflow inferred), and the builder to add nodes to.
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "runtime/compiled_graph.h"
#include "src/onnx/model_builder.h"
#include "src/onnx/naming.h"

namespace blockflow::onnx_export {

// ONNX value name of every block output exported so far, by storage port.
using ValueNames = std::map<PortRef, std::string>;

class BlockExport {
 public:
  BlockExport(ModelBuilder& builder, const CompiledGraph& graph, const CompiledNode& node, ValueNames& names)
      : builder_(builder), graph_(graph), node_(node), names_(names), origin_{node.id, node.spec->name} {}

  const std::string& id() const { return node_.id; }
  const CompiledNode& node() const { return node_; }
  const CompiledGraph& graph() const { return graph_; }
  const BoundValues& values() const { return node_.values; }
  int opset() const { return builder_.opset(); }
  ModelBuilder& builder() { return builder_; }

  bool has_input(const std::string& port) const;
  // The ONNX value feeding a linked input; reading it writes a pending constant's initializer.
  std::string input(const std::string& port);
  const TensorInfo& input_info(const std::string& port) const;
  // The input's value when it is known at export time (Const, seeded random), else nullptr.
  // Does not count as a use: a mapper that folds it into its own initializer keeps it out.
  const Tensor* input_constant(const std::string& port) const;

  const TensorInfo& output_info(const std::string& port) const;
  // "BLOCK.PORT", bound as that output's value; for the node that computes it.
  std::string output(const std::string& port);
  // Makes an existing value the block's output (pass-through ports, sources).
  void bind_output(const std::string& port, const std::string& value);
  // "BLOCK/PURPOSE", for tensors and nodes inside this block's mapping.
  std::string helper(const std::string& purpose) const { return helper_name(node_.id, purpose); }

  // Node names: the block's main node passes id(); helpers default to BLOCK/OP_TYPE (numbered
  // from the second one on).
  onnx::NodeProto& add_node(const std::string& op_type, const std::vector<std::string>& inputs,
                            const std::vector<std::string>& outputs, DType output_dtype,
                            const std::string& node_name = "");
  // An initializer named BLOCK/PURPOSE, returned by name and already marked as used.
  std::string add_initializer(const std::string& purpose, Tensor value);

  [[noreturn]] void fail(const std::string& message) const;

 private:
  const InputBinding& binding(const std::string& port) const;
  std::string producer_value(const InputBinding& binding) const;

  ModelBuilder& builder_;
  const CompiledGraph& graph_;
  const CompiledNode& node_;
  ValueNames& names_;
  BlockOrigin origin_;
  std::map<std::string, int> helper_nodes_;  // per op type, for unique helper node names
};

// Attribute helpers, so mappers read like the ONNX operator they build.
void set_ints(onnx::NodeProto& node, const std::string& name, const std::vector<std::int64_t>& values);
void set_int(onnx::NodeProto& node, const std::string& name, std::int64_t value);
void set_float(onnx::NodeProto& node, const std::string& name, float value);
void set_string(onnx::NodeProto& node, const std::string& name, const std::string& value);

using BlockMapper = std::function<void(BlockExport&)>;

// The mapper of every block type that has an ONNX equivalent, and the reason for those without.
const BlockMapper* find_block_mapper(const std::string& block_type);
// Why a block type cannot be exported ("" when it can or is unknown here).
std::string why_not_exportable(const std::string& block_type);

}  // namespace blockflow::onnx_export
