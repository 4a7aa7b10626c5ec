// Golden cases for the toolkit blocks, computed by TensorFlow.js's CPU backend
// (tests/fixtures/golden/gen_toolkit_golden.mjs), run through each block's own value parsing,
// static inference and kernel, in float32 and float64.
#include <catch2/catch.hpp>

#include <fstream>
#include <set>

#include "tests/support/block_runner.h"

using namespace blockflow;

namespace {

const nlohmann::json& golden_cases() {
  static const nlohmann::json cases = [] {
    std::ifstream in(BLOCKFLOW_SOURCE_DIR "/tests/fixtures/golden/toolkit_golden.json");
    return nlohmann::json::parse(in).at("cases");
  }();
  return cases;
}

Dims dims_of(const nlohmann::json& j) {
  return j.at("shape").get<Dims>();
}
std::vector<double> doubles_of(const nlohmann::json& j) {
  return j.at("values").get<std::vector<double>>();
}

// An output's dtype when the case names one (Cast), else the dtype the case runs in.
DType dtype_or(const nlohmann::json& output, DType fallback) {
  return output.contains("dtype") ? *parse_dtype(output.at("dtype").get<std::string>()) : fallback;
}

// Float inputs become T; int32 inputs (input_sizes, filter_sizes) stay int32.
template <typename T>
std::map<std::string, Tensor> inputs_of(const nlohmann::json& c) {
  std::map<std::string, Tensor> inputs;
  for (const auto& [port, input] : c.at("inputs").items()) {
    const Dims dims = dims_of(input);
    const auto values = doubles_of(input);
    inputs[port] = input.at("dtype") == "int32"
                       ? test::tensor_from_doubles<std::int32_t>(dims, values)
                       : test::tensor_from_doubles<T>(dims, values);
  }
  return inputs;
}

template <typename T>
void check_case(const nlohmann::json& c, double tolerance) {
  const std::string op = c.at("op");
  const auto inputs = inputs_of<T>(c);
  const auto inferred = test::infer_block(op, c.at("values"), inputs);
  const auto outputs = test::run_block(op, c.at("values"), inputs);
  for (const auto& [port, expected] : c.at("outputs").items()) {
    INFO("output " << port);
    const Dims dims = dims_of(expected);
    // Inference may leave dims unknown (the gradients' sizes are tensors) but must not contradict.
    REQUIRE(inferred.count(port) == 1);
    REQUIRE(outputs.count(port) == 1);
    const DType dtype = dtype_or(expected, dtype_of<T>());
    CHECK(inferred.at(port).dtype == dtype);
    CHECK(outputs.at(port).dtype() == dtype);
    CHECK(inferred.at(port).shape.accepts(dims));
    REQUIRE(outputs.at(port).dims() == dims);
    const auto want = doubles_of(expected);
    const auto got = test::tensor_to_doubles(outputs.at(port));
    REQUIRE(got.size() == want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
      INFO("element " << i);
      CHECK(got[i] == Approx(want[i]).epsilon(tolerance).margin(tolerance));
    }
  }
}

// Batch norm and Sqrt (square roots) and AvgPool (a division) round in float32; the rest is exact.
bool rounds(const nlohmann::json& c) {
  const std::string op = c.at("op");
  return op == "FusedBatchNorm" || op == "AvgPool" || op == "Sqrt";
}

}  // namespace

TEST_CASE("toolkit golden data covers every block and option promised", "[toolkit][golden]") {
  std::map<std::string, std::set<std::string>> options;
  for (const auto& c : golden_cases()) {
    const std::string op = c.at("op");
    options[op].insert("any");
    const auto& values = c.at("values");
    if (values.contains("padding")) options[op].insert(values.at("padding").get<std::string>());
    if (values.contains("attrs")) {
      const std::string attrs = values.at("attrs");
      options[op].insert(attrs.find("NCHW") != std::string::npos ? "NCHW" : "NHWC");
      if (attrs.find("dilations_ = 1,2,2,1") != std::string::npos ||
          attrs.find("dilations_ = 1,1,2,2") != std::string::npos)
        options[op].insert("dilated");
    }
    if (values.contains("strides") &&
        values.at("strides").get<std::string>().find('2') != std::string::npos)
      options[op].insert("strided");
  }
  for (const char* op :
       {"Conv2D", "DepthwiseConv2dNativeBackpropInput", "DepthwiseConv2dNativeBackpropFilter"}) {
    INFO(op);
    CHECK(options[op] == std::set<std::string>{"any", "SAME", "VALID", "EXPLICIT", "NHWC", "NCHW",
                                               "dilated", "strided"});
  }
  for (const char* op : {"MaxPool", "AvgPool"}) {
    INFO(op);
    CHECK(options[op] == std::set<std::string>{"any", "SAME", "VALID", "NHWC", "NCHW", "strided"});
  }
  for (const char* op : {"FusedBatchNorm", "BiasAdd"}) CHECK(options[op].count("NCHW") == 1);
  for (const char* op : {"Relu6", "Add", "Mul", "Relu", "Abs", "Square", "Sqrt", "Identity", "Cast",
                         "Reshape", "Transpose"}) {
    INFO(op);
    CHECK(options[op].count("any") == 1);
  }
}

TEST_CASE("toolkit golden cases match in float32 and float64", "[toolkit][golden]") {
  for (const auto& c : golden_cases()) {
    SECTION(c.at("name").get<std::string>()) {
      check_case<float>(c, rounds(c) ? 1e-6 : 1e-7);
      check_case<double>(c, rounds(c) ? 1e-6 : 1e-12);
    }
  }
}

TEST_CASE("toolkit golden cases match in half and bfloat16 within their precision",
          "[toolkit][golden]") {
  // Inputs are multiples of 1/64 (1/16 for the one-input ops): exact in both; outputs round once
  // (sums accumulate in float).
  for (const auto& c : golden_cases()) {
    if (c.at("op") == "Cast") continue;  // its inputs are float32 by definition of the case
    SECTION(c.at("name").get<std::string>()) {
      check_case<Eigen::half>(c, 2e-3);
      check_case<Eigen::bfloat16>(c, 1.6e-2);
    }
  }
}
