// The depthwise gradient blocks against central finite differences of the forward block in
// float64, and their errors in TensorFlow's wording.
#include <catch2/catch.hpp>

#include <random>

#include "tests/support/block_runner.h"
#include "tests/support/graph_text.h"

using namespace blockflow;

namespace {

struct GradCase {
  std::string name;
  Dims input;   // in data_format order
  Dims filter;  // [KH, KW, C, M]
  nlohmann::json values;
};

Tensor random_tensor(const Dims& dims, std::mt19937& engine) {
  std::uniform_real_distribution<double> uniform(-1.0, 1.0);
  Tensor tensor(DType::Float64, dims);
  for (double& v : tensor.values<double>()) v = uniform(engine);
  return tensor;
}

Tensor sizes_tensor(const Dims& dims) {
  std::vector<std::int32_t> values(dims.begin(), dims.end());
  return Tensor::from_values<std::int32_t>({4}, values);
}

// L(x, f) = sum(dy * DepthwiseConv2dNative(x, f)).
double loss(const GradCase& c, const Tensor& x, const Tensor& f, const Tensor& dy) {
  const Tensor y = test::run_block("DepthwiseConv2dNative", c.values, {{"input", x}, {"filter", f}})
                       .at("output");
  double sum = 0;
  for (std::int64_t i = 0; i < y.element_count(); ++i)
    sum += y.values<double>()[static_cast<std::size_t>(i)] *
           dy.values<double>()[static_cast<std::size_t>(i)];
  return sum;
}

// Central differences of L along every element of `wrt` (x or f); exact up to rounding because
// L is linear in each argument.
std::vector<double> numeric_gradient(const GradCase& c, Tensor x, Tensor f, const Tensor& dy,
                                     bool wrt_input) {
  Tensor& target = wrt_input ? x : f;
  std::vector<double> gradient;
  const double h = 1e-3;
  for (std::int64_t i = 0; i < target.element_count(); ++i) {
    double& v = target.values<double>()[static_cast<std::size_t>(i)];
    const double saved = v;
    v = saved + h;
    const double up = loss(c, x, f, dy);
    v = saved - h;
    const double down = loss(c, x, f, dy);
    v = saved;
    gradient.push_back((up - down) / (2 * h));
  }
  return gradient;
}

nlohmann::json conv_values(const std::string& strides, const std::string& padding,
                           const std::string& attrs) {
  return {{"strides", strides}, {"padding", padding}, {"attrs", attrs}};
}

std::vector<GradCase> grad_cases() {
  return {
      {"same stride 1", {1, 5, 6, 2}, {3, 3, 2, 1}, conv_values("1,1,1,1", "SAME", "")},
      {"valid stride 2, multiplier 2, batch 2",
       {2, 7, 6, 3},
       {3, 2, 3, 2},
       conv_values("1,2,2,1", "VALID", "")},
      {"same unequal strides", {1, 7, 8, 1}, {2, 3, 1, 3}, conv_values("1,1,2,1", "SAME", "")},
      {"dilated",
       {1, 8, 7, 2},
       {3, 3, 2, 2},
       conv_values("1,1,1,1", "SAME", "dilations_ = 1,2,2,1;")},
      {"explicit",
       {1, 6, 6, 2},
       {3, 3, 2, 2},
       conv_values("1,1,1,1", "EXPLICIT", "explicit_paddings_ = 0,0,1,2,0,3,0,0;")},
      {"NCHW strided",
       {2, 3, 7, 6},
       {3, 3, 3, 2},
       conv_values("1,1,2,2", "SAME", "data_format_ = NCHW;")},
      {"NCHW dilated explicit",
       {1, 2, 9, 8},
       {2, 3, 2, 1},
       conv_values(
           "1,1,1,1", "EXPLICIT",
           "data_format_ = NCHW; dilations_ = 1,1,2,3; explicit_paddings_ = 0,0,0,0,2,1,1,3;")},
      {"kernel larger than image", {1, 2, 2, 1}, {5, 5, 1, 2}, conv_values("1,1,1,1", "SAME", "")},
  };
}

}  // namespace

