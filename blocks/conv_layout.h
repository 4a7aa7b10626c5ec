#pragma once
// Addressing of 4-D image tensors in either data format, so the convolution-family kernels run
// on NHWC and NCHW alike without transposing.
#include <cstdint>
#include <vector>

#include "blocks/depthwise_params.h"
#include "runtime/port.h"

namespace blockflow {

// Flat-index strides of the N, H, W and C dimensions of a tensor of NHWC sizes in `format`.
struct ImageLayout {
  std::int64_t n = 0, h = 0, w = 0, c = 0;

  static ImageLayout of(DataFormat format, std::int64_t rows, std::int64_t cols,
                        std::int64_t depth) {
    if (format == DataFormat::NHWC) return {rows * cols * depth, cols * depth, depth, 1};
    return {depth * rows * cols, cols, 1, rows * cols};
  }
  std::int64_t at(std::int64_t b, std::int64_t y, std::int64_t x, std::int64_t ch) const {
    return b * n + y * h + x * w + ch * c;
  }
};

// Dims in the data format from NHWC sizes.
inline Dims image_dims(DataFormat format, std::int64_t batch, std::int64_t rows, std::int64_t cols,
                       std::int64_t depth) {
  if (format == DataFormat::NHWC) return {batch, rows, cols, depth};
  return {batch, depth, rows, cols};
}

// The strides / padding / attrs ports of the convolution family, as DepthwiseConv2dNative has them.
std::vector<AttrSpec> conv_attr_specs();
std::vector<PortSpec> conv_option_ports();

}  // namespace blockflow
