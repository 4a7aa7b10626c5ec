#pragma once
// The DepthwiseConv2dNative computation: output[n, oh, ow, c*M + q] = sum over taps of
// input[n, oh*sh - pad_top + kh*dh, ow*sw - pad_left + kw*dw, c] * filter[kh, kw, c, q],
// taps outside the image skipped. Half and bfloat16 accumulate in float.
#include "blocks/depthwise_params.h"
#include "runtime/block_spec.h"

namespace blockflow {

// input in params.data_format layout, filter [KH, KW, C, M]; returns the output tensor.
Tensor depthwise_conv2d(const Tensor& input, const Tensor& filter, const DepthwiseParams& params,
                        const KernelContext* context);

}  // namespace blockflow
