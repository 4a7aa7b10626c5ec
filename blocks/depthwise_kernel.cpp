#include "blocks/depthwise_kernel.h"

#include <algorithm>
#include <vector>

namespace blockflow {

namespace {

// Accumulation type: float for the 16-bit types and float, double for double.
template <typename T>
using Accumulator = std::conditional_t<std::is_same_v<T, double>, double, float>;

template <typename Acc>
using Buffer = std::vector<Acc, Eigen::aligned_allocator<Acc>>;

// Copies a tensor into Acc, permuting NCHW to NHWC when asked.
template <typename T, typename Acc>
Buffer<Acc> to_nhwc(const Tensor& tensor, bool from_nchw, const DepthwiseGeometry& g) {
  const T* source = tensor.data<T>();
  Buffer<Acc> target(static_cast<std::size_t>(tensor.element_count()));
  if (!from_nchw) {
    std::transform(source, source + tensor.element_count(), target.begin(),
                   [](T v) { return static_cast<Acc>(v); });
    return target;
  }
  const std::int64_t plane = g.in_rows * g.in_cols;
  for (std::int64_t n = 0; n < g.batch; ++n)
    for (std::int64_t c = 0; c < g.in_depth; ++c)
      for (std::int64_t p = 0; p < plane; ++p)
        target[static_cast<std::size_t>((n * plane + p) * g.in_depth + c)] =
            static_cast<Acc>(source[(n * g.in_depth + c) * plane + p]);
  return target;
}

// One output pixel: accumulate every tap that falls inside the image.
template <typename Acc>
void output_pixel(const Acc* input, const Acc* filter, Acc* out, const DepthwiseGeometry& g,
                  std::int64_t n, std::int64_t oh, std::int64_t ow) {
  const std::int64_t depth = g.in_depth, multiplier = g.multiplier, out_depth = g.out_depth();
  std::fill(out, out + out_depth, Acc{0});
  for (std::int64_t kh = 0; kh < g.filter_rows; ++kh) {
    const std::int64_t ih = oh * g.stride_h - g.pad_top + kh * g.dilation_h;
    if (ih < 0 || ih >= g.in_rows) continue;
    for (std::int64_t kw = 0; kw < g.filter_cols; ++kw) {
      const std::int64_t iw = ow * g.stride_w - g.pad_left + kw * g.dilation_w;
      if (iw < 0 || iw >= g.in_cols) continue;
      const Acc* x = input + ((n * g.in_rows + ih) * g.in_cols + iw) * depth;
      const Acc* f = filter + (kh * g.filter_cols + kw) * out_depth;
      if (multiplier == 1) {
        for (std::int64_t c = 0; c < depth; ++c) out[c] += x[c] * f[c];
      } else {
        for (std::int64_t c = 0; c < depth; ++c)
          for (std::int64_t q = 0; q < multiplier; ++q) out[c * multiplier + q] += x[c] * f[c * multiplier + q];
      }
    }
  }
}

template <typename T>
Tensor run_typed(const Tensor& input, const Tensor& filter, const DepthwiseParams& params,
                 const DepthwiseGeometry& g, const KernelContext* context) {
  using Acc = Accumulator<T>;
  const bool nchw = params.data_format == DataFormat::NCHW;
  Tensor output(input.dtype(), depthwise_output_dims(params, g));
  if (output.element_count() == 0) return output;
  const Buffer<Acc> x = to_nhwc<T, Acc>(input, nchw, g);
  const Buffer<Acc> f = to_nhwc<T, Acc>(filter, false, g);
  const std::int64_t out_depth = g.out_depth();
  const std::int64_t pixels_per_row = g.out_cols * out_depth;
  Buffer<Acc> result(static_cast<std::size_t>(g.batch * g.out_rows * pixels_per_row));
  auto rows = [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t row = begin; row < end; ++row) {
      const std::int64_t n = row / g.out_rows, oh = row % g.out_rows;
      for (std::int64_t ow = 0; ow < g.out_cols; ++ow)
        output_pixel(x.data(), f.data(), result.data() + row * pixels_per_row + ow * out_depth, g, n, oh, ow);
    }
    if (context) context->check_cancelled();
  };
  const std::int64_t row_cost = std::max<std::int64_t>(1, pixels_per_row * g.filter_rows * g.filter_cols);
  const std::int64_t min_rows = std::max<std::int64_t>(1, 16384 / row_cost);
  if (context) context->parallel_for(g.batch * g.out_rows, min_rows, rows);
  else rows(0, g.batch * g.out_rows);

  T* out = output.data<T>();
  const std::int64_t plane = g.out_rows * g.out_cols;
  if (!nchw) {
    std::transform(result.begin(), result.end(), out, [](Acc v) { return static_cast<T>(v); });
  } else {
    for (std::int64_t n = 0; n < g.batch; ++n)
      for (std::int64_t p = 0; p < plane; ++p)
        for (std::int64_t c = 0; c < out_depth; ++c)
          out[(n * out_depth + c) * plane + p] = static_cast<T>(result[static_cast<std::size_t>((n * plane + p) * out_depth + c)]);
  }
  return output;
}

}  // namespace

Tensor depthwise_conv2d(const Tensor& input, const Tensor& filter, const DepthwiseParams& params,
                        const KernelContext* context) {
  const DepthwiseGeometry g = depthwise_geometry(params, input.dims(), filter.dims());
  switch (input.dtype()) {
    case DType::Float16: return run_typed<Eigen::half>(input, filter, params, g, context);
    case DType::BFloat16: return run_typed<Eigen::bfloat16>(input, filter, params, g, context);
    case DType::Float32: return run_typed<float>(input, filter, params, g, context);
    case DType::Float64: return run_typed<double>(input, filter, params, g, context);
    default: throw PortError("input", "DepthwiseConv2dNative takes half, bfloat16, float or double, not " +
                                          std::string(dtype_name(input.dtype())));
  }
}

}  // namespace blockflow
