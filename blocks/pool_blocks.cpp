// MaxPool and AvgPool with TensorFlow's semantics: windows over rows and columns only, SAME or
// VALID padding; padded positions never take part (AvgPool SAME divides by the taps inside the
// image, MaxPool ignores the padding).
#include <limits>

#include <cmath>
#include "blocks/builtin_blocks.h"
#include "blocks/conv_layout.h"
#include "blocks/op_util.h"
#include "blocks/port_builders.h"

namespace blockflow {

namespace {

enum class PoolKind { Max, Avg };

struct PoolParams {
  DataFormat data_format = DataFormat::NHWC;
  Padding padding = Padding::Valid;
  std::int64_t window_h = 1, window_w = 1, stride_h = 1, stride_w = 1;
};

// H and W entries of a 4-element list, after TF's checks on the batch and depth entries.
std::pair<std::int64_t, std::int64_t> spatial_pair(const BoundValues& values,
                                                   const std::string& port,
                                                   const std::string& field, DataFormat format) {
  const IntList& list = values.int_list(port);
  if (list.size() != 4)
    throw PortError(port, "Sliding window " + field + " field must specify 4 dimensions");
  const bool nhwc = format == DataFormat::NHWC;
  if (list[0] != 1) throw PortError(port, "Pooling is not yet supported on the batch dimension.");
  if (list[nhwc ? 3 : 1] != 1) throw PortError(port, "Non-spatial pooling is not yet supported.");
  const std::int64_t h = list[nhwc ? 1 : 2], w = list[nhwc ? 2 : 3];
  for (auto [value, dim] : {std::pair{h, nhwc ? 1 : 2}, std::pair{w, nhwc ? 2 : 3}})
    if (value <= 0)
      throw PortError(port, "Sliding window " + field + " for dimension " + std::to_string(dim) +
                                " must be > 0, got " + std::to_string(value));
  return {h, w};
}

PoolParams read_pool_params(const BoundValues& values) {
  PoolParams p;
  p.data_format =
      values.attrs("attrs").text("data_format") == "NCHW" ? DataFormat::NCHW : DataFormat::NHWC;
  p.padding = values.text("padding") == "SAME" ? Padding::Same : Padding::Valid;
  std::tie(p.window_h, p.window_w) = spatial_pair(values, "ksize", "ksize", p.data_format);
  std::tie(p.stride_h, p.stride_w) = spatial_pair(values, "strides", "stride", p.data_format);
  return p;
}

struct PoolGeometry {
  std::int64_t batch = 0, rows = 0, cols = 0, depth = 0;
  std::int64_t out_rows = kUnknownDim, out_cols = kUnknownDim, pad_top = 0, pad_left = 0;
};

PoolGeometry pool_geometry(const PoolParams& p, const Dims& input) {
  if (input.size() != 4)
    throw PortError("input", "input must be 4-dimensional, but got shape " + dims_to_string(input));
  const bool nhwc = p.data_format == DataFormat::NHWC;
  PoolGeometry g{input[0], input[nhwc ? 1 : 2], input[nhwc ? 2 : 3], input[nhwc ? 3 : 1]};
  if (g.rows >= 0) {
    const auto rows = windowed_output_size(g.rows, p.window_h, 1, p.stride_h, p.padding, 0, 0);
    g.out_rows = rows.output;
    g.pad_top = rows.pad_before;
  }
  if (g.cols >= 0) {
    const auto cols = windowed_output_size(g.cols, p.window_w, 1, p.stride_w, p.padding, 0, 0);
    g.out_cols = cols.output;
    g.pad_left = cols.pad_before;
  }
  return g;
}

template <typename T>
T pool_window(PoolKind kind, const T* in, const ImageLayout& at, const PoolParams& p,
              const PoolGeometry& g, std::int64_t b, std::int64_t oy, std::int64_t ox,
              std::int64_t c) {
  using Acc = Accumulator<T>;
  const std::int64_t y0 = std::max<std::int64_t>(0, oy * p.stride_h - g.pad_top);
  const std::int64_t y1 = std::min(g.rows, oy * p.stride_h - g.pad_top + p.window_h);
  const std::int64_t x0 = std::max<std::int64_t>(0, ox * p.stride_w - g.pad_left);
  const std::int64_t x1 = std::min(g.cols, ox * p.stride_w - g.pad_left + p.window_w);
  Acc result = kind == PoolKind::Max ? -std::numeric_limits<Acc>::infinity() : Acc(0);
  for (std::int64_t y = y0; y < y1; ++y)
    for (std::int64_t x = x0; x < x1; ++x) {
      const Acc v = static_cast<Acc>(in[at.at(b, y, x, c)]);
      // NaN wins in MaxPool, as a comparison-based max would otherwise drop it depending on order.
      result = kind == PoolKind::Avg ? result + v : (v > result || std::isnan(v) ? v : result);
    }
  if (kind == PoolKind::Avg) result /= static_cast<Acc>((y1 - y0) * (x1 - x0));
  return static_cast<T>(result);
}

Tensor pool(PoolKind kind, const Tensor& input, const PoolParams& p, const KernelContext& context) {
  const PoolGeometry g = pool_geometry(p, input.dims());
  Tensor output(input.dtype(), image_dims(p.data_format, g.batch, g.out_rows, g.out_cols, g.depth));
  if (output.element_count() == 0) return output;
  const ImageLayout in_at = ImageLayout::of(p.data_format, g.rows, g.cols, g.depth);
  const ImageLayout out_at = ImageLayout::of(p.data_format, g.out_rows, g.out_cols, g.depth);
  visit_float_dtype(input.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const T* in = input.data<T>();
    T* out = output.data<T>();
    context.parallel_for(g.batch * g.out_rows, 1, [&](std::int64_t begin, std::int64_t end) {
      for (std::int64_t row = begin; row < end; ++row) {
        const std::int64_t b = row / g.out_rows, oy = row % g.out_rows;
        for (std::int64_t ox = 0; ox < g.out_cols; ++ox)
          for (std::int64_t c = 0; c < g.depth; ++c)
            out[out_at.at(b, oy, ox, c)] = pool_window(kind, in, in_at, p, g, b, oy, ox, c);
      }
    });
  });
  return output;
}

void register_pool(BlockRegistry& registry, std::string name, PoolKind kind, std::string doc) {
  using namespace ports;
  BlockSpec spec;
  spec.name = std::move(name);
  spec.category = "Pooling";
  spec.doc = std::move(doc);
  spec.ports = {
      tensor_in("input", kFloatTypes, "4-D input, [N,H,W,C] (NHWC) or [N,C,H,W] (NCHW)"),
      value_in("ksize", PortKind::IntList, "",
               "window size per input dimension, in data_format order, like 1,2,2,1"),
      value_in("strides", PortKind::IntList, "",
               "stride per input dimension, in data_format order, like 1,2,2,1"),
      enum_in("padding", {"SAME", "VALID"}, "VALID",
              "SAME: output = ceil(in / stride), windows may reach past the edges; VALID: windows "
              "inside"),
      attrs_in(
          "attrs",
          {{"data_format", AttrKind::Enum, {"NHWC", "NCHW"}, "NHWC", "layout of input and output"}},
          "data_format_"),
      tensor_out("output", "[N, OH, OW, C] (NHWC) or [N, C, OH, OW] (NCHW)"),
  };
  spec.infer = [](InferContext& context) {
    const PoolParams p = read_pool_params(context.values());
    const TensorInfo& input = *context.input("input");
    const PoolGeometry g = pool_geometry(p, dims_or_unknown(context, "input", 4));
    context.set_output("output",
                       {input.dtype, PartialShape::of(image_dims(p.data_format, g.batch, g.out_rows,
                                                                 g.out_cols, g.depth))});
  };
  spec.kernel = [kind](KernelContext& context) {
    context.set_output(
        "output", pool(kind, context.input("input"), read_pool_params(context.values()), context));
  };
  registry.add(std::move(spec));
}

}  // namespace

void register_pool_blocks(BlockRegistry& registry) {
  register_pool(registry, "MaxPool", PoolKind::Max,
                "Maximum over each window (TensorFlow's MaxPool); padded positions never win.");
  register_pool(
      registry, "AvgPool", PoolKind::Avg,
      "Mean over each window (TensorFlow's AvgPool); with SAME, the mean of the taps inside "
      "the image, so edges are not darkened by padding.");
}

}  // namespace blockflow
