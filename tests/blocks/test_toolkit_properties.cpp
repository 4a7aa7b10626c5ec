// Properties of the toolkit blocks that golden data cannot show: grouped Conv2D (which TF.js
// lacks), Cast's edge cases, buffers shared instead of copied, empty tensors, and the same
// result on one thread or several.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <random>

#include "tests/support/block_runner.h"
#include "tests/support/graph_text.h"

using namespace blockflow;

namespace {

Tensor random_floats(const Dims& dims, std::uint32_t seed) {
  std::mt19937 engine(seed);
  std::uniform_int_distribution<int> k(-64, 64);
  Tensor tensor(DType::Float32, dims);
  for (float& v : tensor.values<float>()) v = static_cast<float>(k(engine)) / 64.0f;
  return tensor;
}

// Channels [begin, begin + count) of the last dimension.
Tensor channel_slice(const Tensor& t, std::int64_t begin, std::int64_t count) {
  Dims dims = t.dims();
  const std::int64_t depth = dims.back();
  dims.back() = count;
  Tensor out(DType::Float32, dims);
  for (std::int64_t i = 0; i < out.element_count(); ++i)
    out.values<float>()[static_cast<std::size_t>(i)] =
        t.values<float>()[static_cast<std::size_t>(i / count * depth + begin + i % count)];
  return out;
}

}  // namespace

TEST_CASE("grouped Conv2D is the per-group convolutions side by side", "[toolkit][conv2d]") {
  // 6 input channels, filter depth 2: three groups of 2 channels, 3 output channels each.
  const Tensor input = random_floats({2, 5, 6, 6}, 1);
  const Tensor filter = random_floats({3, 3, 2, 9}, 2);
  const nlohmann::json values = {{"strides", "1,2,1,1"}, {"padding", "SAME"}};
  const Tensor grouped =
      test::run_block("Conv2D", values, {{"input", input}, {"filter", filter}}).at("output");
  REQUIRE(grouped.dims() == Dims{2, 3, 6, 9});
  for (std::int64_t g = 0; g < 3; ++g) {
    const Tensor part = test::run_block("Conv2D", values,
                                        {{"input", channel_slice(input, 2 * g, 2)},
                                         {"filter", channel_slice(filter, 3 * g, 3)}})
                            .at("output");
    CHECK(channel_slice(grouped, 3 * g, 3).identical(part));
  }
}

TEST_CASE("Cast truncates, saturates and never hits undefined behaviour", "[toolkit][cast]") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const Tensor x = test::tensor_from_doubles<double>({6}, {-2.7, 2.7, 1e10, -1e10, nan, 300});
  const auto cast = [&](const char* to) {
    return test::run_block("Cast", {{"DstT", to}}, {{"x", x}}).at("y");
  };
  CHECK(test::tensor_to_doubles(cast("int32")) ==
        std::vector<double>{-2, 2, 2147483647, -2147483648.0, 0, 300});
  CHECK(test::tensor_to_doubles(cast("uint8")) == std::vector<double>{0, 2, 255, 0, 0, 255});
  CHECK(test::tensor_to_doubles(cast("bool")) == std::vector<double>{1, 1, 1, 1, 1, 1});
  const Tensor same = cast("double");
  CHECK(same.raw_data() == x.raw_data());  // no conversion, no copy
  const Tensor big =
      Tensor::from_values<std::int64_t>({1}, std::vector<std::int64_t>{(1LL << 62) + 1});
  CHECK(test::run_block("Cast", {{"DstT", "int64"}}, {{"x", big}})
            .at("y")
            .values<std::int64_t>()[0] == (1LL << 62) + 1);
}

TEST_CASE("Identity and Reshape share the buffer, and Transpose moves any dtype", "[toolkit][array]") {
  const Tensor x = random_floats({2, 3, 4}, 3);
  CHECK(test::run_block("Identity", {}, {{"input", x}}).at("output").raw_data() == x.raw_data());
  const Tensor reshaped =
      test::run_block("Reshape", {{"shape", "4,-1"}}, {{"tensor", x}}).at("output");
  CHECK(reshaped.dims() == Dims{4, 6});
  CHECK(reshaped.raw_data() == x.raw_data());
  const Tensor ints =
      Tensor::from_values<std::int64_t>({2, 3}, std::vector<std::int64_t>{1, 2, 3, 4, 5, 6});
  const Tensor t = test::run_block("Transpose", {{"perm", "1,0"}}, {{"x", ints}}).at("y");
  CHECK(t.dims() == Dims{3, 2});
  CHECK(test::tensor_to_doubles(t) == std::vector<double>{1, 4, 2, 5, 3, 6});
}