TEST_CASE("depthwise gradients match finite differences of the forward block",
          "[depthwise][backprop]") {
  std::mt19937 engine(7);
  for (const GradCase& c : grad_cases()) {
    SECTION(c.name) {
      const Tensor x = random_tensor(c.input, engine);
      const Tensor f = random_tensor(c.filter, engine);
      const Dims out_dims =
          test::run_block("DepthwiseConv2dNative", c.values, {{"input", x}, {"filter", f}})
              .at("output")
              .dims();
      const Tensor dy = random_tensor(out_dims, engine);

      const Tensor dx =
          test::run_block(
              "DepthwiseConv2dNativeBackpropInput", c.values,
              {{"input_sizes", sizes_tensor(c.input)}, {"filter", f}, {"out_backprop", dy}})
              .at("output");
      REQUIRE(dx.dims() == c.input);
      const auto dx_numeric = numeric_gradient(c, x, f, dy, true);
      for (std::size_t i = 0; i < dx_numeric.size(); ++i)
        CHECK(dx.values<double>()[i] == Approx(dx_numeric[i]).margin(1e-9));

      const Tensor df =
          test::run_block(
              "DepthwiseConv2dNativeBackpropFilter", c.values,
              {{"input", x}, {"filter_sizes", sizes_tensor(c.filter)}, {"out_backprop", dy}})
              .at("output");
      REQUIRE(df.dims() == c.filter);
      const auto df_numeric = numeric_gradient(c, x, f, dy, false);
      for (std::size_t i = 0; i < df_numeric.size(); ++i)
        CHECK(df.values<double>()[i] == Approx(df_numeric[i]).margin(1e-9));
    }
  }
}

namespace {

// A page: Consts for the sizes (int32) and the two float tensors, feeding one gradient block.
std::string grad_page(const std::string& type, const std::string& sizes_port,
                      const std::string& sizes, const std::string& sizes_shape,
                      const std::string& tensor_port, const std::string& tensor_shape,
                      const std::string& out_shape, const std::string& values,
                      const std::string& out_dtype = "float") {
  return R"({"blocks": [
    {"id": "sizes", "type": "Const", "values": {"dtype": "int32", "shape": ")" +
         sizes_shape + R"(", "value": ")" + sizes + R"("}},
    {"id": "t", "type": "Const", "values": {"dtype": "float", "shape": ")" +
         tensor_shape + R"(", "value": "1"}},
    {"id": "dy", "type": "Const", "values": {"dtype": ")" +
         out_dtype + R"(", "shape": ")" + out_shape + R"(", "value": "1"}},
    {"id": "g", "type": ")" +
         type + R"(", "values": )" + values + R"(}],
   "links": [{"from": "sizes.output", "to": "g.)" +
         sizes_port + R"("}, {"from": "t.output", "to": "g.)" + tensor_port + R"("},
             {"from": "dy.output", "to": "g.out_backprop"}]})";
}

std::string input_grad_problems(const std::string& sizes, const std::string& sizes_shape,
                                const std::string& filter_shape, const std::string& out_shape,
                                const std::string& values = R"({"padding": "SAME"})",
                                const std::string& out_dtype = "float") {
  const auto page = grad_page("DepthwiseConv2dNativeBackpropInput", "input_sizes", sizes,
                              sizes_shape, "filter", filter_shape, out_shape, values, out_dtype);
  const auto result = test::compile_text(page);
  if (!result.ok()) return test::joined(result.diagnostics);
  Executor executor(1);
  return test::joined(executor.run(*result.graph, {}).failures());
}

std::string filter_grad_problems(const std::string& sizes, const std::string& sizes_shape,
                                 const std::string& input_shape, const std::string& out_shape,
                                 const std::string& values = R"({"padding": "SAME"})") {
  const auto page = grad_page("DepthwiseConv2dNativeBackpropFilter", "filter_sizes", sizes,
                              sizes_shape, "input", input_shape, out_shape, values);
  const auto result = test::compile_text(page);
  if (!result.ok()) return test::joined(result.diagnostics);
  Executor executor(1);
  return test::joined(executor.run(*result.graph, {}).failures());
}

}  // namespace

