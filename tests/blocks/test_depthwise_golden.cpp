// Golden cases computed by TensorFlow.js's CPU backend (tests/fixtures/golden, with the script
// that generated them), run through the block's own value parsing, inference and kernel.
#include <catch2/catch.hpp>

#include <fstream>
#include <set>

#include "blocks/builtin_blocks.h"
#include "blocks/depthwise_isa.h"
#include "blocks/depthwise_kernel.h"
#include "tests/support/bound_values.h"

using namespace blockflow;
using blockflow::test::bind_values;

namespace {

const nlohmann::json& golden_cases() {
  static const nlohmann::json cases = [] {
    std::ifstream in(BLOCKFLOW_SOURCE_DIR "/tests/fixtures/golden/depthwise_golden.json");
    return nlohmann::json::parse(in).at("cases");
  }();
  return cases;
}

std::string text_of(const nlohmann::json& list) {
  std::string text;
  for (const auto& v : list) text += (text.empty() ? "" : std::string(",")) + std::to_string(v.get<long long>());
  return text;
}

// The page-level values a user would type for this case.
nlohmann::json values_of(const nlohmann::json& c) {
  std::string attrs = "data_format_ = " + c.at("data_format").get<std::string>() +
                      "; dilations_ = " + text_of(c.at("dilations")) + ";";
  if (!c.at("explicit_paddings").empty()) attrs += " explicit_paddings_ = " + text_of(c.at("explicit_paddings")) + ";";
  return {{"strides", text_of(c.at("strides"))}, {"padding", c.at("padding")}, {"attrs", attrs}};
}

template <typename T>
void check_case(const nlohmann::json& c, double relative_tolerance) {
  const BlockSpec& spec = *builtin_registry().find("DepthwiseConv2dNative");
  const BoundValues values = bind_values(spec, values_of(c));
  const Dims input_dims = c.at("input_shape").get<Dims>();
  const Dims filter_dims = c.at("filter_shape").get<Dims>();
  const Tensor input = test::tensor_from_doubles<T>(input_dims, c.at("input").get<std::vector<double>>());
  const Tensor filter = test::tensor_from_doubles<T>(filter_dims, c.at("filter").get<std::vector<double>>());

  // Static inference must agree with what the kernel computes.
  BlockEnvironment env;
  InferContext infer(values, env, {{"input", {dtype_of<T>(), PartialShape::of(input_dims)}},
                                   {"filter", {dtype_of<T>(), PartialShape::of(filter_dims)}}}, nullptr);
  spec.infer(infer);
  CHECK(*infer.outputs().at("output").shape.dims == c.at("output_shape").get<Dims>());

  const Tensor output = depthwise_conv2d(input, filter, read_depthwise_params(values), nullptr);
  REQUIRE(output.dims() == c.at("output_shape").get<Dims>());
  const auto expected = c.at("output").get<std::vector<double>>();
  const auto actual = test::tensor_to_doubles(output);
  REQUIRE(actual.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    INFO("element " << i);
    CHECK(actual[i] == Approx(expected[i]).epsilon(relative_tolerance).margin(relative_tolerance));
  }
}

// Runs `check` once on every kernel path this CPU supports, then restores the default path.
template <typename Check>
void on_every_isa(Check check) {
  struct Restore {
    ~Restore() { set_depthwise_isa_for_testing(DepthwiseIsa::Auto); }
  } restore;
  for (DepthwiseIsa isa : supported_depthwise_isas()) {
    INFO("kernel path " << depthwise_isa_name(isa));
    set_depthwise_isa_for_testing(isa);
    check();
  }
}

}  // namespace

TEST_CASE("golden cases from TensorFlow.js cover the promised range", "[depthwise][golden]") {
  std::set<std::string> paddings, formats;
  std::set<long long> kernels_rows, multipliers, batches, strides;
  for (const auto& c : golden_cases()) {
    paddings.insert(c.at("padding").get<std::string>());
    formats.insert(c.at("data_format").get<std::string>());
    kernels_rows.insert(c.at("filter_shape")[0].get<long long>());
    multipliers.insert(c.at("filter_shape")[3].get<long long>());
    batches.insert(c.at("input_shape")[0].get<long long>());
    for (const auto& s : c.at("strides")) strides.insert(s.get<long long>());
  }
  CHECK(golden_cases().size() >= 60);
  CHECK(paddings == std::set<std::string>{"EXPLICIT", "SAME", "VALID"});
  CHECK(formats == std::set<std::string>{"NCHW", "NHWC"});
  CHECK(kernels_rows.count(1) + kernels_rows.count(7) == 2);
  CHECK(multipliers.count(3) == 1);
  CHECK(strides.count(3) == 1);
  CHECK(*batches.rbegin() > 1);
}

TEST_CASE("golden cases match in float32 and float64", "[depthwise][golden]") {
  for (const auto& c : golden_cases()) {
    SECTION(c.at("name").get<std::string>()) {
      on_every_isa([&] {
        check_case<float>(c, 1e-6);
        check_case<double>(c, 1e-12);
      });
    }
  }
}

TEST_CASE("golden cases match in half and bfloat16 within their precision", "[depthwise][golden]") {
  // Inputs are multiples of 1/64 in [-1, 1]: exact in half and bfloat16; only the output rounds.
  for (const auto& c : golden_cases()) {
    SECTION(c.at("name").get<std::string>()) {
      on_every_isa([&] {
        check_case<Eigen::half>(c, 1e-3);
        check_case<Eigen::bfloat16>(c, 8e-3);
      });
    }
  }
}
