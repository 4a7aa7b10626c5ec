// ReadImage (PNG or JPEG -> [1,H,W,C]) and WriteImage (tensor -> PNG, written atomically), on
// Debian's stb_image / stb_image_write so the runtime and the CLI need no GUI library.
#include <stb_image.h>
#include <stb_image_write.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <memory>

#include "blocks/builtin_blocks.h"
#include "blocks/op_util.h"
#include "blocks/port_builders.h"
#include "src/io/atomic_file.h"
#include "src/io/page_files.h"

namespace blockflow {

namespace {

// Image files resolve against the page's folder and stay inside it, as a Const's .npy does.
std::filesystem::path resolve_path(const BlockEnvironment& env, const std::string& path) {
  try {
    return resolve_page_file(env, path);
  } catch (const Error& e) {
    throw PortError("path", e.what());
  }
}

std::string file_bytes(const BlockEnvironment& env, const std::string& path) {
  try {
    return read_file(resolve_path(env, path));
  } catch (const Error& e) {
    throw PortError("path", e.what());
  }
}

int requested_channels(const BoundValues& values) {
  const std::int64_t channels = values.integer("channels");
  if (channels < 0 || channels > 4)
    throw PortError("channels",
                    "must be 0 (as stored), 1, 2, 3 or 4, got " + std::to_string(channels));
  return static_cast<int>(channels);
}

DType image_dtype(const BoundValues& values) {
  const DType dtype = values.dtype("dtype");
  if (dtype != DType::UInt8 && dtype != DType::Float32 && dtype != DType::Float64)
    throw PortError("dtype",
                    "must be uint8, float or double, not " + std::string(dtype_name(dtype)));
  return dtype;
}

const stbi_uc* bytes_of(const std::string& data) {
  return reinterpret_cast<const stbi_uc*>(data.data());
}

// [1, H, W, C] from the file's header, without decoding the pixels.
Dims image_info(const BoundValues& values, const BlockEnvironment& env) {
  const std::string& path = values.text("path");
  const std::string data = file_bytes(env, path);
  int width = 0, height = 0, stored = 0;
  if (!stbi_info_from_memory(bytes_of(data), static_cast<int>(data.size()), &width, &height,
                             &stored))
    throw PortError("path",
                    path + " could not be read as a PNG or JPEG image: " + stbi_failure_reason());
  const int channels = requested_channels(values);
  return {1, height, width, channels == 0 ? stored : channels};
}

Tensor read_image(const BoundValues& values, const BlockEnvironment& env) {
  const std::string& path = values.text("path");
  const std::string data = file_bytes(env, path);
  int width = 0, height = 0, stored = 0;
  const int wanted = requested_channels(values);
  std::unique_ptr<stbi_uc, decltype(&stbi_image_free)> pixels(
      stbi_load_from_memory(bytes_of(data), static_cast<int>(data.size()), &width, &height, &stored,
                            wanted),
      &stbi_image_free);
  if (!pixels)
    throw PortError("path",
                    path + " could not be read as a PNG or JPEG image: " + stbi_failure_reason());
  const int channels = wanted == 0 ? stored : wanted;
  Tensor image(DType::UInt8, {1, height, width, channels});
  std::memcpy(image.raw_data(), pixels.get(), static_cast<std::size_t>(image.byte_size()));
  const DType dtype = image_dtype(values);
  if (dtype == DType::UInt8) return image;
  // Floating images hold intensities in [0, 1], as tf.image.convert_image_dtype gives.
  Tensor scaled(dtype, image.dims());
  visit_float_dtype(dtype, [&](auto zero) {
    using T = decltype(zero);
    const std::uint8_t* in = image.data<std::uint8_t>();
    T* out = scaled.data<T>();
    for (std::int64_t i = 0; i < image.element_count(); ++i)
      out[i] = static_cast<T>(static_cast<double>(in[i]) / 255.0);
  });
  return scaled;
}

void register_read_image(BlockRegistry& registry) {
  using namespace ports;
  BlockSpec spec;
  spec.name = "ReadImage";
  spec.category = "Images";
  spec.doc =
      "Reads a PNG or JPEG file into a [1, H, W, C] tensor: uint8 as stored, or float in [0, 1].";
  spec.ports = {
      value_in("path", PortKind::String, "", "image file, relative to the page's folder"),
      value_in("dtype", PortKind::DTypeName, "uint8", "uint8 (0..255), float or double (0..1)"),
      value_in("channels", PortKind::Int, "0",
               "0 keeps the file's channels; 1 gray, 3 RGB, 4 RGBA convert"),
      tensor_out("output", "[1, H, W, C] image"),
  };
  spec.infer = [](InferContext& context) {
    const DType dtype = image_dtype(context.values());
    context.set_output("output",
                       {dtype, PartialShape::of(image_info(context.values(), context.env()))});
  };
  spec.kernel = [](KernelContext& context) {
    context.set_output("output", read_image(context.values(), context.env()));
  };
  registry.add(std::move(spec));
}

// [H, W, C] of an image tensor, which may also be [1, H, W, C] or [H, W].
Dims image_shape(const Dims& dims) {
  Dims hwc = dims;
  if (hwc.size() == 4) {
    if (hwc[0] != 1 && hwc[0] != kUnknownDim)
      throw PortError("image", "WriteImage writes one image: the batch dimension must be 1, got " +
                                   dims_to_string(dims));
    hwc.erase(hwc.begin());
  }
  if (hwc.size() == 2) hwc.push_back(1);
  if (hwc.size() != 3)
    throw PortError("image", "must be [H,W], [H,W,C] or [1,H,W,C], got " + dims_to_string(dims));
  if (hwc[2] != kUnknownDim && (hwc[2] < 1 || hwc[2] > 4))
    throw PortError("image", "must have 1 to 4 channels (gray, gray+alpha, RGB, RGBA), got " +
                                 std::to_string(hwc[2]));
  return hwc;
}

// 8-bit pixels: uint8 as is; floats in [0, 1] scaled by 255 (or min/max stretched to 0..255),
// rounded and clamped. NaN is written as 0.
std::string to_pixels(const Tensor& image, bool normalize) {
  double low = 0, high = image.dtype() == DType::UInt8 ? 255.0 : 1.0;
  if (normalize && image.element_count() > 0) {
    low = INFINITY, high = -INFINITY;
    for (std::int64_t i = 0; i < image.element_count(); ++i) {
      const double v = image.element_as_double(i);
      if (std::isfinite(v)) low = std::min(low, v), high = std::max(high, v);
    }
    if (!(high > low)) high = low + 1;  // a flat (or all non-finite) image becomes black
  }
  std::string pixels(static_cast<std::size_t>(image.element_count()), '\0');
  for (std::int64_t i = 0; i < image.element_count(); ++i) {
    const double v = (image.element_as_double(i) - low) / (high - low) * 255.0;
    const double clamped = std::isnan(v) ? 0.0 : std::clamp(std::round(v), 0.0, 255.0);
    pixels[static_cast<std::size_t>(i)] = static_cast<char>(static_cast<std::uint8_t>(clamped));
  }
  return pixels;
}

void append_bytes(void* context, void* data, int size) {
  static_cast<std::string*>(context)->append(static_cast<const char*>(data),
                                             static_cast<std::size_t>(size));
}

void write_image(const BoundValues& values, const BlockEnvironment& env, const Tensor& image) {
  const Dims hwc = image_shape(image.dims());
  const std::string pixels = to_pixels(image, values.text("normalize") == "minmax");
  std::string png;
  const int width = static_cast<int>(hwc[1]), height = static_cast<int>(hwc[0]),
            channels = static_cast<int>(hwc[2]);
  if (image.element_count() == 0 ||
      !stbi_write_png_to_func(append_bytes, &png, width, height, channels, pixels.data(),
                              width * channels))
    throw PortError("image", "could not encode a PNG of shape " + dims_to_string(image.dims()));
  const std::string& path = values.text("path");
  try {
    write_file_atomically(resolve_path(env, path), png);
  } catch (const Error& e) {
    throw PortError("path", e.what());
  }
}

void register_write_image(BlockRegistry& registry) {
  using namespace ports;
  BlockSpec spec;
  spec.name = "WriteImage";
  spec.category = "Images";
  spec.doc =
      "Writes a tensor as an 8-bit PNG, atomically (a failed write leaves the old file intact), "
      "and "
      "passes the tensor through.";
  spec.ports = {
      tensor_in("image",
                {DType::UInt8, DType::Float16, DType::BFloat16, DType::Float32, DType::Float64},
                "[1,H,W,C], [H,W,C] or [H,W]; C is 1 to 4; uint8 as is, floats in [0, 1]"),
      value_in("path", PortKind::String, "", "PNG file to write, relative to the page's folder"),
      enum_in("normalize", {"none", "minmax"}, "none",
              "none: floats are taken as 0..1; minmax: the tensor's range is stretched to 0..255"),
      tensor_out("output", "the image input, passed through so it can be fetched"),
  };
  spec.infer = [](InferContext& context) {
    const TensorInfo& image = *context.input("image");
    if (image.shape.rank_known()) image_shape(*image.shape.dims);
    if (context.values().text("path").empty())
      throw PortError("path", "must name the PNG file to write");
    context.set_output("output", image);
  };
  spec.kernel = [](KernelContext& context) {
    const Tensor& image = context.input("image");
    write_image(context.values(), context.env(), image);
    context.set_output("output", image);
  };
  registry.add(std::move(spec));
}

}  // namespace

void register_image_blocks(BlockRegistry& registry) {
  register_read_image(registry);
  register_write_image(registry);
}

}  // namespace blockflow
