// FusedBatchNorm for inference: y = (x - mean) * scale / sqrt(variance + epsilon) + offset per
// channel, with TensorFlow's port names, checks and messages.
#include <cmath>

#include "blocks/builtin_blocks.h"
#include "blocks/conv_layout.h"
#include "blocks/op_util.h"
#include "blocks/port_builders.h"

namespace blockflow {

namespace {

const char* const kParamPorts[] = {"scale", "offset", "mean", "variance"};

bool is_nchw(const BoundValues& values) {
  return values.attrs("attrs").text("data_format") == "NCHW";
}

void check_options(const BoundValues& values) {
  const Attrs& attrs = values.attrs("attrs");
  if (attrs.boolean("is_training"))
    throw PortError("attrs",
                    "is_training = true is not supported: this block normalizes with the given "
                    "mean and variance (inference)");
  if (attrs.real("epsilon") < 0)
    throw PortError("attrs", "epsilon must be >= 0, got " + std::to_string(attrs.real("epsilon")));
}

// TF's checks: x is 4-D, each parameter 1-D with one entry per channel.
void check_shapes(const BoundValues& values, const Dims& x,
                  const std::map<std::string, Dims>& params) {
  if (x.size() != 4)
    throw PortError("x", "input must be 4-dimensional, but got shape " + dims_to_string(x));
  const std::int64_t channels = x[is_nchw(values) ? 1 : 3];
  for (const char* port : kParamPorts) {
    const Dims& dims = params.at(port);
    const std::string name = std::string(port) == "mean"       ? "estimated_mean"
                             : std::string(port) == "variance" ? "estimated_variance"
                                                               : port;
    if (dims.size() != 1)
      throw PortError(port, name + " must be 1-dimensional, but got shape " + dims_to_string(dims));
    if (channels >= 0 && dims[0] >= 0 && dims[0] != channels) {
      const std::string prefix = std::string(port) == "mean" || std::string(port) == "variance"
                                     ? "When is_training=false, "
                                     : "";
      throw PortError(port,
                      prefix + std::string(port) +
                          " must have the same number of elements as the channels of x, got " +
                          std::to_string(dims[0]) + " and " + std::to_string(channels));
    }
  }
}

Tensor batch_norm(const BoundValues& values, const Tensor& x,
                  const std::map<std::string, Tensor>& params, const KernelContext& context) {
  const bool nchw = is_nchw(values);
  const std::int64_t channels = x.dim(nchw ? 1 : 3);
  const double epsilon = values.attrs("attrs").real("epsilon");
  // Per-channel factor and shift in double, so y rounds once.
  std::vector<double> factor(static_cast<std::size_t>(channels)), mean(factor.size()),
      offset(factor.size());
  for (std::int64_t c = 0; c < channels; ++c) {
    const auto i = static_cast<std::size_t>(c);
    factor[i] = params.at("scale").element_as_double(c) /
                std::sqrt(params.at("variance").element_as_double(c) + epsilon);
    mean[i] = params.at("mean").element_as_double(c);
    offset[i] = params.at("offset").element_as_double(c);
  }
  const std::int64_t inner = nchw ? x.dim(2) * x.dim(3) : 1;
  Tensor y(x.dtype(), x.dims());
  visit_float_dtype(x.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const T* in = x.data<T>();
    T* out = y.data<T>();
    context.parallel_for(x.element_count(), 1 << 13, [&](std::int64_t begin, std::int64_t end) {
      for (std::int64_t i = begin; i < end; ++i) {
        const auto c = static_cast<std::size_t>((i / inner) % channels);
        out[i] = static_cast<T>((static_cast<double>(in[i]) - mean[c]) * factor[c] + offset[c]);
      }
    });
  });
  return y;
}

}  // namespace

void register_batch_norm(BlockRegistry& registry) {
  using namespace ports;
  BlockSpec spec;
  spec.name = "FusedBatchNorm";
  spec.category = "Normalization";
  spec.doc =
      "Batch normalization with given statistics (TensorFlow's FusedBatchNorm, is_training = "
      "false): "
      "y = (x - mean) * scale / sqrt(variance + epsilon) + offset, per channel.";
  spec.ports = {
      tensor_in("x", kFloatTypes, "4-D input, [N,H,W,C] (NHWC) or [N,C,H,W] (NCHW)"),
      tensor_in("scale", kFloatTypes, "1-D [C]: gamma"),
      tensor_in("offset", kFloatTypes, "1-D [C]: beta"),
      tensor_in("mean", kFloatTypes, "1-D [C]: the population mean"),
      tensor_in("variance", kFloatTypes, "1-D [C]: the population variance"),
      attrs_in("attrs",
               {{"epsilon",
                 AttrKind::Float,
                 {},
                 "0.0001",
                 "added to the variance before the square root"},
                {"data_format", AttrKind::Enum, {"NHWC", "NCHW"}, "NHWC", "layout of x and y"},
                {"is_training", AttrKind::Bool, {}, "false", "must be false: inference only"}},
               "epsilon_, data_format_, is_training_"),
      tensor_out("y", "normalized x, same dtype and shape"),
      tensor_out("batch_mean", "the mean input, passed through (as TensorFlow does in inference)"),
      tensor_out("batch_variance", "the variance input, passed through"),
  };
  spec.infer = [](InferContext& context) {
    check_options(context.values());
    std::map<std::string, Dims> params;
    for (const char* port : kParamPorts) params[port] = dims_or_unknown(context, port, 1);
    check_shapes(context.values(), dims_or_unknown(context, "x", 4), params);
    context.set_output("y", *context.input("x"));
    context.set_output("batch_mean", *context.input("mean"));
    context.set_output("batch_variance", *context.input("variance"));
  };
  spec.kernel = [](KernelContext& context) {
    check_options(context.values());
    std::map<std::string, Tensor> params;
    std::map<std::string, Dims> dims;
    for (const char* port : kParamPorts) {
      params[port] = context.input(port);
      dims[port] = params[port].dims();
    }
    const Tensor& x = context.input("x");
    check_shapes(context.values(), x.dims(), dims);
    context.set_output("y", batch_norm(context.values(), x, params, context));
    context.set_output("batch_mean", params["mean"]);
    context.set_output("batch_variance", params["variance"]);
  };
  registry.add(std::move(spec));
}

}  // namespace blockflow
