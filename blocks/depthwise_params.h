#pragma once
// The options of DepthwiseConv2dNative and its output geometry, checked with TensorFlow's rules
// and wording. Shared by shape inference and the kernel so both agree.
#include <array>
#include <cstdint>

#include "runtime/block_spec.h"

namespace blockflow {

enum class Padding { Same, Valid, Explicit };
enum class DataFormat { NHWC, NCHW };

struct DepthwiseParams {
  Padding padding = Padding::Valid;
  DataFormat data_format = DataFormat::NHWC;
  std::int64_t stride_h = 1, stride_w = 1;
  std::int64_t dilation_h = 1, dilation_w = 1;
  // Explicit padding of rows and columns (before, after); only used with Padding::Explicit.
  std::int64_t pad_top = 0, pad_bottom = 0, pad_left = 0, pad_right = 0;
};

// Reads strides, padding and attrs of the block; throws PortError with TensorFlow's wording.
DepthwiseParams read_depthwise_params(const BoundValues& values);

// Sizes in NHWC terms, whatever the data format.
struct DepthwiseGeometry {
  std::int64_t batch = 0, in_rows = 0, in_cols = 0, in_depth = 0;
  std::int64_t filter_rows = 0, filter_cols = 0, multiplier = 0;
  std::int64_t out_rows = 0, out_cols = 0;
  std::int64_t stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1;
  std::int64_t pad_top = 0, pad_left = 0;  // padding before; what falls after needs no number
  std::int64_t out_depth() const { return in_depth * multiplier; }
};

// One spatial dimension as TensorFlow's GetWindowedOutputSizeVerbose computes it. Throws
// PortError("input", "Computed output size would be negative: ...") for a negative size.
struct WindowedSize {
  std::int64_t output = 0;
  std::int64_t pad_before = 0;
  std::int64_t pad_after = 0;
};
WindowedSize windowed_output_size(std::int64_t input, std::int64_t filter, std::int64_t dilation,
                                  std::int64_t stride, Padding padding, std::int64_t explicit_before,
                                  std::int64_t explicit_after);

// Input dims in the data format, filter dims [KH, KW, C, M]. Dims may be -1 (unknown) during
// inference: the dependent output dims are then -1 too.
DepthwiseGeometry depthwise_geometry(const DepthwiseParams& params, const Dims& input, const Dims& filter);
// Output dims in the data format.
Dims depthwise_output_dims(const DepthwiseParams& params, const DepthwiseGeometry& geometry);

}  // namespace blockflow