TEST_CASE("DepthwiseConv2dNativeBackpropInput reports TensorFlow's errors",
          "[depthwise][backprop][errors]") {
  CHECK(input_grad_problems("1,4,4,2", "4", "3,3,2,1", "1,4,4,2").empty());
  CHECK(input_grad_problems("1,4,4,2", "2,2", "3,3,2,1", "1,4,4,2") ==
        "block 'g' port 'input_sizes': Conv2DBackpropInput: input_sizes input must be 1-dim, not "
        "2\n");
  CHECK(input_grad_problems("1,4,4", "3", "3,3,2,1", "1,4,4,2") ==
        "block 'g' port 'input_sizes': Conv2DBackpropInput: input_sizes must contain 4 values, not "
        "3\n");
  CHECK(input_grad_problems("1,-4,4,2", "4", "3,3,2,1", "1,4,4,2") ==
        "block 'g' port 'input_sizes': Conv2DBackpropInput: input_sizes must be nonnegative, got "
        "[1,-4,4,2]\n");
  CHECK(input_grad_problems("1,4,4,2", "4", "3,3,2,2", "1,4,4,2") ==
        "block 'g' port 'out_backprop': DepthwiseConv2DBackpropInput: depth_multiplier * in_depth "
        "not equal to out_depth\n");
  CHECK(input_grad_problems("1,4,4,3", "4", "3,3,2,1", "1,4,4,2") ==
        "block 'g' port 'filter': DepthwiseConv2DBackpropInput: input and filter must have the "
        "same in_depth\n");
  CHECK(input_grad_problems("1,4,4,2", "4", "3,3,2,1", "1,3,4,2") ==
        "block 'g' port 'out_backprop': DepthwiseConv2DBackpropInput: Number of rows of "
        "out_backprop doesn't match computed: actual = 3, computed = 4\n");
  CHECK(input_grad_problems("1,4,4,2", "4", "3,3,2,1", "1,4,4,2",
                            R"({"padding": "SAME", "strides": "1,2,1,1"})") ==
        "block 'g' port 'out_backprop': DepthwiseConv2DBackpropInput: Number of rows of "
        "out_backprop doesn't match computed: actual = 4, computed = 2\n");
  CHECK(input_grad_problems("2,4,4,2", "4", "3,3,2,1", "1,4,4,2") ==
        "block 'g' port 'out_backprop': DepthwiseConv2DBackpropInput: input and out_backprop must "
        "have the same batch size, input batch: 2 outbackprop batch: 1\n");
  CHECK(input_grad_problems("1,4,4,2", "4", "3,3,2", "1,4,4,2") ==
        "block 'g' port 'filter': DepthwiseConv2DBackpropInput: filter must be 4-dimensional, but "
        "got shape [3,3,2]\n");
  CHECK(input_grad_problems("1,4,4,2", "4", "3,3,2,1", "1,4,4,2", R"({"padding": "SAME"})",
                            "double") ==
        "block 'g' port 'out_backprop': filter and out_backprop must have the same dtype: float32 "
        "vs float64\n");
  CHECK(input_grad_problems("1,4,4,2", "4", "3,3,2,1", "1,4,4,2",
                            R"({"padding": "SAME", "strides": "2,1,1,1"})") ==
        "block 'g' port 'strides': Current implementation does not yet support strides in the "
        "batch and depth dimensions.\n");
}

