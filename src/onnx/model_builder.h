#pragma once
// Collects the nodes, initializers, inputs and outputs of the exported graph and turns them into
// an onnx::ModelProto. Every node remembers the block it came from, so that a node the target
// opset cannot express is reported against that block.
#include <map>
#include <set>
#include <string>
#include <vector>

#include <onnx/onnx_pb.h>

#include "runtime/block_spec.h"
#include "runtime/tensor.h"

namespace blockflow::onnx_export {

struct BlockOrigin {
  std::string id;
  std::string type;
};

class ModelBuilder {
 public:
  explicit ModelBuilder(int opset) : opset_(opset) {}
  int opset() const { return opset_; }

  // Adds a node whose outputs all have `output_dtype`; attributes go on the returned node.
  // The reference stays valid until the next add_node.
  onnx::NodeProto& add_node(const BlockOrigin& origin, const std::string& op_type, const std::string& node_name,
                            const std::vector<std::string>& inputs, const std::vector<std::string>& outputs,
                            DType output_dtype);

  // A constant value, written as an initializer only once something uses it (use_value), so a
  // Const that is only ever folded into another initializer does not appear twice.
  void define_constant(const std::string& name, Tensor value);
  const Tensor* constant(const std::string& name) const;
  // Marks a value as read by a node or an output; materializes a pending constant.
  void use_value(const std::string& name);

  void add_input(const std::string& name, const TensorInfo& info, const std::string& symbolic_prefix);
  void add_output(const std::string& name, const TensorInfo& info);
  void set_dtype(const std::string& value, DType dtype) { dtypes_[value] = dtype; }
  const DType* dtype_of(const std::string& value) const;

  // Checks every node against the ONNX operator schema of the target opset (attributes, input
  // counts, element types) and returns the model. Throws ExportError naming the block.
  onnx::ModelProto build(const std::string& graph_name, const std::string& doc) const;

 private:
  void verify_node(const onnx::NodeProto& node, const BlockOrigin& origin) const;

  int opset_;
  onnx::GraphProto graph_;
  std::vector<BlockOrigin> origins_;  // parallel to graph_.node()
  std::map<std::string, Tensor> constants_;
  std::set<std::string> written_constants_;
  std::map<std::string, DType> dtypes_;
};

}  // namespace blockflow::onnx_export
