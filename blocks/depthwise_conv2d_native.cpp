// DepthwiseConv2dNative, as TensorFlow defines it, computing the true result also where
// TensorFlow's CPU kernel is narrower (NCHW, dilations, unequal strides).
#include "blocks/builtin_blocks.h"
#include "blocks/depthwise_kernel.h"
#include "blocks/port_builders.h"

namespace blockflow {

namespace {

void check_same_dtype(DType input, DType filter) {
  if (input != filter) {
    throw PortError("filter", "input and filter must have the same dtype: " + std::string(dtype_name(input)) +
                                  " vs " + std::string(dtype_name(filter)));
  }
}

void infer_depthwise(InferContext& context) {
  const DepthwiseParams params = read_depthwise_params(context.values());
  const TensorInfo& input = *context.input("input");
  const TensorInfo& filter = *context.input("filter");
  check_same_dtype(input.dtype, filter.dtype);
  const Dims input_dims = input.shape.dims.value_or(Dims(4, kUnknownDim));
  const Dims filter_dims = filter.shape.dims.value_or(Dims(4, kUnknownDim));
  const DepthwiseGeometry geometry = depthwise_geometry(params, input_dims, filter_dims);
  context.set_output("output", {input.dtype, PartialShape::of(depthwise_output_dims(params, geometry))});
}

void run_depthwise(KernelContext& context) {
  const DepthwiseParams params = read_depthwise_params(context.values());
  const Tensor& input = context.input("input");
  const Tensor& filter = context.input("filter");
  check_same_dtype(input.dtype(), filter.dtype());
  context.set_output("output", depthwise_conv2d(input, filter, params, &context));
}

std::vector<AttrSpec> depthwise_attrs() {
  return {
      {"data_format", AttrKind::Enum, {"NHWC", "NCHW"}, "NHWC",
       "layout of input and output: NHWC [batch, height, width, channels] or NCHW"},
      {"dilations", AttrKind::IntList, {}, "1,1,1,1",
       "dilation per input dimension, in data_format order; batch and depth must be 1"},
      {"explicit_paddings", AttrKind::IntList, {}, "",
       "with padding EXPLICIT: (before, after) per dimension in data_format order, 8 values"},
  };
}

}  // namespace

void register_depthwise_conv2d_native(BlockRegistry& registry) {
  using namespace ports;
  BlockSpec spec;
  spec.name = "DepthwiseConv2dNative";
  spec.category = "Convolution";
  spec.doc =
      "Depthwise 2-D convolution (TensorFlow's DepthwiseConv2dNative): each input channel k is "
      "convolved with its own filters filter[:, :, k, q], giving output channel k*M + q.";
  spec.ports = {
      tensor_in("input", kFloatTypes, "4-D input, [N,H,W,C] (NHWC) or [N,C,H,W] (NCHW)"),
      tensor_in("filter", kFloatTypes, "4-D filter [KH, KW, C, M]; M is the channel multiplier"),
      value_in("strides", PortKind::IntList, "1,1,1,1", "stride per input dimension, in data_format order"),
      enum_in("padding", {"SAME", "VALID", "EXPLICIT"}, "VALID",
              "SAME pads so output = ceil(in / stride), the odd pixel after; VALID does not pad"),
      attrs_in("attrs", depthwise_attrs(), "data_format_, dilations_, explicit_paddings_"),
      tensor_out("output", "[N, OH, OW, C*M] (NHWC) or [N, C*M, OH, OW] (NCHW)"),
      tensor_out("result_output", "the executed output tensor, to inspect or fetch", "output"),
  };
  spec.infer = infer_depthwise;
  spec.kernel = run_depthwise;
  registry.add(std::move(spec));
}

}  // namespace blockflow
