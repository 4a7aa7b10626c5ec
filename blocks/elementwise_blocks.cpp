// Element-wise blocks: Identity, Cast, Relu, Relu6, Abs, Square, Sqrt, the broadcasting Add and
// Mul, and BiasAdd, with TensorFlow's port names and messages.
#include <cmath>
#include <limits>

#include "blocks/broadcast.h"
#include "blocks/builtin_blocks.h"
#include "blocks/op_util.h"
#include "blocks/port_builders.h"

namespace blockflow {

namespace {

const std::vector<DType> kNumericTypes = {DType::Float16, DType::BFloat16, DType::Float32,
                                          DType::Float64, DType::Int32,    DType::Int64,
                                          DType::UInt8};

enum class UnaryOp { Relu, Relu6, Abs, Square, Sqrt };

// Floating types compute in float or double; integers in their own type.
template <typename T>
using Compute = std::conditional_t<kIsFloatElement<T>, Accumulator<T>, T>;

template <typename T>
T apply_unary(UnaryOp op, T value) {
  using C = Compute<T>;
  const C x = static_cast<C>(value);
  switch (op) {
    case UnaryOp::Relu:
      return static_cast<T>(x > C(0) ? x : C(0));
    case UnaryOp::Relu6:
      return static_cast<T>(std::min<C>(std::max<C>(x, C(0)), C(6)));
    case UnaryOp::Abs:
      if constexpr (std::is_unsigned_v<C>)
        return value;
      else
        return static_cast<T>(x < C(0) ? -x : x);
    case UnaryOp::Square:
      return static_cast<T>(x * x);
    case UnaryOp::Sqrt:
      if constexpr (kIsFloatElement<T>)
        return static_cast<T>(std::sqrt(x));
      else
        return value;
  }
  return value;
}

// NaN stays NaN through Relu and Relu6: a plain max(x, 0) may return either operand for NaN,
// so the result is defined here rather than left to the comparison order.
template <typename T>
T unary_with_nan(UnaryOp op, T value) {
  if constexpr (kIsFloatElement<T>) {
    if ((op == UnaryOp::Relu || op == UnaryOp::Relu6) && std::isnan(static_cast<double>(value)))
      return value;
  }
  return apply_unary(op, value);
}

Tensor run_unary(UnaryOp op, const Tensor& input, const KernelContext& context) {
  Tensor output(input.dtype(), input.dims());
  visit_dtype(input.dtype(), [&](auto zero) {
    using T = decltype(zero);
    if constexpr (!std::is_same_v<T, bool>) {
      const T* in = input.data<T>();
      T* out = output.data<T>();
      context.parallel_for(input.element_count(), 1 << 14,
                           [&](std::int64_t begin, std::int64_t end) {
                             for (std::int64_t i = begin; i < end; ++i)
                               out[i] = unary_with_nan(op, in[i]);
                           });
    }
  });
  return output;
}

void register_unary(BlockRegistry& registry, std::string name, UnaryOp op, std::string in_port,
                    std::string out_port, std::vector<DType> dtypes, std::string doc) {
  using namespace ports;
  BlockSpec spec;
  spec.name = std::move(name);
  spec.category = "Math";
  spec.doc = std::move(doc);
  spec.ports = {tensor_in(in_port, std::move(dtypes), "any shape"),
                tensor_out(out_port, "same dtype and shape as " + in_port)};
  spec.infer = [in_port, out_port](InferContext& context) {
    context.set_output(out_port, *context.input(in_port));
  };
  spec.kernel = [op, in_port, out_port](KernelContext& context) {
    context.set_output(out_port, run_unary(op, context.input(in_port), context));
  };
  registry.add(std::move(spec));
}

void register_identity(BlockRegistry& registry) {
  using namespace ports;
  BlockSpec spec;
  spec.name = "Identity";
  spec.category = "Array";
  spec.doc = "Passes its input through unchanged (shares the buffer, copies nothing).";
  spec.ports = {tensor_in("input", {}, "any tensor"), tensor_out("output", "the input")};
  spec.infer = [](InferContext& context) { context.set_output("output", *context.input("input")); };
  spec.kernel = [](KernelContext& context) {
    context.set_output("output", context.input("input"));
  };
  registry.add(std::move(spec));
}

// Float to integer conversion truncates toward zero like static_cast, saturating at the limits
// and mapping NaN to 0 so no conversion is undefined behaviour.
template <typename D>
D convert_from_double(double value) {
  if constexpr (std::is_same_v<D, bool>) {
    return value != 0.0;
  } else if constexpr (std::is_integral_v<D>) {
    if (std::isnan(value)) return D(0);
    if (value <= static_cast<double>(std::numeric_limits<D>::lowest()))
      return std::numeric_limits<D>::lowest();
    if (value >= static_cast<double>(std::numeric_limits<D>::max()))
      return std::numeric_limits<D>::max();
    return static_cast<D>(value);
  } else {
    return static_cast<D>(value);
  }
}

Tensor cast_tensor(const Tensor& input, DType to) {
  if (input.dtype() == to) return input;
  Tensor output(to, input.dims());
  visit_dtype(to, [&](auto zero) {
    using D = decltype(zero);
    D* out = output.data<D>();
    for (std::int64_t i = 0; i < input.element_count(); ++i)
      out[i] = convert_from_double<D>(input.element_as_double(i));
  });
  return output;
}

void register_cast(BlockRegistry& registry) {
  using namespace ports;
  BlockSpec spec;
  spec.name = "Cast";
  spec.category = "Array";
  spec.doc =
      "Converts to another dtype. Floats to integers truncate toward zero and saturate at the "
      "integer's limits (NaN gives 0); anything to bool is x != 0.";
  spec.ports = {tensor_in("x", {}, "any tensor"),
                value_in("DstT", PortKind::DTypeName, "float", "the dtype to convert to"),
                tensor_out("y", "x converted to DstT, same shape")};
  spec.infer = [](InferContext& context) {
    context.set_output("y", {context.values().dtype("DstT"), context.input("x")->shape});
  };
  spec.kernel = [](KernelContext& context) {
    context.set_output("y", cast_tensor(context.input("x"), context.values().dtype("DstT")));
  };
  registry.add(std::move(spec));
}

enum class BinaryOp { Add, Mul };

template <typename T>
T apply_binary(BinaryOp op, T a, T b) {
  using C = Compute<T>;
  const C x = static_cast<C>(a), y = static_cast<C>(b);
  return static_cast<T>(op == BinaryOp::Add ? x + y : x * y);
}

Tensor run_binary(BinaryOp op, const Tensor& x, const Tensor& y, const KernelContext& context) {
  check_same_dtype("y", "x and y", x.dtype(), y.dtype());
  const Dims out_dims = broadcast_dims(x.dims(), y.dims(), "y");
  Tensor output(x.dtype(), out_dims);
  const BroadcastIndex x_at(x.dims(), out_dims), y_at(y.dims(), out_dims);
  visit_dtype(x.dtype(), [&](auto zero) {
    using T = decltype(zero);
    if constexpr (!std::is_same_v<T, bool>) {
      const T* a = x.data<T>();
      const T* b = y.data<T>();
      T* out = output.data<T>();
      context.parallel_for(output.element_count(), 1 << 13,
                           [&](std::int64_t begin, std::int64_t end) {
                             for (std::int64_t i = begin; i < end; ++i)
                               out[i] = apply_binary(op, a[x_at(i)], b[y_at(i)]);
                           });
    }
  });
  return output;
}

void register_binary(BlockRegistry& registry, std::string name, BinaryOp op, std::string doc) {
  using namespace ports;
  BlockSpec spec;
  spec.name = std::move(name);
  spec.category = "Math";
  spec.doc = std::move(doc);
  spec.ports = {tensor_in("x", kNumericTypes, "any shape"),
                tensor_in("y", kNumericTypes, "same dtype as x; shape broadcastable against x"),
                tensor_out("z", "the broadcast shape of x and y")};
  spec.infer = [](InferContext& context) {
    const TensorInfo& x = *context.input("x");
    const TensorInfo& y = *context.input("y");
    check_same_dtype("y", "x and y", x.dtype, y.dtype);
    PartialShape shape;
    if (x.shape.rank_known() && y.shape.rank_known())
      shape = PartialShape::of(broadcast_dims(*x.shape.dims, *y.shape.dims, "y"));
    context.set_output("z", {x.dtype, shape});
  };
  spec.kernel = [op](KernelContext& context) {
    context.set_output("z", run_binary(op, context.input("x"), context.input("y"), context));
  };
  registry.add(std::move(spec));
}

// The dimension BiasAdd adds along: the last (NHWC) or the second (NCHW) one.
std::size_t bias_axis(const BoundValues& values, std::size_t rank) {
  const bool nchw = values.attrs("attrs").text("data_format") == "NCHW";
  if (nchw && rank < 3)
    throw PortError("value",
                    "Input tensor must be at least 3D with NCHW: " + std::to_string(rank) + "D");
  return nchw ? 1 : rank - 1;
}

void check_bias_add(const BoundValues& values, const Dims& value, const Dims& bias) {
  if (value.size() < 2)
    throw PortError("value", "Input tensor must be at least 2D: " + dims_to_string(value));
  if (bias.size() != 1) throw PortError("bias", "Biases must be 1D: " + dims_to_string(bias));
  const std::int64_t channels = value[bias_axis(values, value.size())];
  if (channels >= 0 && bias[0] >= 0 && channels != bias[0]) {
    throw PortError("bias",
                    "Must provide as many biases as the channel dimension of the input tensor: " +
                        dims_to_string(bias) + " vs. " + dims_to_string(value));
  }
}

Tensor run_bias_add(const BoundValues& values, const Tensor& value, const Tensor& bias,
                    const KernelContext& context) {
  check_same_dtype("bias", "value and bias", value.dtype(), bias.dtype());
  check_bias_add(values, value.dims(), bias.dims());
  const std::size_t axis = bias_axis(values, value.dims().size());
  const std::int64_t channels = value.dims()[axis];
  const std::int64_t inner = row_major_strides(value.dims())[axis];
  Tensor output(value.dtype(), value.dims());
  visit_dtype(value.dtype(), [&](auto zero) {
    using T = decltype(zero);
    if constexpr (!std::is_same_v<T, bool>) {
      const T* in = value.data<T>();
      const T* b = bias.data<T>();
      T* out = output.data<T>();
      context.parallel_for(
          value.element_count(), 1 << 13, [&](std::int64_t begin, std::int64_t end) {
            for (std::int64_t i = begin; i < end; ++i)
              out[i] = apply_binary(BinaryOp::Add, in[i], b[(i / inner) % channels]);
          });
    }
  });
  return output;
}

void register_bias_add(BlockRegistry& registry) {
  using namespace ports;
  BlockSpec spec;
  spec.name = "BiasAdd";
  spec.category = "Math";
  spec.doc =
      "Adds a 1-D bias along the channel dimension: the last one (NHWC) or the second (NCHW).";
  spec.ports = {
      tensor_in("value", kNumericTypes, "at least 2-D (3-D for NCHW)"),
      tensor_in("bias", kNumericTypes, "1-D, as long as value's channel dimension", 1),
      attrs_in("attrs",
               {{"data_format",
                 AttrKind::Enum,
                 {"NHWC", "NCHW"},
                 "NHWC",
                 "NHWC: bias along the last dimension; NCHW: along dimension 1"}},
               "data_format_"),
      tensor_out("output", "value + bias, same shape as value"),
  };
  spec.infer = [](InferContext& context) {
    const TensorInfo& value = *context.input("value");
    const TensorInfo& bias = *context.input("bias");
    check_same_dtype("bias", "value and bias", value.dtype, bias.dtype);
    if (value.shape.rank_known())
      check_bias_add(context.values(), *value.shape.dims, dims_or_unknown(context, "bias", 1));
    context.set_output("output", value);
  };
  spec.kernel = [](KernelContext& context) {
    context.set_output("output", run_bias_add(context.values(), context.input("value"),
                                              context.input("bias"), context));
  };
  registry.add(std::move(spec));
}

}  // namespace

void register_elementwise_blocks(BlockRegistry& registry) {
  register_identity(registry);
  register_cast(registry);
  register_unary(registry, "Relu", UnaryOp::Relu, "features", "activations", kNumericTypes,
                 "max(features, 0).");
  register_unary(registry, "Relu6", UnaryOp::Relu6, "features", "activations", kNumericTypes,
                 "min(max(features, 0), 6), as in MobileNet.");
  register_unary(registry, "Abs", UnaryOp::Abs, "x", "y", kNumericTypes, "|x|.");
  register_unary(registry, "Square", UnaryOp::Square, "x", "y", kNumericTypes, "x * x.");
  register_unary(registry, "Sqrt", UnaryOp::Sqrt, "x", "y", ports::kFloatTypes,
                 "Square root of x.");
  register_binary(registry, "Add", BinaryOp::Add,
                  "x + y with NumPy broadcasting (TensorFlow's AddV2).");
  register_binary(registry, "Mul", BinaryOp::Mul, "x * y with NumPy broadcasting.");
  register_bias_add(registry);
}

}  // namespace blockflow
