// RandomUniform, RandomStandardNormal and TruncatedNormal. As in TensorFlow, seed = seed2 = 0
// draws a fresh seed each run; any other pair gives the same tensor on every machine, because
// the generator (std::mt19937_64) and the transforms below are fully specified.
#include <cmath>
#include <random>

#include "blocks/builtin_blocks.h"
#include "blocks/port_builders.h"

namespace blockflow {

namespace {

enum class Distribution { Uniform, StandardNormal, TruncatedNormal };

class RandomSource {
 public:
  RandomSource(std::int64_t seed, std::int64_t seed2) : engine_(mix(seed, seed2)) {}

  // [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }

  // Box-Muller: two uniforms give two normals.
  double normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    double u1 = 0;
    while (u1 <= 0) u1 = uniform();
    const double u2 = uniform();
    const double radius = std::sqrt(-2.0 * std::log(u1));
    constexpr double kTwoPi = 6.283185307179586476925286766559;
    spare_ = radius * std::sin(kTwoPi * u2);
    has_spare_ = true;
    return radius * std::cos(kTwoPi * u2);
  }

  // Normal values beyond two standard deviations are dropped and drawn again.
  double truncated_normal() {
    for (;;) {
      const double value = normal();
      if (std::fabs(value) <= 2.0) return value;
    }
  }

 private:
  static std::uint64_t mix(std::int64_t seed, std::int64_t seed2) {
    if (seed == 0 && seed2 == 0) return std::random_device{}() * 0x9E3779B97F4A7C15ull ^ std::random_device{}();
    std::seed_seq sequence{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(static_cast<std::uint64_t>(seed) >> 32),
                           static_cast<std::uint32_t>(seed2), static_cast<std::uint32_t>(static_cast<std::uint64_t>(seed2) >> 32)};
    std::uint64_t words[2];
    std::uint32_t parts[4];
    sequence.generate(parts, parts + 4);
    words[0] = (static_cast<std::uint64_t>(parts[0]) << 32) | parts[1];
    words[1] = (static_cast<std::uint64_t>(parts[2]) << 32) | parts[3];
    return words[0] ^ (words[1] * 0x9E3779B97F4A7C15ull);
  }

  std::mt19937_64 engine_;
  double spare_ = 0;
  bool has_spare_ = false;
};

Dims random_shape(const BoundValues& values) { return shape_from_port("shape", values.int_list("shape"), false); }

DType random_dtype(const BoundValues& values) {
  const DType dtype = values.dtype("dtype");
  if (!is_floating(dtype))
    throw PortError("dtype", "must be half, bfloat16, float or double, not " + std::string(dtype_name(dtype)));
  return dtype;
}

template <typename T>
void fill(Tensor& tensor, Distribution distribution, RandomSource& source) {
  for (T& value : tensor.values<T>()) {
    double sample = 0;
    switch (distribution) {
      case Distribution::Uniform: sample = source.uniform(); break;
      case Distribution::StandardNormal: sample = source.normal(); break;
      case Distribution::TruncatedNormal: sample = source.truncated_normal(); break;
    }
    value = static_cast<T>(sample);
  }
}

void register_random(BlockRegistry& registry, std::string name, Distribution distribution, std::string doc) {
  using namespace ports;
  BlockSpec spec;
  spec.name = std::move(name);
  spec.category = "Random";
  spec.doc = std::move(doc);
  spec.ports = {
      value_in("shape", PortKind::IntList, "", "dims of the output, like 1,8,8,3"),
      value_in("dtype", PortKind::DTypeName, "float", "half, bfloat16, float or double"),
      value_in("seed", PortKind::Int, "0", "with seed2: 0,0 draws a fresh seed every run"),
      value_in("seed2", PortKind::Int, "0", "second seed"),
      tensor_out("output", "the random tensor"),
  };
  spec.infer = [](InferContext& context) {
    context.set_output("output", {random_dtype(context.values()), PartialShape::of(random_shape(context.values()))});
  };
  spec.kernel = [distribution](KernelContext& context) {
    const auto& values = context.values();
    Tensor tensor(random_dtype(values), random_shape(values));
    RandomSource source(values.integer("seed"), values.integer("seed2"));
    visit_dtype(tensor.dtype(), [&](auto zero) {
      using T = decltype(zero);
      if constexpr (std::is_floating_point_v<T> || std::is_same_v<T, Eigen::half> ||
                    std::is_same_v<T, Eigen::bfloat16>)
        fill<T>(tensor, distribution, source);
    });
    context.set_output("output", std::move(tensor));
  };
  registry.add(std::move(spec));
}

}  // namespace

void register_random_blocks(BlockRegistry& registry) {
  register_random(registry, "RandomUniform", Distribution::Uniform, "Uniform values in [0, 1).");
  register_random(registry, "RandomStandardNormal", Distribution::StandardNormal,
                  "Normal values with mean 0 and standard deviation 1.");
  register_random(registry, "TruncatedNormal", Distribution::TruncatedNormal,
                  "Normal values with mean 0 and standard deviation 1, redrawn beyond two standard deviations.");
}

}  // namespace blockflow
