// The image operators: DepthwiseConv2dNative and Conv2D to Conv, MaxPool and AvgPool to
// MaxPool and AveragePool, FusedBatchNorm to BatchNormalization. ONNX's versions work on NCHW,
// so NHWC blocks are exported between two Transposes.
#include <optional>

#include "blocks/depthwise_params.h"
#include "src/onnx/mapper_sets.h"

namespace blockflow::onnx_export {

namespace {

constexpr std::int64_t kNhwcToNchw[] = {0, 3, 1, 2};
constexpr std::int64_t kNchwToNhwc[] = {0, 2, 3, 1};

bool is_nhwc(const BoundValues& values) { return values.attrs("attrs").text("data_format") != "NCHW"; }

// The block's NCHW input: the input itself, or a Transpose of it.
std::string nchw_input(BlockExport& block, const std::string& port, bool nhwc) {
  const std::string value = block.input(port);
  if (!nhwc) return value;
  const std::string transposed = block.helper(port + "_nchw");
  auto& node = block.add_node("Transpose", {value}, {transposed}, block.input_info(port).dtype);
  set_ints(node, "perm", {std::begin(kNhwcToNchw), std::end(kNhwcToNchw)});
  return transposed;
}

// Where the main node writes: the block's output, or an NCHW tensor transposed back to it.
std::string nchw_output_name(BlockExport& block, const std::string& port, bool nhwc) {
  return nhwc ? block.helper(port + "_nchw") : block.output(port);
}

void finish_nchw_output(BlockExport& block, const std::string& port, bool nhwc) {
  if (!nhwc) return;
  auto& node = block.add_node("Transpose", {block.helper(port + "_nchw")}, {block.output(port)},
                              block.output_info(port).dtype);
  set_ints(node, "perm", {std::begin(kNchwToNhwc), std::end(kNchwToNhwc)});
}

// A sliding window in ONNX's terms. Sizes may be -1 (unknown).
struct Window {
  std::int64_t rows = -1, cols = -1;  // input height and width
  std::int64_t kernel_h = -1, kernel_w = -1;
  std::int64_t stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1;
  Padding padding = Padding::Valid;
  std::int64_t pad_top = 0, pad_bottom = 0, pad_left = 0, pad_right = 0;  // EXPLICIT only
};

// (before, after) of one axis, split exactly as blockflow (TensorFlow) does, so asymmetric SAME
// padding is written as explicit numbers. Unknown when the split depends on a size not known
// before the page runs (SAME with stride > 1 on an unknown input size, or an unknown kernel).
std::optional<WindowedSize> axis_padding(const Window& w, std::int64_t input, std::int64_t kernel,
                                         std::int64_t dilation, std::int64_t stride, std::int64_t before,
                                         std::int64_t after) {
  if (w.padding != Padding::Same) return WindowedSize{0, before, after};
  if (kernel < 0) return std::nullopt;
  if (input < 0) {
    if (stride != 1) return std::nullopt;
    input = (kernel - 1) * dilation + 1;  // with stride 1 the split does not depend on the input size
  }
  return windowed_output_size(input, kernel, dilation, stride, Padding::Same, 0, 0);
}

void set_padding(onnx::NodeProto& node, const Window& w) {
  const auto rows = axis_padding(w, w.rows, w.kernel_h, w.dilation_h, w.stride_h, w.pad_top, w.pad_bottom);
  const auto cols = axis_padding(w, w.cols, w.kernel_w, w.dilation_w, w.stride_w, w.pad_left, w.pad_right);
  if (rows && cols) {
    set_ints(node, "pads", {rows->pad_before, cols->pad_before, rows->pad_after, cols->pad_after});
  } else {
    // ONNX's SAME_UPPER puts the odd pixel after, exactly like TensorFlow's SAME.
    set_string(node, "auto_pad", "SAME_UPPER");
  }
}

void set_window(onnx::NodeProto& node, const Window& w, bool with_dilations) {
  if (w.kernel_h >= 0 && w.kernel_w >= 0) set_ints(node, "kernel_shape", {w.kernel_h, w.kernel_w});
  set_ints(node, "strides", {w.stride_h, w.stride_w});
  if (with_dilations) set_ints(node, "dilations", {w.dilation_h, w.dilation_w});
  set_padding(node, w);
}

Window conv_window(const DepthwiseParams& p, std::int64_t rows, std::int64_t cols, std::int64_t kernel_h,
                   std::int64_t kernel_w) {
  Window w;
  w.rows = rows;
  w.cols = cols;
  w.kernel_h = kernel_h;
  w.kernel_w = kernel_w;
  w.stride_h = p.stride_h;
  w.stride_w = p.stride_w;
  w.dilation_h = p.dilation_h;
  w.dilation_w = p.dilation_w;
  w.padding = p.padding;
  w.pad_top = p.pad_top;
  w.pad_bottom = p.pad_bottom;
  w.pad_left = p.pad_left;
  w.pad_right = p.pad_right;
  return w;
}

Dims dims_or_unknown(const TensorInfo& info) { return info.shape.dims.value_or(Dims(4, kUnknownDim)); }

// ONNX Conv weights [O, I/group, KH, KW] from a TensorFlow filter [KH, KW, ...]: folded into an
// initializer when the filter is a constant, else computed by a Transpose (and a Reshape).
std::string conv_weights(BlockExport& block, const std::vector<std::int64_t>& perm,
                         const std::optional<std::vector<std::int64_t>>& oihw_reshape) {
  if (const Tensor* filter = block.input_constant("filter")) {
    Tensor weights = permuted(*filter, perm);
    if (oihw_reshape) {
      const Dims& d = weights.dims();  // [C, M, KH, KW]
      weights = weights.reshaped({d[0] * d[1], 1, d[2], d[3]});
    }
    return block.add_initializer("weights", std::move(weights));
  }
  const DType dtype = block.input_info("filter").dtype;
  const std::string transposed = block.helper(oihw_reshape ? "filter_cmhw" : "weights");
  auto& transpose = block.add_node("Transpose", {block.input("filter")}, {transposed}, dtype);
  set_ints(transpose, "perm", perm);
  if (!oihw_reshape) return transposed;
  const std::string shape = block.add_initializer("weights_shape", int64_vector(*oihw_reshape));
  block.add_node("Reshape", {transposed, shape}, {block.helper("weights")}, dtype);
  return block.helper("weights");
}

// DepthwiseConv2dNative is a grouped Conv with one group per input channel: filter
// [KH, KW, C, M] becomes weights [C*M, 1, KH, KW], so output channel k*M + q is channel k
// convolved with filter[:, :, k, q], as in TensorFlow.
void map_depthwise(BlockExport& block) {
  const DepthwiseParams p = read_depthwise_params(block.values());
  const DepthwiseGeometry g =
      depthwise_geometry(p, dims_or_unknown(block.input_info("input")), dims_or_unknown(block.input_info("filter")));
  if (g.in_depth < 0)
    block.fail("ONNX Conv needs the number of channels as its group count, but neither the input's nor the "
               "filter's channel dim is known; give the Placeholder a shape with the channels");
  const bool nhwc = p.data_format == DataFormat::NHWC;
  const DType dtype = block.input_info("input").dtype;
  // Reshape [C, M, KH, KW] to [C*M, 1, KH, KW]; 0 keeps KH and KW, which may be unknown.
  const std::string weights = conv_weights(block, {2, 3, 0, 1}, std::vector<std::int64_t>{-1, 1, 0, 0});
  const std::string input = nchw_input(block, "input", nhwc);
  auto& conv = block.add_node("Conv", {input, weights}, {nchw_output_name(block, "output", nhwc)}, dtype, block.id());
  set_int(conv, "group", g.in_depth);
  set_window(conv, conv_window(p, g.in_rows, g.in_cols, g.filter_rows, g.filter_cols), true);
  finish_nchw_output(block, "output", nhwc);
}

// Conv2D: filter [KH, KW, I/group, O] becomes weights [O, I/group, KH, KW].
void map_conv2d(BlockExport& block) {
  const DepthwiseParams p = read_depthwise_params(block.values());
  const bool nhwc = p.data_format == DataFormat::NHWC;
  const Dims input_dims = dims_or_unknown(block.input_info("input"));
  const Dims filter_dims = dims_or_unknown(block.input_info("filter"));
  const std::int64_t in_depth = input_dims[nhwc ? 3 : 1];
  if (in_depth < 0 || filter_dims[2] <= 0)
    block.fail("ONNX Conv needs the group count (input channels / filter depth), but the input's channel dim "
               "or the filter's depth is not known; give the Placeholder a shape with the channels");
  const DType dtype = block.input_info("input").dtype;
  const std::string weights = conv_weights(block, {3, 2, 0, 1}, std::nullopt);
  const std::string input = nchw_input(block, "input", nhwc);
  auto& conv = block.add_node("Conv", {input, weights}, {nchw_output_name(block, "output", nhwc)}, dtype, block.id());
  set_int(conv, "group", in_depth / filter_dims[2]);
  set_window(conv, conv_window(p, input_dims[nhwc ? 1 : 2], input_dims[nhwc ? 2 : 3], filter_dims[0], filter_dims[1]),
             true);
  finish_nchw_output(block, "output", nhwc);
}

// ksize / strides are 4 values in data_format order; compile_graph already checked them.
Window pool_window(const BlockExport& block, bool nhwc) {
  const IntList& ksize = block.values().int_list("ksize");
  const IntList& strides = block.values().int_list("strides");
  const Dims input = dims_or_unknown(block.input_info("input"));
  const std::size_t h = nhwc ? 1 : 2, w = nhwc ? 2 : 3;
  Window window;
  window.rows = input[h];
  window.cols = input[w];
  window.kernel_h = ksize[h];
  window.kernel_w = ksize[w];
  window.stride_h = strides[h];
  window.stride_w = strides[w];
  window.padding = block.values().text("padding") == "SAME" ? Padding::Same : Padding::Valid;
  return window;
}

// Padded positions never take part, in TensorFlow and here: MaxPool ignores them in ONNX too,
// and AveragePool leaves them out of the count with count_include_pad = 0.
void map_pool(BlockExport& block, const std::string& onnx_op) {
  const bool nhwc = is_nhwc(block.values());
  const DType dtype = block.input_info("input").dtype;
  const std::string input = nchw_input(block, "input", nhwc);
  auto& pool = block.add_node(onnx_op, {input}, {nchw_output_name(block, "output", nhwc)}, dtype, block.id());
  set_window(pool, pool_window(block, nhwc), false);
  if (onnx_op == "AveragePool") set_int(pool, "count_include_pad", 0);
  finish_nchw_output(block, "output", nhwc);
}

// Inference batch norm; the batch_mean / batch_variance outputs pass mean and variance through.
void map_batch_norm(BlockExport& block) {
  const bool nhwc = is_nhwc(block.values());
  const DType dtype = block.input_info("x").dtype;
  std::vector<std::string> inputs = {nchw_input(block, "x", nhwc)};
  for (const char* port : {"scale", "offset", "mean", "variance"}) inputs.push_back(block.input(port));
  auto& norm = block.add_node("BatchNormalization", inputs, {nchw_output_name(block, "y", nhwc)}, dtype, block.id());
  set_float(norm, "epsilon", static_cast<float>(block.values().attrs("attrs").real("epsilon")));
  finish_nchw_output(block, "y", nhwc);
  block.bind_output("batch_mean", inputs[3]);
  block.bind_output("batch_variance", inputs[4]);
}

}  // namespace

void add_convolution_mappers(MapperTable& table) {
  table["DepthwiseConv2dNative"] = map_depthwise;
  table["Conv2D"] = map_conv2d;
  table["MaxPool"] = [](BlockExport& block) { map_pool(block, "MaxPool"); };
  table["AvgPool"] = [](BlockExport& block) { map_pool(block, "AveragePool"); };
  table["FusedBatchNorm"] = map_batch_norm;
}

}  // namespace blockflow::onnx_export