TEST_CASE("element-wise blocks keep NaN and work on integers", "[toolkit][math]") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const Tensor x = test::tensor_from_doubles<float>({4}, {-1, nan, 3, 9});
  const auto relu6 =
      test::tensor_to_doubles(test::run_block("Relu6", {}, {{"features", x}}).at("activations"));
  CHECK(relu6[0] == 0);
  CHECK(std::isnan(relu6[1]));
  CHECK(relu6[3] == 6);
  const Tensor i = Tensor::from_values<std::int32_t>({3}, std::vector<std::int32_t>{-4, 0, 5});
  CHECK(test::tensor_to_doubles(test::run_block("Relu", {}, {{"features", i}}).at("activations")) ==
        std::vector<double>{0, 0, 5});
  CHECK(test::tensor_to_doubles(test::run_block("Abs", {}, {{"x", i}}).at("y")) ==
        std::vector<double>{4, 0, 5});
  const Tensor column =
      Tensor::from_values<std::int32_t>({3, 1}, std::vector<std::int32_t>{1, 2, 3});
  CHECK(test::tensor_to_doubles(test::run_block("Mul", {}, {{"x", i}, {"y", column}}).at("z")) ==
        std::vector<double>{-4, 0, 5, -8, 0, 10, -12, 0, 15});
}

TEST_CASE("empty tensors flow through the toolkit blocks", "[toolkit][empty]") {
  const Tensor no_images(DType::Float32, {0, 4, 4, 2});
  const nlohmann::json same = {{"padding", "SAME"}};
  CHECK(test::run_block("Conv2D", same,
                        {{"input", no_images}, {"filter", random_floats({3, 3, 2, 3}, 4)}})
            .at("output")
            .dims() == Dims{0, 4, 4, 3});
  CHECK(test::run_block("MaxPool",
                        {{"ksize", "1,2,2,1"}, {"strides", "1,2,2,1"}, {"padding", "SAME"}},
                        {{"input", no_images}})
            .at("output")
            .dims() == Dims{0, 2, 2, 2});
  const Tensor sizes =
      Tensor::from_values<std::int32_t>({4}, std::vector<std::int32_t>{0, 4, 4, 2});
  CHECK(test::run_block("DepthwiseConv2dNativeBackpropInput", same,
                        {{"input_sizes", sizes},
                         {"filter", random_floats({3, 3, 2, 1}, 5)},
                         {"out_backprop", Tensor(DType::Float32, {0, 4, 4, 2})}})
            .at("output")
            .dims() == Dims{0, 4, 4, 2});
}

TEST_CASE("the toolkit blocks give the same bits on one thread and on several",
          "[toolkit][parallel]") {
  const std::string page = R"({"blocks": [
    {"id": "x", "type": "RandomUniform", "values": {"shape": "2,33,31,8", "seed": "3", "seed2": "4"}},
    {"id": "f", "type": "TruncatedNormal", "values": {"shape": "3,3,8,16", "seed": "5", "seed2": "6"}},
    {"id": "conv", "type": "Conv2D", "values": {"strides": "1,2,2,1", "padding": "SAME"}},
    {"id": "pool", "type": "AvgPool", "values": {"ksize": "1,3,3,1", "strides": "1,2,2,1", "padding": "SAME"}},
    {"id": "t", "type": "Transpose", "values": {"perm": "0,3,1,2"}},
    {"id": "dwf", "type": "TruncatedNormal", "values": {"shape": "3,3,8,2", "seed": "7", "seed2": "8"}},
    {"id": "sizes", "type": "Const", "values": {"dtype": "int32", "shape": "4", "value": "3,3,8,2"}},
    {"id": "dw", "type": "DepthwiseConv2dNative", "values": {"padding": "SAME"}},
    {"id": "df", "type": "DepthwiseConv2dNativeBackpropFilter", "values": {"padding": "SAME"}}],
   "links": [{"from": "x.output", "to": "conv.input"}, {"from": "f.output", "to": "conv.filter"},
             {"from": "conv.output", "to": "pool.input"}, {"from": "pool.output", "to": "t.x"},
             {"from": "x.output", "to": "dw.input"}, {"from": "dwf.output", "to": "dw.filter"},
             {"from": "x.output", "to": "df.input"}, {"from": "sizes.output", "to": "df.filter_sizes"},
             {"from": "dw.output", "to": "df.out_backprop"}]})";
  const auto compiled = test::compile_text(page);
  REQUIRE(compiled.ok());
  Executor one(1), several(4);
  const auto a = one.run(*compiled.graph, {});
  const auto b = several.run(*compiled.graph, {});
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  for (const PortRef& ref : {PortRef{"t", "y"}, PortRef{"df", "output"}})
    CHECK(a.fetched_tensor(ref)->identical(*b.fetched_tensor(ref)));
}
