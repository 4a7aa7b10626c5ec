// Conv2D as TensorFlow defines it, including grouped convolution (filter depth dividing the input
// depth), NCHW, dilations and EXPLICIT padding, all computed exactly.
#include <vector>

#include "blocks/builtin_blocks.h"
#include "blocks/conv_layout.h"
#include "blocks/op_util.h"
#include "blocks/port_builders.h"

namespace blockflow {

namespace {

struct ConvGeometry {
  std::int64_t batch = 0, in_rows = 0, in_cols = 0, in_depth = 0;
  std::int64_t filter_rows = 0, filter_cols = 0, filter_depth = 0, out_depth = 0;
  std::int64_t out_rows = kUnknownDim, out_cols = kUnknownDim, pad_top = 0, pad_left = 0;
  std::int64_t groups() const { return in_depth / filter_depth; }
};

bool known(std::int64_t a, std::int64_t b) {
  return a >= 0 && b >= 0;
}

void check_depths(const ConvGeometry& g) {
  if (known(g.in_depth, g.filter_depth) &&
      (g.filter_depth == 0 || g.in_depth % g.filter_depth != 0)) {
    throw PortError("filter", "input depth must be evenly divisible by filter depth: " +
                                  std::to_string(g.in_depth) + " vs " +
                                  std::to_string(g.filter_depth));
  }
  if (known(g.in_depth, g.filter_depth) && g.out_depth >= 0 && g.out_depth % g.groups() != 0) {
    throw PortError("filter", "output depth must be evenly divisible by number of groups: " +
                                  std::to_string(g.out_depth) + " vs " +
                                  std::to_string(g.groups()));
  }
}

ConvGeometry conv_geometry(const DepthwiseParams& p, const Dims& input, const Dims& filter) {
  if (input.size() != 4)
    throw PortError("input", "input must be 4-dimensional, but got shape " + dims_to_string(input));
  if (filter.size() != 4)
    throw PortError("filter",
                    "filter must be 4-dimensional, but got shape " + dims_to_string(filter));
  const bool nhwc = p.data_format == DataFormat::NHWC;
  ConvGeometry g;
  g.batch = input[0];
  g.in_rows = input[nhwc ? 1 : 2];
  g.in_cols = input[nhwc ? 2 : 3];
  g.in_depth = input[nhwc ? 3 : 1];
  g.filter_rows = filter[0];
  g.filter_cols = filter[1];
  g.filter_depth = filter[2];
  g.out_depth = filter[3];
  check_depths(g);
  if (known(g.in_rows, g.filter_rows)) {
    const auto rows = windowed_output_size(g.in_rows, g.filter_rows, p.dilation_h, p.stride_h,
                                           p.padding, p.pad_top, p.pad_bottom);
    g.out_rows = rows.output;
    g.pad_top = rows.pad_before;
  }
  if (known(g.in_cols, g.filter_cols)) {
    const auto cols = windowed_output_size(g.in_cols, g.filter_cols, p.dilation_w, p.stride_w,
                                           p.padding, p.pad_left, p.pad_right);
    g.out_cols = cols.output;
    g.pad_left = cols.pad_before;
  }
  return g;
}

template <typename T>
void conv_rows(const T* in, const T* filter, T* out, const DepthwiseParams& p,
               const ConvGeometry& g, std::int64_t row_begin, std::int64_t row_end) {
  using Acc = Accumulator<T>;
  const ImageLayout in_at = ImageLayout::of(p.data_format, g.in_rows, g.in_cols, g.in_depth);
  const ImageLayout out_at = ImageLayout::of(p.data_format, g.out_rows, g.out_cols, g.out_depth);
  const std::int64_t out_per_group = g.out_depth / g.groups();
  std::vector<Acc> acc(static_cast<std::size_t>(g.out_depth));
  for (std::int64_t row = row_begin; row < row_end; ++row) {
    const std::int64_t b = row / g.out_rows, oy = row % g.out_rows;
    for (std::int64_t ox = 0; ox < g.out_cols; ++ox) {
      std::fill(acc.begin(), acc.end(), Acc(0));
      for (std::int64_t ky = 0; ky < g.filter_rows; ++ky) {
        const std::int64_t iy = oy * p.stride_h - g.pad_top + ky * p.dilation_h;
        if (iy < 0 || iy >= g.in_rows) continue;
        for (std::int64_t kx = 0; kx < g.filter_cols; ++kx) {
          const std::int64_t ix = ox * p.stride_w - g.pad_left + kx * p.dilation_w;
          if (ix < 0 || ix >= g.in_cols) continue;
          const T* taps = filter + (ky * g.filter_cols + kx) * g.filter_depth * g.out_depth;
          for (std::int64_t ic = 0; ic < g.in_depth; ++ic) {
            const Acc v = static_cast<Acc>(in[in_at.at(b, iy, ix, ic)]);
            const std::int64_t group = ic / g.filter_depth, fc = ic % g.filter_depth;
            const T* f = taps + fc * g.out_depth + group * out_per_group;
            Acc* a = acc.data() + group * out_per_group;
            for (std::int64_t q = 0; q < out_per_group; ++q) a[q] += v * static_cast<Acc>(f[q]);
          }
        }
      }
      for (std::int64_t oc = 0; oc < g.out_depth; ++oc)
        out[out_at.at(b, oy, ox, oc)] = static_cast<T>(acc[oc]);
    }
  }
}

Tensor conv2d(const Tensor& input, const Tensor& filter, const DepthwiseParams& p,
              const KernelContext& context) {
  const ConvGeometry g = conv_geometry(p, input.dims(), filter.dims());
  Tensor output(input.dtype(),
                image_dims(p.data_format, g.batch, g.out_rows, g.out_cols, g.out_depth));
  if (output.element_count() == 0) return output;
  visit_float_dtype(input.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const std::int64_t work_per_row =
        g.out_cols * g.filter_rows * g.filter_cols * g.in_depth * (g.out_depth / g.groups());
    context.parallel_for(
        g.batch * g.out_rows,
        std::max<std::int64_t>(1, (1 << 16) / std::max<std::int64_t>(1, work_per_row)),
        [&](std::int64_t begin, std::int64_t end) {
          context.check_cancelled();
          conv_rows(input.data<T>(), filter.data<T>(), output.data<T>(), p, g, begin, end);
        });
  });
  return output;
}

void infer_conv2d(InferContext& context) {
  const DepthwiseParams p = read_depthwise_params(context.values());
  const TensorInfo& input = *context.input("input");
  check_same_dtype("filter", "input and filter", input.dtype, context.input("filter")->dtype);
  const ConvGeometry g =
      conv_geometry(p, dims_or_unknown(context, "input", 4), dims_or_unknown(context, "filter", 4));
  context.set_output("output",
                     {input.dtype, PartialShape::of(image_dims(p.data_format, g.batch, g.out_rows,
                                                               g.out_cols, g.out_depth))});
}

}  // namespace

