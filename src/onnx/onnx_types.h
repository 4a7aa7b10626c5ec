#pragma once
// Blockflow dtypes and tensors as ONNX element types and TensorProtos.
#include <string>
#include <vector>

#include <onnx/onnx_pb.h>

#include "runtime/block_spec.h"
#include "runtime/tensor.h"

namespace blockflow::onnx_export {

// Every blockflow dtype has an ONNX element type, so this never fails.
onnx::TensorProto_DataType onnx_element_type(DType dtype);
// "tensor(float)", the spelling of ONNX's operator type constraints.
std::string onnx_type_string(DType dtype);

// The tensor's bytes as little-endian raw_data, which is how ONNX stores every element type.
onnx::TensorProto tensor_proto(const std::string& name, const Tensor& tensor);
// A rank-1 int64 tensor, for shape and axes operands.
Tensor int64_vector(const std::vector<std::int64_t>& values);
// A rank-0 tensor of `dtype` holding `value`, for operands like Clip's bounds.
Tensor scalar_of(DType dtype, double value);

// A tensor type for a graph input or output. Unknown dims get the symbolic name
// symbolic_prefix + "_dim" + index when a prefix is given, else stay unnamed.
onnx::TypeProto tensor_type(const TensorInfo& info, const std::string& symbolic_prefix);

// Dims permuted as Transpose does: result[i] = dims[perm[i]]; values moved along.
Tensor permuted(const Tensor& tensor, const std::vector<std::int64_t>& perm);

}  // namespace blockflow::onnx_export
