// DepthwiseConv2dNativeBackpropInput and ...BackpropFilter: the gradients of
// DepthwiseConv2dNative with respect to its input and its filter, with TensorFlow's checks and
// messages. Both follow the forward block's geometry (depthwise_params.h) tap for tap, so they
// are exact adjoints of it for every padding, stride, dilation and data format.
#include <algorithm>
#include <vector>

#include "blocks/builtin_blocks.h"
#include "blocks/conv_layout.h"
#include "blocks/op_util.h"
#include "blocks/port_builders.h"

namespace blockflow {

namespace {

constexpr const char* kInputLabel = "DepthwiseConv2DBackpropInput";
constexpr const char* kFilterLabel = "DepthwiseConv2DBackpropFilter";

bool known(std::int64_t a, std::int64_t b) {
  return a >= 0 && b >= 0;
}

// Checks the rank of a sizes tensor (input_sizes / filter_sizes) as TF's shape function does.
void check_sizes_rank(const std::string& port, const std::string& conv_label,
                      const PartialShape& shape) {
  if (shape.rank_known() && shape.rank() != 1) {
    throw PortError(port, conv_label + ": " + port + " input must be 1-dim, not " +
                              std::to_string(shape.rank()));
  }
  if (shape.rank_known() && (*shape.dims)[0] >= 0 && (*shape.dims)[0] != 4) {
    throw PortError(port, conv_label + ": " + port + " must contain 4 values, not " +
                              std::to_string((*shape.dims)[0]));
  }
}

Dims read_sizes(const Tensor& sizes, const std::string& port, const std::string& conv_label) {
  check_sizes_rank(port, conv_label, PartialShape::of(sizes.dims()));
  const auto values = sizes.values<std::int32_t>();
  const Dims dims(values.begin(), values.end());
  if (std::any_of(dims.begin(), dims.end(), [](std::int64_t d) { return d < 0; }))
    throw PortError(port, conv_label + ": " + port + " must be nonnegative, got [" +
                              int_list_to_text(dims) + "]");
  return dims;
}

void check_rank4(const std::string& label, const std::string& port, const std::string& what,
                 const Dims& dims) {
  if (dims.size() != 4)
    throw PortError(port, label + ": " + what + " must be 4-dimensional, but got shape " +
                              dims_to_string(dims));
}

// Channel, rows and cols of out_backprop in NHWC terms.
struct OutDims {
  std::int64_t batch, rows, cols, depth;
};
OutDims out_dims_of(const DepthwiseParams& p, const Dims& out) {
  if (p.data_format == DataFormat::NHWC) return {out[0], out[1], out[2], out[3]};
  return {out[0], out[2], out[3], out[1]};
}

void check_spatial(const std::string& label, const char* what, std::int64_t actual,
                   std::int64_t computed) {
  if (known(actual, computed) && actual != computed) {
    throw PortError("out_backprop", label + ": Number of " + what +
                                        " of out_backprop doesn't match computed: actual = " +
                                        std::to_string(actual) +
                                        ", computed = " + std::to_string(computed));
  }
}

// TF's ConvBackpropComputeDimensions for the depthwise case. Dims may be unknown (-1) during
// inference; `sizes_port` names the port the input or filter shape came from.
DepthwiseGeometry backprop_geometry(const std::string& label, const DepthwiseParams& p,
                                    const Dims& input, const Dims& filter, const Dims& out,
                                    const std::string& input_port, const std::string& filter_port) {
  check_rank4(label, input_port, "input", input);
  check_rank4(label, filter_port, "filter", filter);
  check_rank4(label, "out_backprop", "out_backprop", out);
  const std::int64_t in_depth = p.data_format == DataFormat::NHWC ? input[3] : input[1];
  if (known(in_depth, filter[2]) && in_depth != filter[2])
    throw PortError(filter_port, label + ": input and filter must have the same in_depth");
  const OutDims o = out_dims_of(p, out);
  if (known(in_depth, filter[3]) && o.depth >= 0 && in_depth * filter[3] != o.depth)
    throw PortError("out_backprop", label + ": depth_multiplier * in_depth not equal to out_depth");
  if (known(input[0], o.batch) && input[0] != o.batch)
    throw PortError(
        "out_backprop",
        label + ": input and out_backprop must have the same batch size, input batch: " +
            std::to_string(input[0]) + " outbackprop batch: " + std::to_string(o.batch));
  DepthwiseGeometry g;
  try {
    g = depthwise_geometry(p, input, filter);
  } catch (const PortError& e) {
    throw PortError(e.port() == "input"    ? input_port
                    : e.port() == "filter" ? filter_port
                                           : e.port(),
                    e.what());
  }
  check_spatial(label, "rows", o.rows, g.out_rows);
  check_spatial(label, "columns", o.cols, g.out_cols);
  return g;
}

// The output position a tap reads input position `in` from, along one dimension: the forward
// block reads in = out * stride - pad + k * dilation. Returns -1 when no output position does.
std::int64_t output_for_tap(std::int64_t in, std::int64_t k, std::int64_t stride,
                            std::int64_t dilation, std::int64_t pad, std::int64_t out_size) {
  const std::int64_t scaled = in + pad - k * dilation;
  if (scaled < 0 || scaled % stride != 0 || scaled / stride >= out_size) return -1;
  return scaled / stride;
}

// dx[b, iy, ix, c] = sum over taps (ky, kx) that read (iy, ix) and multipliers q of
// dy[b, oy, ox, c*M + q] * f[ky, kx, c, q]: a gather, so each input row is one independent chunk.
template <typename T>
void backprop_input_rows(const T* f, const T* dy, T* dx, const DepthwiseParams& p,
                         const DepthwiseGeometry& g, std::int64_t row_begin, std::int64_t row_end) {
  using Acc = Accumulator<T>;
  const ImageLayout in_at = ImageLayout::of(p.data_format, g.in_rows, g.in_cols, g.in_depth);
  const ImageLayout out_at = ImageLayout::of(p.data_format, g.out_rows, g.out_cols, g.out_depth());
  std::vector<Acc> sums(static_cast<std::size_t>(g.in_depth));
  for (std::int64_t row = row_begin; row < row_end; ++row) {
    const std::int64_t b = row / g.in_rows, iy = row % g.in_rows;
    for (std::int64_t ix = 0; ix < g.in_cols; ++ix) {
      std::fill(sums.begin(), sums.end(), Acc(0));
      for (std::int64_t ky = 0; ky < g.filter_rows; ++ky) {
        const std::int64_t oy =
            output_for_tap(iy, ky, g.stride_h, g.dilation_h, g.pad_top, g.out_rows);
        if (oy < 0) continue;
        for (std::int64_t kx = 0; kx < g.filter_cols; ++kx) {
          const std::int64_t ox =
              output_for_tap(ix, kx, g.stride_w, g.dilation_w, g.pad_left, g.out_cols);
          if (ox < 0) continue;
          const T* taps = f + (ky * g.filter_cols + kx) * g.out_depth();
          const T* grads = dy + out_at.at(b, oy, ox, 0);  // channel k at grads[k * out_at.c]
          for (std::int64_t c = 0; c < g.in_depth; ++c)
            for (std::int64_t q = 0; q < g.multiplier; ++q) {
              const std::int64_t k = c * g.multiplier + q;
              sums[static_cast<std::size_t>(c)] +=
                  static_cast<Acc>(grads[k * out_at.c]) * static_cast<Acc>(taps[k]);
            }
        }
      }
      for (std::int64_t c = 0; c < g.in_depth; ++c)
        dx[in_at.at(b, iy, ix, c)] = static_cast<T>(sums[static_cast<std::size_t>(c)]);
    }
  }
}

// df[ky, kx, c, q] = sum over images and output positions of
// x[b, iy, ix, c] * dy[b, oy, ox, c*M + q], (iy, ix) being where the tap reads; each tap is one
// independent chunk.
template <typename T>
void backprop_filter_taps(const T* x, const T* dy, T* df, const DepthwiseParams& p,
                          const DepthwiseGeometry& g, std::int64_t tap_begin,
                          std::int64_t tap_end) {
  using Acc = Accumulator<T>;
  const ImageLayout in_at = ImageLayout::of(p.data_format, g.in_rows, g.in_cols, g.in_depth);
  const ImageLayout out_at = ImageLayout::of(p.data_format, g.out_rows, g.out_cols, g.out_depth());
  std::vector<Acc> sums(static_cast<std::size_t>(g.out_depth()));
  for (std::int64_t tap = tap_begin; tap < tap_end; ++tap) {
    const std::int64_t ky = tap / g.filter_cols, kx = tap % g.filter_cols;
    std::fill(sums.begin(), sums.end(), Acc(0));
    for (std::int64_t b = 0; b < g.batch; ++b)
      for (std::int64_t oy = 0; oy < g.out_rows; ++oy) {
        const std::int64_t iy = oy * g.stride_h - g.pad_top + ky * g.dilation_h;
        if (iy < 0 || iy >= g.in_rows) continue;
        for (std::int64_t ox = 0; ox < g.out_cols; ++ox) {
          const std::int64_t ix = ox * g.stride_w - g.pad_left + kx * g.dilation_w;
          if (ix < 0 || ix >= g.in_cols) continue;
          const T* pixel = x + in_at.at(b, iy, ix, 0);    // channel c at pixel[c * in_at.c]
          const T* grads = dy + out_at.at(b, oy, ox, 0);  // channel k at grads[k * out_at.c]
          for (std::int64_t c = 0; c < g.in_depth; ++c) {
            const Acc v = static_cast<Acc>(pixel[c * in_at.c]);
            for (std::int64_t q = 0; q < g.multiplier; ++q) {
              const std::int64_t k = c * g.multiplier + q;
              sums[static_cast<std::size_t>(k)] += v * static_cast<Acc>(grads[k * out_at.c]);
            }
          }
        }
      }
    T* taps = df + tap * g.out_depth();
    for (std::int64_t k = 0; k < g.out_depth(); ++k)
      taps[k] = static_cast<T>(sums[static_cast<std::size_t>(k)]);
  }
}

Tensor backprop_input(const Dims& input_dims, const Tensor& filter, const Tensor& out_backprop,
                      const DepthwiseParams& p, const KernelContext& context) {
  const DepthwiseGeometry g = backprop_geometry(kInputLabel, p, input_dims, filter.dims(),
                                                out_backprop.dims(), "input_sizes", "filter");
  Tensor output(out_backprop.dtype(), input_dims);
  if (output.element_count() == 0) return output;
  visit_float_dtype(output.dtype(), [&](auto zero) {
    using T = decltype(zero);
    context.parallel_for(g.batch * g.in_rows, 1, [&](std::int64_t begin, std::int64_t end) {
      context.check_cancelled();
      backprop_input_rows(filter.data<T>(), out_backprop.data<T>(), output.data<T>(), p, g, begin,
                          end);
    });
  });
  return output;
}

Tensor backprop_filter(const Tensor& input, const Dims& filter_dims, const Tensor& out_backprop,
                       const DepthwiseParams& p, const KernelContext& context) {
  const DepthwiseGeometry g = backprop_geometry(kFilterLabel, p, input.dims(), filter_dims,
                                                out_backprop.dims(), "input", "filter_sizes");
  Tensor output(out_backprop.dtype(), filter_dims);
  if (output.element_count() == 0) return output;
  visit_float_dtype(output.dtype(), [&](auto zero) {
    using T = decltype(zero);
    context.parallel_for(g.filter_rows * g.filter_cols, 1,
                         [&](std::int64_t begin, std::int64_t end) {
                           context.check_cancelled();
                           backprop_filter_taps(input.data<T>(), out_backprop.data<T>(),
                                                output.data<T>(), p, g, begin, end);
                         });
  });
  return output;
}

// With the sizes known at validation (a Const), the output shape is known and every check runs
// before anything does; otherwise what the tensors say is checked and the sizes' dims stay unknown.
void infer_backprop_input(InferContext& context) {
  const DepthwiseParams p = read_depthwise_params(context.values());
  check_sizes_rank("input_sizes", "Conv2DBackpropInput", context.input("input_sizes")->shape);
  const TensorInfo& filter = *context.input("filter");
  const TensorInfo& out = *context.input("out_backprop");
  check_same_dtype("out_backprop", "filter and out_backprop", filter.dtype, out.dtype);
  const Dims f = dims_or_unknown(context, "filter", 4);
  const Dims o = dims_or_unknown(context, "out_backprop", 4);
  check_rank4(kInputLabel, "filter", "filter", f);
  check_rank4(kInputLabel, "out_backprop", "out_backprop", o);
  Dims input = image_dims(p.data_format, out_dims_of(p, o).batch, kUnknownDim, kUnknownDim, f[2]);
  if (const Tensor* sizes = context.constant("input_sizes"))
    input = read_sizes(*sizes, "input_sizes", "Conv2DBackpropInput");
  backprop_geometry(kInputLabel, p, input, f, o, "input_sizes", "filter");
  context.set_output("output", {out.dtype, PartialShape::of(input)});
}

void infer_backprop_filter(InferContext& context) {
  const DepthwiseParams p = read_depthwise_params(context.values());
  check_sizes_rank("filter_sizes", "Conv2DBackpropFilter", context.input("filter_sizes")->shape);
  const TensorInfo& input = *context.input("input");
  const TensorInfo& out = *context.input("out_backprop");
  check_same_dtype("out_backprop", "input and out_backprop", input.dtype, out.dtype);
  const Dims x = dims_or_unknown(context, "input", 4);
  const Dims o = dims_or_unknown(context, "out_backprop", 4);
  check_rank4(kFilterLabel, "input", "input", x);
  check_rank4(kFilterLabel, "out_backprop", "out_backprop", o);
  const std::int64_t in_depth = p.data_format == DataFormat::NHWC ? x[3] : x[1];
  const std::int64_t out_depth = out_dims_of(p, o).depth;
  const std::int64_t multiplier =
      known(in_depth, out_depth) && in_depth > 0 ? out_depth / in_depth : kUnknownDim;
  Dims filter = {kUnknownDim, kUnknownDim, in_depth, multiplier};
  if (const Tensor* sizes = context.constant("filter_sizes"))
    filter = read_sizes(*sizes, "filter_sizes", "Conv2DBackpropFilter");
  backprop_geometry(kFilterLabel, p, x, filter, o, "input", "filter_sizes");
  context.set_output("output", {input.dtype, PartialShape::of(filter)});
}

BlockSpec backprop_spec(std::string name, std::string doc) {
  BlockSpec spec;
  spec.name = std::move(name);
  spec.category = "Convolution";
  spec.doc = std::move(doc);
  return spec;
}

void add_options(BlockSpec& spec, std::string output_doc) {
  for (auto& port : conv_option_ports()) spec.ports.push_back(std::move(port));
  spec.ports.push_back(ports::tensor_out("output", std::move(output_doc)));
}

}  // namespace

void register_depthwise_backprop(BlockRegistry& registry) {
  using namespace ports;
  BlockSpec input = backprop_spec(
      "DepthwiseConv2dNativeBackpropInput",
      "Gradient of DepthwiseConv2dNative with respect to its input: out_backprop correlated back "
      "through the filter, tap for tap as the forward block reads the input.");
  input.ports = {
      tensor_in("input_sizes", {DType::Int32},
                "int32 [4]: the shape of the forward input, in data_format order"),
      tensor_in("filter", kFloatTypes, "4-D filter [KH, KW, C, M] of the forward block"),
      tensor_in("out_backprop", kFloatTypes,
                "gradient of the forward output, [N, OH, OW, C*M] (NHWC) or NCHW"),
  };
  add_options(input,
              "the input gradient, shaped like input_sizes: [N,H,W,C] (NHWC) or [N,C,H,W] (NCHW)");
  input.infer = infer_backprop_input;
  input.kernel = [](KernelContext& context) {
    const Tensor& filter = context.input("filter");
    const Tensor& out = context.input("out_backprop");
    check_same_dtype("out_backprop", "filter and out_backprop", filter.dtype(), out.dtype());
    const Dims sizes =
        read_sizes(context.input("input_sizes"), "input_sizes", "Conv2DBackpropInput");
    context.set_output("output", backprop_input(sizes, filter, out,
                                                read_depthwise_params(context.values()), context));
  };
  registry.add(std::move(input));

  BlockSpec filter = backprop_spec(
      "DepthwiseConv2dNativeBackpropFilter",
      "Gradient of DepthwiseConv2dNative with respect to its filter: for each tap, the sum over "
      "images and output positions of input * out_backprop.");
  filter.ports = {
      tensor_in("input", kFloatTypes, "4-D forward input, [N,H,W,C] (NHWC) or [N,C,H,W] (NCHW)"),
      tensor_in("filter_sizes", {DType::Int32}, "int32 [4]: the filter shape [KH, KW, C, M]"),
      tensor_in("out_backprop", kFloatTypes,
                "gradient of the forward output, [N, OH, OW, C*M] (NHWC) or NCHW"),
  };
  add_options(filter, "the filter gradient [KH, KW, C, M]");
  filter.infer = infer_backprop_filter;
  filter.kernel = [](KernelContext& context) {
    const Tensor& x = context.input("input");
    const Tensor& out = context.input("out_backprop");
    check_same_dtype("out_backprop", "input and out_backprop", x.dtype(), out.dtype());
    const Dims sizes =
        read_sizes(context.input("filter_sizes"), "filter_sizes", "Conv2DBackpropFilter");
    context.set_output(
        "output", backprop_filter(x, sizes, out, read_depthwise_params(context.values()), context));
  };
  registry.add(std::move(filter));
}

}  // namespace blockflow
