// Reshape and Transpose. Unlike TensorFlow, the new shape and the permutation are typed values
// rather than tensor inputs, so a page's shapes are known before it runs.
#include <cstring>
#include <set>

#include "blocks/builtin_blocks.h"
#include "blocks/op_util.h"
#include "blocks/port_builders.h"

namespace blockflow {

namespace {

// The requested shape with -1 resolved against the element count (when known), TF's messages.
Dims reshape_dims(const IntList& requested, std::optional<std::int64_t> count) {
  std::int64_t known_product = 1;
  int unknown_at = -1;
  for (std::size_t i = 0; i < requested.size(); ++i) {
    const std::int64_t d = requested[i];
    if (d == -1) {
      if (unknown_at >= 0)
        throw PortError("shape", "Only one input size may be -1, not both " +
                                     std::to_string(unknown_at) + " and " + std::to_string(i));
      unknown_at = static_cast<int>(i);
    } else if (d < 0) {
      throw PortError(
          "shape", "Size " + std::to_string(i) + " must be non-negative, not " + std::to_string(d));
    } else {
      known_product *= d;
    }
  }
  // The configured limit (--max-rank), not the compile-time ceiling.
  if (requested.size() > static_cast<std::size_t>(max_tensor_rank()))
    throw PortError("shape", "rank " + std::to_string(requested.size()) + " exceeds the maximum rank " +
                                 std::to_string(max_tensor_rank()));
  Dims dims(requested.begin(), requested.end());
  if (!count) return dims;
  if (unknown_at >= 0) {
    if (known_product == 0) {
      throw PortError("shape",
                      "Reshape cannot infer the missing input size for an empty tensor unless all "
                      "specified input sizes are non-zero");
    }
    if (*count % known_product != 0) {
      throw PortError("shape", "Input to reshape is a tensor with " + std::to_string(*count) +
                                   " values, but the requested shape requires a multiple of " +
                                   std::to_string(known_product));
    }
    dims[static_cast<std::size_t>(unknown_at)] = *count / known_product;
  } else if (known_product != *count) {
    throw PortError("shape", "Input to reshape is a tensor with " + std::to_string(*count) +
                                 " values, but the requested shape has " +
                                 std::to_string(known_product));
  }
  return dims;
}

void register_reshape(BlockRegistry& registry) {
  using namespace ports;
  BlockSpec spec;
  spec.name = "Reshape";
  spec.category = "Array";
  spec.doc =
      "The same values in a new shape (row-major order kept; the buffer is shared, not copied).";
  spec.ports = {
      tensor_in("tensor", {}, "any tensor"),
      value_in("shape", PortKind::IntList, "",
               "the new dims, like 1,-1; at most one -1, inferred from the size"),
      tensor_out("output", "tensor with the new shape"),
  };
  spec.infer = [](InferContext& context) {
    const TensorInfo& input = *context.input("tensor");
    std::optional<std::int64_t> count;
    if (input.shape.fully_known()) count = checked_element_count(*input.shape.dims);
    context.set_output(
        "output",
        {input.dtype, PartialShape::of(reshape_dims(context.values().int_list("shape"), count))});
  };
  spec.kernel = [](KernelContext& context) {
    const Tensor& input = context.input("tensor");
    context.set_output("output", input.reshaped(reshape_dims(context.values().int_list("shape"),
                                                             input.element_count())));
  };
  registry.add(std::move(spec));
}

void check_perm(const IntList& perm, int rank) {
  if (static_cast<int>(perm.size()) != rank) {
    throw PortError("perm", "transpose expects a vector of size " + std::to_string(rank) +
                                ". But input(1) is a vector of size " +
                                std::to_string(perm.size()));
  }
  std::set<std::int64_t> seen;
  for (std::int64_t d : perm) {
    if (d < 0 || d >= rank)
      throw PortError("perm",
                      std::to_string(d) + " is out of range [0 .. " + std::to_string(rank) + ")");
    seen.insert(d);
  }
  for (int i = 0; i < rank; ++i)
    if (!seen.count(i))
      throw PortError("perm",
                      std::to_string(i) + " is missing from {" + int_list_to_text(perm) + "}.");
}

Dims permuted(const Dims& dims, const IntList& perm) {
  Dims out;
  for (std::int64_t d : perm) out.push_back(dims[static_cast<std::size_t>(d)]);
  return out;
}

Tensor transpose(const Tensor& x, const IntList& perm, const KernelContext& context) {
  check_perm(perm, x.rank());
  Tensor y(x.dtype(), permuted(x.dims(), perm));
  const Dims in_strides = row_major_strides(x.dims());
  Dims strides_by_out;  // input stride of each output dimension
  for (std::int64_t d : perm) strides_by_out.push_back(in_strides[static_cast<std::size_t>(d)]);
  const std::size_t size = dtype_size(x.dtype());
  const auto* in = static_cast<const unsigned char*>(x.raw_data());
  auto* out = static_cast<unsigned char*>(y.raw_data());
  const Dims& out_dims = y.dims();
  context.parallel_for(y.element_count(), 1 << 14, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t i = begin; i < end; ++i) {
      std::int64_t rest = i, from = 0;
      for (std::size_t k = out_dims.size(); k-- > 0;) {
        from += (rest % out_dims[k]) * strides_by_out[k];
        rest /= out_dims[k];
      }
      std::memcpy(out + i * static_cast<std::int64_t>(size),
                  in + from * static_cast<std::int64_t>(size), size);
    }
  });
  return y;
}

void register_transpose(BlockRegistry& registry) {
  using namespace ports;
  BlockSpec spec;
  spec.name = "Transpose";
  spec.category = "Array";
  spec.doc =
      "Permutes the dimensions: y.shape[i] = x.shape[perm[i]], e.g. perm 0,3,1,2 turns NHWC into "
      "NCHW.";
  spec.ports = {
      tensor_in("x", {}, "any tensor"),
      value_in("perm", PortKind::IntList, "", "a permutation of 0 .. rank-1, like 0,3,1,2"),
      tensor_out("y", "x with its dimensions permuted"),
  };
  spec.infer = [](InferContext& context) {
    const TensorInfo& x = *context.input("x");
    const IntList& perm = context.values().int_list("perm");
    if (!x.shape.rank_known()) {
      context.set_output("y", {x.dtype, PartialShape::of(Dims(perm.size(), kUnknownDim))});
      return;
    }
    check_perm(perm, x.shape.rank());
    context.set_output("y", {x.dtype, PartialShape::of(permuted(*x.shape.dims, perm))});
  };
  spec.kernel = [](KernelContext& context) {
    context.set_output("y",
                       transpose(context.input("x"), context.values().int_list("perm"), context));
  };
  registry.add(std::move(spec));
}

}  // namespace

void register_shape_blocks(BlockRegistry& registry) {
  register_reshape(registry);
  register_transpose(registry);
}

}  // namespace blockflow
