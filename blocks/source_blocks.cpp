// Const and Placeholder: where tensors enter a page.
#include <filesystem>

#include "blocks/builtin_blocks.h"
#include "blocks/port_builders.h"
#include "runtime/tensor_literal.h"
#include "src/io/npy.h"
#include "src/io/page_files.h"

namespace blockflow {

namespace {

bool names_npy_file(const std::string& value) {
  const auto dot = value.rfind('.');
  if (dot == std::string::npos) return false;
  std::string extension = value.substr(dot);
  for (char& c : extension) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return extension == ".npy" && value.find_first_of(",{}[]") == std::string::npos;
}

std::filesystem::path resolve(const BlockEnvironment& env, const std::string& relative) {
  try {
    return resolve_page_file(env, relative);
  } catch (const Error& e) {
    throw PortError("value", e.what());
  }
}

std::optional<Dims> optional_shape(const BoundValues& values) {
  if (!values.has("shape")) return std::nullopt;
  return shape_from_port("shape", values.int_list("shape"), false);
}

// The file's dtype must agree with the dtype port when both are given.
void check_file_dtype(const BoundValues& values, DType file_dtype, const std::string& file) {
  if (values.has("dtype") && values.dtype("dtype") != file_dtype) {
    throw PortError("dtype", "is " + std::string(dtype_name(values.dtype("dtype"))) + ", but " + file +
                                 " holds " + std::string(dtype_name(file_dtype)));
  }
}

Tensor load_const(const BoundValues& values, const BlockEnvironment& env) {
  const std::string& text = values.text("value");
  if (names_npy_file(text)) {
    Tensor tensor;
    try {
      tensor = read_npy(resolve(env, text));
    } catch (const Error& e) {
      throw PortError("value", e.what());
    }
    check_file_dtype(values, tensor.dtype(), text);
    if (auto shape = optional_shape(values)) {
      try {
        tensor = tensor.reshaped(*shape);
      } catch (const Error& e) {
        throw PortError("shape", std::string(e.what()) + " (the shape of " + text + ")");
      }
    }
    return tensor;
  }
  const DType dtype = values.has("dtype") ? values.dtype("dtype") : DType::Float32;
  try {
    return parse_tensor_literal(text, dtype, optional_shape(values));
  } catch (const PortError&) {
    throw;
  } catch (const Error& e) {
    throw PortError("value", e.what());
  }
}

void infer_const(InferContext& context) {
  const auto& values = context.values();
  const std::string& text = values.text("value");
  if (names_npy_file(text)) {
    NpyHeader header;
    try {
      header = read_npy_header(resolve(context.env(), text));
    } catch (const Error& e) {
      throw PortError("value", e.what());
    }
    check_file_dtype(values, header.dtype, text);
    Dims dims = header.dims;
    if (auto shape = optional_shape(values)) {
      if (checked_element_count(*shape) != checked_element_count(dims))
        throw PortError("shape", dims_to_string(*shape) + " does not fit the " + dims_to_string(dims) + " array in " + text);
      dims = *shape;
    }
    context.set_output("output", {header.dtype, PartialShape::of(dims)});
    return;
  }
  const Tensor tensor = load_const(values, context.env());
  context.set_output("output", {tensor.dtype(), PartialShape::of(tensor.dims())});
  // Small literals (shapes, sizes, permutations) are published so consumers can infer from their
  // values; big ones are not kept twice.
  constexpr std::int64_t kMaxPublishedElements = 64;
  if (tensor.element_count() <= kMaxPublishedElements) context.set_constant("output", tensor);
}

void register_const(BlockRegistry& registry) {
  using namespace ports;
  BlockSpec spec;
  spec.name = "Const";
  spec.category = "Sources";
  spec.doc = "A constant tensor typed as a literal or read from a .npy file.";
  spec.ports = {
      value_in("dtype", PortKind::DTypeName, "", "float, double, half, bfloat16, int32, int64, uint8, bool "
               "(also float32, DT_FLOAT); default float, or the file's dtype", false),
      value_in("shape", PortKind::IntList, "", "dims like 2,2,2,2; optional for nested values", false),
      value_in("value", PortKind::String, "", "1,2,3,4 (flat), {{1,2},{3,4}} (nested), 0 (fills), "
               "or a .npy path relative to the page"),
      tensor_out("output", "the constant"),
  };
  spec.infer = infer_const;
  spec.kernel = [](KernelContext& context) {
    context.set_output("output", load_const(context.values(), context.env()));
  };
  registry.add(std::move(spec));
}

PartialShape placeholder_shape(const BoundValues& values) {
  if (!values.has("shape")) return PartialShape::unknown();
  return PartialShape::of(shape_from_port("shape", values.int_list("shape"), true));
}

void check_feed(const BoundValues& values, const Tensor& feed) {
  const DType dtype = values.dtype("dtype");
  const PartialShape shape = placeholder_shape(values);
  if (feed.dtype() != dtype || !shape.accepts(feed.dims())) {
    throw Error("the feed is " + std::string(dtype_name(feed.dtype())) + " " + dims_to_string(feed.dims()) +
                ", but the Placeholder takes " + std::string(dtype_name(dtype)) + " " + shape.to_string());
  }
}

void register_placeholder(BlockRegistry& registry) {
  using namespace ports;
  BlockSpec spec;
  spec.name = "Placeholder";
  spec.category = "Sources";
  spec.doc = "A tensor fed at run time (blockflow run --feed BLOCK=FILE.npy).";
  spec.ports = {
      value_in("dtype", PortKind::DTypeName, "float", "dtype the feed must have"),
      value_in("shape", PortKind::IntList, "", "partial shape like -1,-1,-1,3; absent for unknown rank", false),
      tensor_out("output", "the fed tensor"),
  };
  spec.takes_feed = true;
  spec.infer = [](InferContext& context) {
    const DType dtype = context.values().dtype("dtype");
    PartialShape shape = placeholder_shape(context.values());
    if (const Tensor* feed = context.feed()) {
      check_feed(context.values(), *feed);
      shape = PartialShape::of(feed->dims());
    }
    context.set_output("output", {dtype, shape});
  };
  spec.kernel = [](KernelContext& context) {
    if (!context.feed()) throw Error("no feed was given for this Placeholder");
    check_feed(context.values(), *context.feed());
    context.set_output("output", *context.feed());
  };
  registry.add(std::move(spec));
}

}  // namespace

void register_source_blocks(BlockRegistry& registry) {
  register_const(registry);
  register_placeholder(registry);
}

}  // namespace blockflow