TEST_CASE("DepthwiseConv2dNativeBackpropFilter reports TensorFlow's errors",
          "[depthwise][backprop][errors]") {
  CHECK(filter_grad_problems("3,3,2,1", "4", "1,4,4,2", "1,4,4,2").empty());
  CHECK(filter_grad_problems("3,3,2,1", "4,1", "1,4,4,2", "1,4,4,2") ==
        "block 'g' port 'filter_sizes': Conv2DBackpropFilter: filter_sizes input must be 1-dim, "
        "not 2\n");
  CHECK(filter_grad_problems("3,3,2,1", "4", "1,4,4,2", "1,4,4,3") ==
        "block 'g' port 'out_backprop': DepthwiseConv2DBackpropFilter: depth_multiplier * in_depth "
        "not equal to out_depth\n");
  CHECK(filter_grad_problems("3,3,3,1", "4", "1,4,4,2", "1,4,4,2") ==
        "block 'g' port 'filter_sizes': DepthwiseConv2DBackpropFilter: input and filter must have "
        "the same in_depth\n");
  CHECK(filter_grad_problems("3,3,2,1", "4", "1,4,4,2", "1,4,5,2") ==
        "block 'g' port 'out_backprop': DepthwiseConv2DBackpropFilter: Number of columns of "
        "out_backprop doesn't match computed: actual = 5, computed = 4\n");
  CHECK(filter_grad_problems("3,3,2,1", "4", "4,4,2", "1,4,4,2") ==
        "block 'g' port 'input': DepthwiseConv2DBackpropFilter: input must be 4-dimensional, but "
        "got shape [4,4,2]\n");
  CHECK(filter_grad_problems("3,3,2,1", "4", "1,4,4,2", "1,4,4,2", R"({"padding": "VALID"})") ==
        "block 'g' port 'out_backprop': DepthwiseConv2DBackpropFilter: Number of rows of "
        "out_backprop doesn't match computed: actual = 4, computed = 2\n");
}

TEST_CASE("the gradient blocks infer their shape from Const sizes, or what they can without",
          "[depthwise][backprop]") {
  auto result =
      test::compile_text(grad_page("DepthwiseConv2dNativeBackpropInput", "input_sizes", "1,4,4,2",
                                   "4", "filter", "3,3,2,2", "1,4,4,4", R"({"padding": "SAME"})"));
  REQUIRE(result.ok());
  CHECK(result.graph->output_info({"g", "output"})->to_string() == "float32 [1,4,4,2]");
  result = test::compile_text(grad_page("DepthwiseConv2dNativeBackpropFilter", "filter_sizes",
                                        "3,3,2,2", "4", "input", "1,2,4,4", "1,4,4,4",
                                        R"({"padding": "SAME", "attrs": "data_format_ = NCHW;"})"));
  REQUIRE(result.ok());
  CHECK(result.graph->output_info({"g", "output"})->to_string() == "float32 [3,3,2,2]");

  // Sizes fed at run time: the dims the other tensors imply are known, the rest are not, and
  // what only the sizes can contradict is reported by the run.
  std::string fed = grad_page("DepthwiseConv2dNativeBackpropInput", "input_sizes", "0", "4",
                              "filter", "3,3,2,2", "1,4,4,4", R"({"padding": "SAME"})");
  fed.replace(fed.find(R"("type": "Const", "values": {"dtype": "int32")"),
              std::string(R"("type": "Const", "values": {"dtype": "int32")").size(),
              R"("type": "Placeholder", "values": {"dtype": "int32")");
  fed.replace(fed.find(R"(, "value": "0")"), std::string(R"(, "value": "0")").size(), "");
  const Feeds feeds = {
      {"sizes", Tensor::from_values<std::int32_t>({4}, std::vector<std::int32_t>{1, 4, 5, 2})}};
  result = test::compile_text(fed, feeds);
  INFO(test::joined(result.diagnostics));
  REQUIRE(result.ok());
  CHECK(result.graph->output_info({"g", "output"})->to_string() == "float32 [1,?,?,2]");
  Executor executor(1);
  RunOptions options;
  options.feeds = feeds;
  CHECK(test::joined(executor.run(*result.graph, options).failures()) ==
        "block 'g': port 'out_backprop': DepthwiseConv2DBackpropInput: Number of columns of "
        "out_backprop doesn't "
        "match computed: actual = 4, computed = 5\n");
}
