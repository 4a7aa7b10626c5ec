#pragma once
// Small pieces shared by the toolkit blocks: dtype dispatch over the floating types, dtype
// agreement checks and access to inferred input dims that may be unknown.
#include <optional>
#include <string>
#include <type_traits>

#include "runtime/block_spec.h"

namespace blockflow {

template <typename T>
inline constexpr bool kIsFloatElement =
    std::is_floating_point_v<T> || std::is_same_v<T, Eigen::half> ||
    std::is_same_v<T, Eigen::bfloat16>;

// Accumulator for sums of T: half and bfloat16 sum in float, as TensorFlow's CPU kernels do.
template <typename T>
using Accumulator = std::conditional_t<std::is_same_v<T, double>, double, float>;

// Calls fn(T{}) for the four floating dtypes; throws for any other (ports already restrict it).
template <typename Fn>
void visit_float_dtype(DType dtype, Fn&& fn) {
  visit_dtype(dtype, [&](auto zero) {
    using T = decltype(zero);
    if constexpr (kIsFloatElement<T>) {
      fn(zero);
    } else {
      throw Error("unsupported dtype " + std::string(dtype_name(dtype)));
    }
  });
}

// Throws PortError(port, ...) when two tensors that must share a dtype do not, in TF's words.
inline void check_same_dtype(const std::string& port, const std::string& what, DType expected,
                             DType actual) {
  if (expected != actual) {
    throw PortError(port, what + " must have the same dtype: " + std::string(dtype_name(expected)) +
                              " vs " + std::string(dtype_name(actual)));
  }
}

// The inferred dims of a linked input; when its rank is unknown, `rank` unknown dims, so the
// block's own rank checks see what the port expects and all sizes stay unknown.
inline Dims dims_or_unknown(const InferContext& context, const std::string& port, int rank) {
  const TensorInfo* info = context.input(port);
  if (info && info->shape.rank_known()) return *info->shape.dims;
  return Dims(static_cast<std::size_t>(rank), kUnknownDim);
}

// Row-major strides of dims.
inline Dims row_major_strides(const Dims& dims) {
  Dims strides(dims.size(), 1);
  for (int i = static_cast<int>(dims.size()) - 2; i >= 0; --i)
    strides[static_cast<std::size_t>(i)] =
        strides[static_cast<std::size_t>(i) + 1] * dims[static_cast<std::size_t>(i) + 1];
  return strides;
}

}  // namespace blockflow
