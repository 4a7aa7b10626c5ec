#include "src/onnx/onnx_types.h"

#include <cstring>

#include <onnx/defs/data_type_utils.h>

namespace blockflow::onnx_export {

onnx::TensorProto_DataType onnx_element_type(DType dtype) {
  switch (dtype) {
    case DType::Float16: return onnx::TensorProto_DataType_FLOAT16;
    case DType::BFloat16: return onnx::TensorProto_DataType_BFLOAT16;
    case DType::Float32: return onnx::TensorProto_DataType_FLOAT;
    case DType::Float64: return onnx::TensorProto_DataType_DOUBLE;
    case DType::Int32: return onnx::TensorProto_DataType_INT32;
    case DType::Int64: return onnx::TensorProto_DataType_INT64;
    case DType::UInt8: return onnx::TensorProto_DataType_UINT8;
    case DType::Bool: return onnx::TensorProto_DataType_BOOL;
  }
  return onnx::TensorProto_DataType_UNDEFINED;
}

std::string onnx_type_string(DType dtype) {
  return "tensor(" + onnx::Utils::DataTypeUtils::ToDataTypeString(onnx_element_type(dtype)) + ")";
}

onnx::TensorProto tensor_proto(const std::string& name, const Tensor& tensor) {
  onnx::TensorProto proto;
  proto.set_name(name);
  proto.set_data_type(onnx_element_type(tensor.dtype()));
  for (std::int64_t dim : tensor.dims()) proto.add_dims(dim);
  // Blockflow buffers are little-endian in memory (x86-64, aarch64), as raw_data must be;
  // half and bfloat16 are their 16-bit patterns and bool one byte each, as ONNX expects.
  proto.set_raw_data(tensor.raw_data(), static_cast<std::size_t>(tensor.byte_size()));
  return proto;
}

Tensor int64_vector(const std::vector<std::int64_t>& values) {
  return Tensor::from_values<std::int64_t>({static_cast<std::int64_t>(values.size())}, values);
}

Tensor scalar_of(DType dtype, double value) {
  Tensor scalar(dtype, {});
  visit_dtype(dtype, [&](auto zero) {
    using T = decltype(zero);
    scalar.data<T>()[0] = static_cast<T>(value);
  });
  return scalar;
}

onnx::TypeProto tensor_type(const TensorInfo& info, const std::string& symbolic_prefix) {
  onnx::TypeProto type;
  auto* tensor = type.mutable_tensor_type();
  tensor->set_elem_type(onnx_element_type(info.dtype));
  auto* shape = tensor->mutable_shape();
  if (!info.shape.dims) return type;
  for (std::size_t i = 0; i < info.shape.dims->size(); ++i) {
    auto* dim = shape->add_dim();
    const std::int64_t size = (*info.shape.dims)[i];
    if (size >= 0) dim->set_dim_value(size);
    else if (!symbolic_prefix.empty()) dim->set_dim_param(symbolic_prefix + "_dim" + std::to_string(i));
  }
  return type;
}

Tensor permuted(const Tensor& tensor, const std::vector<std::int64_t>& perm) {
  const Dims& in_dims = tensor.dims();
  Dims out_dims, in_strides(in_dims.size(), 1), strides_by_out;
  for (std::size_t k = in_dims.size(); k-- > 1;) in_strides[k - 1] = in_strides[k] * in_dims[k];
  for (std::int64_t axis : perm) {
    out_dims.push_back(in_dims.at(static_cast<std::size_t>(axis)));
    strides_by_out.push_back(in_strides[static_cast<std::size_t>(axis)]);
  }
  Tensor result(tensor.dtype(), out_dims);
  const std::size_t size = dtype_size(tensor.dtype());
  const auto* from = static_cast<const unsigned char*>(tensor.raw_data());
  auto* to = static_cast<unsigned char*>(result.raw_data());
  for (std::int64_t i = 0; i < result.element_count(); ++i) {
    std::int64_t rest = i, source = 0;
    for (std::size_t k = out_dims.size(); k-- > 0;) {
      source += (rest % out_dims[k]) * strides_by_out[k];
      rest /= out_dims[k];
    }
    std::memcpy(to + static_cast<std::size_t>(i) * size, from + static_cast<std::size_t>(source) * size, size);
  }
  return result;
}

}  // namespace blockflow::onnx_export
