#include "blocks/depthwise_params.h"

#include <algorithm>

#include "runtime/error.h"

namespace blockflow {

namespace {

// Index of the H, W, N and C entries of a 4-element per-dimension list.
struct LayoutIndex {
  std::size_t n, h, w, c;
};
LayoutIndex layout_index(DataFormat format) {
  return format == DataFormat::NHWC ? LayoutIndex{0, 1, 2, 3} : LayoutIndex{0, 2, 3, 1};
}

Padding padding_from_text(const std::string& text) {
  if (text == "SAME") return Padding::Same;
  if (text == "VALID") return Padding::Valid;
  return Padding::Explicit;
}

void read_strides(const BoundValues& values, const LayoutIndex& at, DepthwiseParams& params) {
  const IntList& strides = values.int_list("strides");
  if (strides.size() != 4) throw PortError("strides", "Sliding window strides field must specify 4 dimensions");
  if (strides[at.n] != 1 || strides[at.c] != 1)
    throw PortError("strides", "Current implementation does not yet support strides in the batch and depth dimensions.");
  for (std::int64_t stride : {strides[at.h], strides[at.w]})
    if (stride <= 0) throw PortError("strides", "Stride must be > 0, but got " + std::to_string(stride));
  params.stride_h = strides[at.h];
  params.stride_w = strides[at.w];
}

void read_dilations(const Attrs& attrs, const LayoutIndex& at, DepthwiseParams& params) {
  const IntList& dilations = attrs.int_list("dilations");
  if (dilations.size() != 4)
    throw PortError("attrs", "Sliding window dilations field must specify 4 dimensions");
  if (dilations[at.n] != 1 || dilations[at.c] != 1)
    throw PortError("attrs", "Current implementation does not yet support dilations in the batch and depth dimensions.");
  for (std::int64_t rate : {dilations[at.h], dilations[at.w]})
    if (rate < 1) throw PortError("attrs", "Dilation rate must be >= 1, but got " + std::to_string(rate));
  params.dilation_h = dilations[at.h];
  params.dilation_w = dilations[at.w];
}

void read_explicit_paddings(const Attrs& attrs, const LayoutIndex& at, DepthwiseParams& params) {
  const IntList& pads = attrs.int_list("explicit_paddings");
  if (params.padding != Padding::Explicit) {
    if (!pads.empty())
      throw PortError("attrs", "explicit_paddings attribute must be empty if the padding attribute is not EXPLICIT");
    return;
  }
  if (pads.size() != 8)
    throw PortError("attrs", "explicit_paddings attribute must contain 8 values, but got: " + std::to_string(pads.size()));
  if (std::any_of(pads.begin(), pads.end(), [](std::int64_t p) { return p < 0; }))
    throw PortError("attrs", "All elements of explicit_paddings must be nonnegative");
  if (pads[2 * at.n] != 0 || pads[2 * at.n + 1] != 0 || pads[2 * at.c] != 0 || pads[2 * at.c + 1] != 0)
    throw PortError("attrs", "Nonzero explicit padding in the batch or depth dimensions is not supported");
  params.pad_top = pads[2 * at.h];
  params.pad_bottom = pads[2 * at.h + 1];
  params.pad_left = pads[2 * at.w];
  params.pad_right = pads[2 * at.w + 1];
}

}  // namespace

DepthwiseParams read_depthwise_params(const BoundValues& values) {
  DepthwiseParams params;
  const Attrs& attrs = values.attrs("attrs");
  params.data_format = attrs.text("data_format") == "NCHW" ? DataFormat::NCHW : DataFormat::NHWC;
  params.padding = padding_from_text(values.text("padding"));
  const LayoutIndex at = layout_index(params.data_format);
  read_strides(values, at, params);
  read_dilations(attrs, at, params);
  read_explicit_paddings(attrs, at, params);
  return params;
}

WindowedSize windowed_output_size(std::int64_t input, std::int64_t filter, std::int64_t dilation,
                                  std::int64_t stride, Padding padding, std::int64_t explicit_before,
                                  std::int64_t explicit_after) {
  const std::int64_t effective = (filter - 1) * dilation + 1;
  WindowedSize size;
  switch (padding) {
    case Padding::Valid:
      // C++ division truncates toward zero, exactly as TensorFlow's code does.
      size.output = (input - effective + stride) / stride;
      break;
    case Padding::Explicit:
      size.output = (input + explicit_before + explicit_after - effective + stride) / stride;
      size.pad_before = explicit_before;
      size.pad_after = explicit_after;
      break;
    case Padding::Same: {
      size.output = (input + stride - 1) / stride;
      const std::int64_t needed = std::max<std::int64_t>(0, (size.output - 1) * stride + effective - input);
      size.pad_before = needed / 2;
      size.pad_after = needed - size.pad_before;
      break;
    }
  }
  if (size.output < 0) {
    throw PortError("input", "Computed output size would be negative: " + std::to_string(size.output) +
                                 " [input_size: " + std::to_string(input) + ", effective_filter_size: " +
                                 std::to_string(effective) + ", stride: " + std::to_string(stride) + "]");
  }
  return size;
}

DepthwiseGeometry depthwise_geometry(const DepthwiseParams& params, const Dims& input, const Dims& filter) {
  if (input.size() != 4)
    throw PortError("input", "input must be 4-dimensional, but got shape " + dims_to_string(input));
  if (filter.size() != 4)
    throw PortError("filter", "filter must be 4-dimensional, but got shape " + dims_to_string(filter));
  const LayoutIndex at = layout_index(params.data_format);
  DepthwiseGeometry g;
  g.batch = input[at.n];
  g.in_rows = input[at.h];
  g.in_cols = input[at.w];
  g.in_depth = input[at.c];
  g.filter_rows = filter[0];
  g.filter_cols = filter[1];
  g.multiplier = filter[3];
  if (g.in_depth >= 0 && filter[2] >= 0 && g.in_depth != filter[2]) {
    throw PortError("filter", "input and filter must have the same depth: " + std::to_string(g.in_depth) +
                                  " vs " + std::to_string(filter[2]));
  }
  if (g.in_depth < 0) g.in_depth = filter[2];
  g.stride_h = params.stride_h;
  g.stride_w = params.stride_w;
  g.dilation_h = params.dilation_h;
  g.dilation_w = params.dilation_w;
  g.out_rows = g.out_cols = kUnknownDim;
  if (g.in_rows >= 0 && g.filter_rows >= 0) {
    const auto rows = windowed_output_size(g.in_rows, g.filter_rows, g.dilation_h, g.stride_h, params.padding,
                                           params.pad_top, params.pad_bottom);
    g.out_rows = rows.output;
    g.pad_top = rows.pad_before;
  }
  if (g.in_cols >= 0 && g.filter_cols >= 0) {
    const auto cols = windowed_output_size(g.in_cols, g.filter_cols, g.dilation_w, g.stride_w, params.padding,
                                           params.pad_left, params.pad_right);
    g.out_cols = cols.output;
    g.pad_left = cols.pad_before;
  }
  return g;
}

Dims depthwise_output_dims(const DepthwiseParams& params, const DepthwiseGeometry& g) {
  const std::int64_t depth = g.in_depth >= 0 && g.multiplier >= 0 ? g.out_depth() : kUnknownDim;
  if (params.data_format == DataFormat::NHWC) return {g.batch, g.out_rows, g.out_cols, depth};
  return {g.batch, depth, g.out_rows, g.out_cols};
}

}  // namespace blockflow