void register_conv2d(BlockRegistry& registry) {
  using namespace ports;
  BlockSpec spec;
  spec.name = "Conv2D";
  spec.category = "Convolution";
  spec.doc =
      "2-D convolution (TensorFlow's Conv2D): output[n, y, x, o] sums input * filter[:, :, :, o] "
      "over "
      "the window and the input channels of o's group; filter depth may divide the input depth "
      "(grouped convolution).";
  spec.ports = {
      tensor_in("input", kFloatTypes, "4-D input, [N,H,W,C] (NHWC) or [N,C,H,W] (NCHW)"),
      tensor_in("filter", kFloatTypes, "4-D filter [KH, KW, C / groups, O]"),
  };
  for (auto& port : conv_option_ports()) spec.ports.push_back(std::move(port));
  spec.ports.push_back(tensor_out("output", "[N, OH, OW, O] (NHWC) or [N, O, OH, OW] (NCHW)"));
  spec.infer = infer_conv2d;
  spec.kernel = [](KernelContext& context) {
    const Tensor& input = context.input("input");
    const Tensor& filter = context.input("filter");
    check_same_dtype("filter", "input and filter", input.dtype(), filter.dtype());
    context.set_output("output",
                       conv2d(input, filter, read_depthwise_params(context.values()), context));
  };
  registry.add(std::move(spec));
}

}  // namespace blockflow
